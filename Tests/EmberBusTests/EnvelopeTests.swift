import EmberBus
import EmberCore
import Foundation
import Testing

@Suite struct EnvelopeTests {
    @Test(arguments: [
        ("3.20", "3.15", true), ("3.20", "3.0", true), ("3.20", "3.20", true), ("3.20", "3.21", false),
        ("3.20", "4.0", false), ("3.20", "2.9", false), ("3.0", "3", true),
    ])
    func versionCompatibilityFollowsOslo(supported: String, requested: String, compatible: Bool) throws {
        let server = try #require(RPCVersion(supported))
        let envelope = BusFixture.envelope("t", version: try #require(RPCVersion(requested)))
        if compatible {
            try envelope.checkVersion(supported: server)
        } else {
            #expect(throws: BusError.unsupportedVersion(method: "noop", requested: envelope.version, supported: server))
            {
                try envelope.checkVersion(supported: server)
            }
        }
    }

    @Test(arguments: ["", "3.", "a.b", "3.1.2", "-1.0"])
    func malformedVersionsAreRefused(text: String) {
        #expect(RPCVersion(text) == nil)
    }

    @Test func envelopeSurvivesTheWire() throws {
        var envelope = BusFixture.envelope(
            Topic.scheduler,
            "create_volume",
            version: RPCVersion(3, 10),
            arguments: ["volume": ["id": "v1", "size": 1], "snapshot_id": nil, "backup_id": .null]
        )
        envelope.correlationID = UUID()
        envelope.replyTo = "bus-1"
        let decoded = try Envelope.decode(try envelope.encoded())
        #expect(decoded == envelope)
        #expect(decoded.version.description == "3.10")
        #expect(try envelope.encoded().contains("\"version\":\"3.10\""))
    }

    @Test func undecodableEnvelopeIsATypedError() {
        #expect(throws: BusError.self) { try Envelope.decode("{\"topic\": 1}") }
    }

    @Test func busErrorsRenderAsCinderWould() {
        #expect(BusError.unavailable(reason: "x").emberError.status == 503)
        #expect(BusError.queueFull(topic: "t", limit: 1).emberError.status == 503)
        #expect(BusError.timeout(topic: "t", method: "m", seconds: 60).emberError == .internalError)
        #expect(BusError.remote(RemoteError(type: "E", message: "secret")).emberError == .internalError)
        #expect(
            BusError.remote(RemoteError(EmberError.notFound("Volume v could not be found."))).emberError
                == .notFound("Volume v could not be found.")
        )
    }

    @Test func topicsAreNamedAsCinderNamesThem() {
        #expect(Topic.scheduler == "cinder-scheduler")
        #expect(Topic.volume(host: "node1", backend: "lvm") == "cinder-volume.node1@lvm")
        #expect(Topic.fanout(Topic.scheduler) == "cinder-scheduler_fanout")
    }

    @Test func contextComesFromTheIdentity() {
        let identity = Identity(userID: "u1", projectID: "p1", roles: ["member"], isAdmin: false)
        let context = RPCContext(requestID: "req-1", identity: identity)
        #expect(context == RPCContext(requestID: "req-1", userID: "u1", projectID: "p1", roles: ["member"]))
    }

    @Test func contextCarriesTheCallersTokenAsAuthToken() throws {
        var identity = Identity(userID: "u1", projectID: "p1")
        identity.authToken = "gAAAA-token"
        let context = RPCContext(requestID: "req-1", identity: identity)
        #expect(context.authToken == "gAAAA-token")
        let json = String(decoding: try JSONEncoder().encode(context), as: UTF8.self)
        #expect(json.contains(#""auth_token":"gAAAA-token""#))
        // Messages from before the token travelled decode without it.
        let old = try JSONDecoder().decode(
            RPCContext.self,
            from: Data(#"{"request_id": "req-2", "roles": [], "is_admin": false}"#.utf8)
        )
        #expect(old.authToken == nil)
    }

    @Test func inProcessQueueIsBounded() async throws {
        let bus = InProcessBus(configuration: InProcessBus.Configuration(maxQueueDepth: 2))
        try await bus.cast(BusFixture.envelope("t"))
        try await bus.cast(BusFixture.envelope("t"))
        await #expect(throws: BusError.queueFull(topic: "t", limit: 2)) {
            try await bus.cast(BusFixture.envelope("t"))
        }
        #expect(await bus.queueDepth(topic: "t") == 2)
    }
}

import EmberCore
import EmberStore
import EmberTesting
import EmberWSGI
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// The attachments API through the router, the bus and a real volume service (file
/// backend), on SQLite and on PostgreSQL when `EMBER_TEST_POSTGRES_URL` is set: Nova's two
/// sequences and a multiattach volume shared by two servers. The connection info is the
/// backend's, flattened by the manager's `attachment_update`.
@Suite struct LiveAttachmentTests {
    static let server1 = "11111111-1111-4111-8111-111111111111"
    static let server2 = "22222222-2222-4222-8222-222222222222"

    /// Nova as cinder sees it: a member with the `service` role of its service token, and
    /// admin so it may create the multiattach type in the same test.
    static func nova(_ project: String) -> HTTPFields {
        [
            HTTPField.Name("X-User-Id")!: "nova", HTTPField.Name("X-Project-Id")!: project,
            HTTPField.Name("X-Roles")!: "admin,member,reader,service",
            HTTPField.Name("X-Service-Roles")!: "service",
            .contentType: "application/json", .openStackAPIVersion: "volume 3.54",
        ]
    }

    struct Session {
        let live: Live

        func send(_ method: HTTPRequest.Method, _ path: String, _ body: String? = nil) async throws -> TestResponse {
            try await live.client.execute(
                uri: live.base + path,
                method: method,
                headers: LiveAttachmentTests.nova(live.project),
                body: body.map { ByteBuffer(string: $0) }
            )
        }

        /// A new volume, once the backend made it `available`.
        func volume(type: String? = nil) async throws -> String {
            let typeField = type.map { #", "volume_type": "\#($0)""# } ?? ""
            let created = try await send(.post, "/volumes", #"{"volume": {"size": 1\#(typeField)}}"#)
            let id = try #require(created.json?["volume"]?["id"]?.stringValue, "\(created.text)")
            try await waitFor(id, status: .available)
            return id
        }

        func waitFor(_ id: String, status: VolumeStatus) async throws {
            if try await poll(until: { try await live.store.volume(id: id, scope: .allProjects).status == status }) {
                return
            }
            Issue.record("volume \(id) never became \(status.rawValue)")
            throw CancellationError()
        }

        func statuses(_ id: String) async throws -> (VolumeStatus, VolumeAttachStatus) {
            let volume = try await live.store.volume(id: id, scope: .allProjects)
            return (volume.status, volume.attachStatus)
        }

        func create(_ volumeID: String, server: String, connector: String? = nil) async throws -> JSONValue {
            let connectorField = connector.map { #", "connector": \#($0)"# } ?? ""
            let response = try await send(
                .post,
                "/attachments",
                #"{"attachment": {"volume_uuid": "\#(volumeID)", "instance_uuid": "\#(server)"\#(connectorField)}}"#
            )
            #expect(response.status == .ok, "\(response.text)")
            return try #require(response.json?["attachment"])
        }

        func complete(_ attachmentID: String) async throws {
            let response = try await send(.post, "/attachments/\(attachmentID)/action", #"{"os-complete": {}}"#)
            #expect(response.status == .noContent, "\(response.text)")
        }
    }

    static func connector(_ host: String) -> String {
        #"{"host": "\#(host)", "initiator": "iqn.1993-08.org.debian:01:\#(host)", "mountpoint": "/dev/vdb", "platform": "x86_64", "os_type": "linux", "multipath": false}"#
    }

    /// The flattened connection info of the file backend for `attachmentID`.
    static func checkConnectionInfo(_ info: JSONValue?, attachmentID: String, live: Live, volumeID: String) {
        #expect(info?["attachment_id"]?.stringValue == attachmentID)
        #expect(info?["enforce_multipath"] == .bool(false))
        #expect(info?["driver_volume_type"]?.stringValue != nil)
        #expect(info?["data"] == nil, "the manager merges the driver's data into the top level")
        #expect(info?["access_mode"]?.stringValue == "rw")
    }

    /// Nova's boot-from-volume order: create without a connector (`reserved`), update with
    /// the host's connector (the backend connects: `attaching`), `os-complete` (`in-use`),
    /// delete (the backend terminates: `available`).
    @Test(arguments: LiveBackend.all)
    func novaSequenceWithoutConnectorAtCreate(backend: LiveBackend) async throws {
        try await LiveHarness.run(backend, trustIdentityHeaders: true) { live in
            let s = Session(live: live)
            let id = try await s.volume()
            let attachment = try await s.create(id, server: Self.server1)
            let attachmentID = try #require(attachment["id"]?.stringValue)
            #expect(attachment["status"]?.stringValue == "reserved")
            #expect(try await s.statuses(id).0 == .reserved)

            let updated = try await s.send(
                .put,
                "/attachments/\(attachmentID)",
                #"{"attachment": {"connector": \#(Self.connector("compute-1"))}}"#
            )
            #expect(updated.status == .ok, "\(updated.text)")
            let info = updated.json?["attachment"]?["connection_info"]
            Self.checkConnectionInfo(info, attachmentID: attachmentID, live: live, volumeID: id)
            // The backend marked the row and the volume `attaching`.
            #expect(try await s.statuses(id) == (.attaching, .attaching))
            let row = try await live.store.attachment(id: attachmentID)
            #expect(row.attachStatus == .attaching)
            #expect(row.attachedHost == "compute-1")
            #expect(row.mountpoint == "/dev/vdb")
            #expect(row.attachMode == "rw")
            #expect(row.connector.flatMap { try? JSONValue.parse($0) }?["host"]?.stringValue == "compute-1")
            let shown = try await s.send(.get, "/attachments/\(attachmentID)")
            #expect(shown.json?["attachment"]?["status"]?.stringValue == "attaching")
            #expect(shown.json?["attachment"]?["connection_info"] == info)
            #expect(shown.json?["attachment"]?["attached_at"]?.stringValue?.count == 26)

            try await s.complete(attachmentID)
            #expect(try await s.statuses(id) == (.inUse, .attached))

            let deleted = try await s.send(.delete, "/attachments/\(attachmentID)")
            #expect(deleted.status == .ok, "\(deleted.text)")
            #expect(deleted.json == ["attachments": []])
            #expect(try await s.statuses(id) == (.available, .detached))
            #expect((try await s.send(.get, "/attachments/\(attachmentID)")).status == .notFound)
        }
    }

    /// The same with the connector in the create: one backend call, then complete and delete.
    @Test(arguments: LiveBackend.all)
    func novaSequenceWithConnectorAtCreate(backend: LiveBackend) async throws {
        try await LiveHarness.run(backend, trustIdentityHeaders: true) { live in
            let s = Session(live: live)
            let id = try await s.volume()
            let attachment = try await s.create(id, server: Self.server1, connector: Self.connector("compute-1"))
            let attachmentID = try #require(attachment["id"]?.stringValue)
            Self.checkConnectionInfo(
                attachment["connection_info"],
                attachmentID: attachmentID,
                live: live,
                volumeID: id
            )
            #expect(try await s.statuses(id) == (.attaching, .attaching))
            try await s.complete(attachmentID)
            #expect(try await s.statuses(id) == (.inUse, .attached))
            let volume = try await s.send(.get, "/volumes/\(id)")
            #expect(volume.json?["volume"]?["attachments"]?.arrayValue.first?["server_id"]?.stringValue == Self.server1)
            #expect((try await s.send(.delete, "/attachments/\(attachmentID)")).status == .ok)
            #expect(try await s.statuses(id) == (.available, .detached))
            // The volume can be deleted again once detached.
            #expect((try await s.send(.delete, "/volumes/\(id)")).status == .accepted)
        }
    }

    /// A volume of a `multiattach="<is> True"` type attached to two servers on two hosts:
    /// it stays `in-use` until the last attachment goes; a plain volume refuses a second
    /// server.
    @Test(arguments: LiveBackend.all)
    func multiattachWithTwoServers(backend: LiveBackend) async throws {
        try await LiveHarness.run(backend, trustIdentityHeaders: true) { live in
            let s = Session(live: live)
            let type = try await s.send(
                .post,
                "/types",
                #"{"volume_type": {"name": "multi", "extra_specs": {"multiattach": "<is> True"}}}"#
            )
            #expect(type.status == .ok, "\(type.text)")
            let id = try await s.volume(type: "multi")
            #expect(try await live.store.volume(id: id, scope: .allProjects).multiattach)

            let first = try await s.create(id, server: Self.server1, connector: Self.connector("compute-1"))
            let a1 = try #require(first["id"]?.stringValue)
            try await s.complete(a1)
            let second = try await s.create(id, server: Self.server2, connector: Self.connector("compute-2"))
            let a2 = try #require(second["id"]?.stringValue)
            try await s.complete(a2)
            #expect(try await s.statuses(id) == (.inUse, .attached))
            let listed = try await s.send(.get, "/attachments/detail?volume_id=\(id)")
            #expect(listed.json?["attachments"]?.arrayValue.count == 2)
            #expect(
                listed.json?["attachments"]?.arrayValue.allSatisfy { $0["status"]?.stringValue == "attached" } == true
            )

            let left = try await s.send(.delete, "/attachments/\(a1)")
            #expect(left.json?["attachments"]?.arrayValue.map { $0["id"]?.stringValue } == [a2])
            #expect(try await s.statuses(id) == (.inUse, .attached))
            #expect((try await s.send(.delete, "/attachments/\(a2)")).status == .ok)
            #expect(try await s.statuses(id) == (.available, .detached))

            let plain = try await s.volume()
            _ = try await s.create(plain, server: Self.server1, connector: Self.connector("compute-1"))
            let refused = try await s.send(
                .post,
                "/attachments",
                #"{"attachment": {"volume_uuid": "\#(plain)", "instance_uuid": "\#(Self.server2)"}}"#
            )
            #expect(refused.status == .badRequest)
        }
    }
}

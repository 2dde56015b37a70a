import AsyncHTTPClient
import EmberCore
import EmberImage
import Foundation
import Logging
import NIOCore
import Synchronization
import Testing

@Suite("Glance client")
struct GlanceClientTests {
    let caller = GlanceClient.Caller(token: nil, requestID: "req-test")

    @Test func configurationReadsGlanceAndCinderNames() throws {
        let glance = try INIDocument(
            text: "[glance]\napi_servers = 127.0.0.1:9292, https://images.example.test/image/\nnum_retries = 1\n",
            path: "a.conf"
        )
        var configuration = try GlanceConfiguration(files: ConfigFiles(documents: [glance]))
        #expect(configuration.apiServers == ["http://127.0.0.1:9292", "https://images.example.test/image"])
        #expect(configuration.numRetries == 1)
        #expect(configuration.requestTimeout == 600)
        let cinder = try INIDocument(
            text: "[DEFAULT]\nglance_api_servers = http://g:9292\nglance_request_timeout = 30\n",
            path: "cinder.conf"
        )
        configuration = try GlanceConfiguration(files: ConfigFiles(documents: [cinder]))
        #expect(configuration.apiServers == ["http://g:9292"])
        #expect(configuration.requestTimeout == 30)
        #expect(try GlanceConfiguration(files: ConfigFiles(documents: [])).isConfigured == false)
    }

    @Test func unconfiguredClientFailsAsAnUnreachableGlance() async {
        let client = GlanceClient.unconfigured(logger: LiveGlance.logger)
        await #expect(throws: GlanceError.self) { try await client.show("x", caller: caller) }
        do {
            _ = try await client.create(["name": "x"], caller: caller)
            Issue.record("create succeeded without an image service")
        } catch {
            #expect("\(error)".hasPrefix("Connection to glance failed: "))
        }
    }

    @Test func refusedConnectionIsRetriedThenConnectionFailed() async throws {
        // A port nothing listens on: every attempt is refused.
        let service = GlanceService(
            configuration: GlanceConfiguration(apiServers: ["127.0.0.1:9"], numRetries: 1),
            logger: LiveGlance.logger
        )
        let started = ContinuousClock.now
        do {
            _ = try await service.client.show("00000000-0000-0000-0000-000000000000", caller: caller)
            Issue.record("show succeeded against a closed port")
        } catch {
            guard case .connectionFailed(let reason) = error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(reason.hasPrefix("Error finding address for http://127.0.0.1:9/v2/images/"))
        }
        // One retry, a second apart.
        #expect(ContinuousClock.now - started >= .seconds(1))
        try await service.shutdown()
    }

    @Test(.enabled(if: LiveGlance.available))
    func imageRoundTripStreamsBytesBothWays() async throws {
        try await LiveGlance.withClient { client in
            let bytes = patternBytes(3 * (1 << 20) + 12_345, seed: 7)
            let name = "ember-test-" + UUID().uuidString.lowercased()
            let created = try await client.create(
                [
                    "name": .string(name), "disk_format": "raw", "container_format": "bare",
                    "ember_test_property": "yes",
                ],
                caller: caller
            )
            #expect(created.status == "queued")
            #expect(created.propertyKeys == ["ember_test_property"])
            try await client.upload(
                created.id,
                length: bytes.count,
                data: ChunkedBytes(bytes: bytes, chunk: 64 << 10),
                caller: caller
            )
            let shown = try await client.show(created.id, caller: caller)
            #expect(shown.status == "active")
            #expect(shown.size == bytes.count)
            #expect(shown.checksum == MD5.hexDigest(bytes))
            #expect(shown.volumeImageMetadata["ember_test_property"] == "yes")
            #expect(shown.volumeImageMetadata["image_name"] == name)
            #expect(shown.volumeImageMetadata["size"] == String(bytes.count))

            let received = Mutex<[UInt8]>([])
            let count = try await client.download(created.id, caller: caller) { chunk in
                received.withLock { $0.append(contentsOf: chunk.readableBytesView) }
            }
            #expect(count == bytes.count)
            #expect(received.withLock { $0 } == bytes)

            let found = try await client.images(named: name, caller: caller)
            #expect(found.map(\.id) == [created.id])

            try await client.delete(created.id, caller: caller)
            await #expect(throws: GlanceError.imageNotFound(id: created.id)) {
                try await client.show(created.id, caller: caller)
            }
        }
    }

    @Test(.enabled(if: LiveGlance.available))
    func glanceRefusalsMapToCinderErrors() async throws {
        try await LiveGlance.withClient { client in
            let missing = UUID().uuidString.lowercased()
            await #expect(throws: GlanceError.imageNotFound(id: missing)) {
                try await client.show(missing, caller: caller)
            }
            do {
                _ = try await client.create(["name": "bad", "disk_format": "no-such-format"], caller: caller)
                Issue.record("Glance accepted an unknown disk format")
            } catch {
                guard case .invalid(let message)? = error as? GlanceError else {
                    Issue.record("unexpected \(error)")
                    return
                }
                #expect(message.hasPrefix("HTTP 400 Bad Request: "))
            }
            let none = try await client.images(named: "ember-no-such-image-" + missing, caller: caller)
            #expect(none.isEmpty)
        }
    }
}

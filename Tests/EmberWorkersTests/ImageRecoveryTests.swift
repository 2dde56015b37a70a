import EmberCore
import EmberImage
import EmberStore
import EmberVolume
import EmberWorkers
import Foundation
import NIOCore
import Testing

/// A volume manager that restarts in the middle of a create from an image finishes it from
/// the image (the API remembered the image id with the volume), not as a blank volume.
@Suite("Volume data: create from an image across a restart")
struct ImageRecoveryTests {
    static let url: String? = {
        let value = ProcessInfo.processInfo.environment["EMBER_TEST_GLANCE_URL"]
        return value?.isEmpty == false ? value : nil
    }()

    static var available: Bool {
        if url != nil || ProcessInfo.processInfo.environment["CI"] != nil { return true }
        print("notice: EMBER_TEST_GLANCE_URL not set; skipping the image recovery test against a real Glance")
        return false
    }

    struct Bytes: AsyncSequence, Sendable {
        typealias Element = ByteBuffer
        let bytes: [UInt8]

        struct AsyncIterator: AsyncIteratorProtocol {
            var pending: [UInt8]?
            mutating func next() async throws -> ByteBuffer? {
                defer { pending = nil }
                return pending.map { ByteBuffer(bytes: $0) }
            }
        }

        func makeAsyncIterator() -> AsyncIterator { AsyncIterator(pending: bytes) }
    }

    @Test("init_host: a volume left creating from an image is filled from the image", .enabled(if: available))
    func initHostResumesACreateFromAnImage() async throws {
        guard let url = Self.url else {
            Issue.record("CI is set but EMBER_TEST_GLANCE_URL is missing: the image recovery test cannot run")
            return
        }
        let glance = GlanceService(
            configuration: GlanceConfiguration(apiServers: [url], numRetries: 0),
            logger: WorkerHarness.logger
        )
        let caller = GlanceClient.Caller(token: nil, requestID: "req-recovery")
        let bytes = (0..<(1 << 20) + 17).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) | 1 }
        let created = try await glance.client.create(
            ["name": "ember-recovery", "disk_format": "raw", "container_format": "bare"],
            caller: caller
        )
        try await glance.client.upload(created.id, length: bytes.count, data: Bytes(bytes: bytes), caller: caller)
        let volumeID = UUID().uuidString.lowercased()
        let imageID = created.id
        let seed: @Sendable (SQLStore, WorkerConfiguration) async throws -> Void = { store, configuration in
            let type = try await store.createVolumeType(VolumeType(name: "t-" + volumeID.prefix(6)))
            _ = try await store.createVolume(
                Volume(
                    id: volumeID,
                    userID: "u",
                    projectID: "p",
                    size: 1,
                    volumeTypeID: type.id,
                    host: configuration.host + "@alpha#alpha",
                    adminMetadata: [Volume.createImageKey: imageID]
                )
            )
        }
        do {
            try await WorkerHarness.run(images: glance.client, seed: seed) { workers in
                let volume = try await workers.waitForVolume(volumeID, [.available, .error])
                #expect(volume.status == .available)
                #expect(volume.bootable)
                #expect(volume.imageMetadata["image_id"] == imageID)
                // The manager drops the key it remembered the image by just after `available`.
                try await waitUntil("the create forgets its image key") {
                    try await workers.store.volume(id: volumeID, scope: .allProjects)
                        .adminMetadata[Volume.createImageKey] == nil
                }
                let path = workers.configuration.backends[0].fileVolumeDirectory + "/volume-" + volumeID
                let handle = try #require(FileHandle(forReadingAtPath: path))
                let data = try handle.read(upToCount: bytes.count) ?? Data()
                try handle.close()
                #expect(Array(data) == bytes)
            }
        } catch {
            try? await glance.client.delete(imageID, caller: caller)
            try? await glance.shutdown()
            throw error
        }
        try await glance.client.delete(imageID, caller: caller)
        try await glance.shutdown()
    }
}

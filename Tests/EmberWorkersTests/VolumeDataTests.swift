import EmberBus
import EmberCore
import EmberRPC
import EmberStore
import EmberWorkers
import Foundation
import Testing

@testable import EmberVolume

@Suite("Volume data: snapshots, clones, extend, revert, connections, recovery, heartbeats")
struct VolumeDataTests {
    static func write(_ bytes: [UInt8], to path: String, at offset: UInt64) throws {
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        try handle.seek(toOffset: offset)
        try handle.write(contentsOf: Data(bytes))
        try handle.close()
    }

    static func read(_ count: Int, from path: String, at offset: UInt64) throws -> [UInt8] {
        let handle = try #require(FileHandle(forReadingAtPath: path))
        try handle.seek(toOffset: offset)
        let data = try handle.read(upToCount: count) ?? Data()
        try handle.close()
        return Array(data)
    }

    @Test("snapshot → volume from snapshot → clone keep the bytes; extend grows; revert restores")
    func snapshotCloneRoundTripPreservesBytes() async throws {
        try await WorkerHarness.run { workers in
            try await workers.waitForBackends(2)
            let type = try await workers.store.createVolumeType(
                VolumeType(name: "alpha", extraSpecs: ["volume_backend_name": "alpha"])
            )
            let source = try await workers.createVolume(size: 1, type: type.id)
            let ready = try await workers.waitForVolume(source.id, [.available, .error])
            #expect(ready.status == .available)
            let directory = workers.directory.path + "/alpha/"
            let payload = (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            try Self.write(payload, to: directory + "volume-" + source.id, at: 5 << 20)

            // Snapshot (row as the API would create it, cast as the scheduler forwards it).
            let snapshot = try await workers.store.createSnapshot(
                Snapshot(
                    volumeID: source.id,
                    userID: workers.caller.userID,
                    projectID: workers.caller.projectID,
                    volumeSize: 1,
                    volumeTypeID: type.id
                )
            )
            let volumeRPC = RPCClient(bus: workers.bus, topic: workers.manager("alpha").topic)
            let context = RPCContext(requestID: "req-snap", identity: workers.caller)
            try await volumeRPC.cast(
                VolumeRPC.CreateSnapshot(volumeID: source.id, snapshotID: snapshot.id),
                context: context
            )
            try await waitUntil("snapshot available") {
                try await workers.store.snapshot(id: snapshot.id, scope: .allProjects).status == .available
            }
            // Change the source after the snapshot: the snapshot must keep the old bytes.
            try Self.write([UInt8](repeating: 0xFF, count: 4096), to: directory + "volume-" + source.id, at: 5 << 20)

            let fromSnapshot = try await workers.createVolume(size: 2, type: type.id, snapshotID: snapshot.id)
            let restored = try await workers.waitForVolume(fromSnapshot.id, [.available, .error])
            #expect(restored.status == .available)
            #expect(restored.host == ready.host)
            #expect(fileSize(directory + "volume-" + fromSnapshot.id) == 2 << 30)
            #expect(try Self.read(4096, from: directory + "volume-" + fromSnapshot.id, at: 5 << 20) == payload)

            let clone = try await workers.createVolume(size: 2, type: type.id, sourceID: fromSnapshot.id)
            #expect(try await workers.waitForVolume(clone.id, [.available, .error]).status == .available)
            #expect(try Self.read(4096, from: directory + "volume-" + clone.id, at: 5 << 20) == payload)

            // Extend the clone to 3 GiB.
            _ = try await workers.store.updateVolume(id: clone.id, [.status(.extending)])
            try await volumeRPC.cast(
                VolumeRPC.ExtendVolume(volumeID: clone.id, newSize: 3, reservations: []),
                context: context
            )
            let extended = try await workers.waitForVolume(clone.id, [.available, .errorExtending])
            #expect(extended.status == .available)
            #expect(extended.size == 3)
            #expect(fileSize(directory + "volume-" + clone.id) == 3 << 30)
            #expect(try Self.read(4096, from: directory + "volume-" + clone.id, at: 5 << 20) == payload)

            // Revert the source to the snapshot.
            _ = try await workers.store.updateVolume(id: source.id, [.status(.reverting)])
            _ = try await workers.store.updateSnapshot(id: snapshot.id, [.status(.restoring)])
            try await volumeRPC.cast(
                VolumeRPC.RevertToSnapshot(volumeID: source.id, snapshotID: snapshot.id),
                context: context
            )
            #expect(try await workers.waitForVolume(source.id, [.available, .error]).status == .available)
            #expect(try Self.read(4096, from: directory + "volume-" + source.id, at: 5 << 20) == payload)
            // The snapshot's status follows the volume's (moments later under load).
            try await waitUntil("the snapshot is available again") {
                try await workers.store.snapshot(id: snapshot.id, scope: .allProjects).status == .available
            }

            // initialize_connection is a call returning the local path.
            let info = try await volumeRPC.call(
                VolumeRPC.InitializeConnection(volumeID: source.id, connector: ["host": "test"]),
                context: context
            )
            #expect(info["driver_volume_type"] == "local")
            #expect(info["data"]?["device_path"]?.stringValue == directory + "volume-" + source.id)

            // Delete the snapshot: file gone, row gone.
            _ = try await workers.store.updateSnapshot(id: snapshot.id, [.status(.deleting)])
            try await volumeRPC.cast(
                VolumeRPC.DeleteSnapshot(snapshotID: snapshot.id, volumeID: source.id),
                context: context
            )
            try await waitUntil("snapshot deleted") {
                (try? await workers.store.snapshot(id: snapshot.id, scope: .allProjects)) == nil
            }
            #expect(fileSize(directory + "snapshot-" + snapshot.id) == nil)
        }
    }

    @Test("init_host: creating → created (the bus redelivers its cast), deleting → deleted")
    func initHostRecoversInterruptedWork() async throws {
        let creatingID = UUID().uuidString.lowercased()
        let deletingID = UUID().uuidString.lowercased()
        let seed: @Sendable (SQLStore, WorkerConfiguration) async throws -> Void = { store, configuration in
            let type = try await store.createVolumeType(VolumeType(name: "t-" + creatingID.prefix(6)))
            let host = configuration.host + "@alpha#alpha"
            _ = try await store.createVolume(
                Volume(id: creatingID, userID: "u", projectID: "p", size: 1, volumeTypeID: type.id, host: host)
            )
            _ = try await store.createVolume(
                Volume(
                    id: deletingID,
                    userID: "u",
                    projectID: "p",
                    size: 1,
                    volumeTypeID: type.id,
                    status: .deleting,
                    host: host
                )
            )
            let directory = configuration.backends[0].fileVolumeDirectory
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            _ = FileManager.default.createFile(atPath: directory + "/volume-" + deletingID, contents: Data([1, 2, 3]))
        }
        try await WorkerHarness.run(seed: seed) { workers in
            #expect(try await workers.waitForVolume(creatingID, [.available, .error]).status == .available)
            let directory = workers.configuration.backends[0].fileVolumeDirectory
            #expect(fileSize(directory + "/volume-" + creatingID) == 1024 * 1024 * 1024)
            try await workers.waitForDeletion(deletingID)
            #expect(fileSize(workers.configuration.backends[0].fileVolumeDirectory + "/volume-" + deletingID) == nil)
        }
    }

    @Test("heartbeats: each backend and the scheduler refresh services.updated_at")
    func heartbeatsUpdateServiceRows() async throws {
        try await WorkerHarness.run { workers in
            let host = workers.configuration.host
            try await waitUntil("service rows exist") {
                let rows = try await workers.store.listServices(host: nil, binary: nil, topic: nil, disabled: nil)
                return rows.filter { $0.host.hasPrefix(host) }.count == 3
            }
            let volume = try await workers.store.service(host: host + "@alpha", binary: "cinder-volume")
            #expect(volume.topic == "cinder-volume")
            #expect(volume.availabilityZone == "nova")
            let scheduler = try await workers.store.service(host: host, binary: "cinder-scheduler")
            let before = try #require(volume.updatedAt)
            try await waitUntil("heartbeats advance") {
                let again = try await workers.store.service(host: host + "@alpha", binary: "cinder-volume")
                let schedulerAgain = try await workers.store.service(host: host, binary: "cinder-scheduler")
                return again.reportCount > volume.reportCount && (again.updatedAt ?? before) > before
                    && schedulerAgain.reportCount > scheduler.reportCount
            }
        }
    }

    @Test("capability reports carry the backend's capacity and names")
    func capabilityReportContents() async throws {
        try await WorkerHarness.run { workers in
            try await workers.waitForBackends(2)
            let states = await workers.scheduler.backends()
            let alpha = try #require(states.first { $0.backend.hasSuffix("@alpha") })
            #expect(alpha.pool == "alpha")
            #expect(alpha.volumeBackendName == "alpha")
            #expect(alpha.totalCapacityGiB > 0)
            #expect(alpha.freeCapacityGiB <= alpha.totalCapacityGiB)
            #expect(alpha.maxOverSubscriptionRatio == 20)
            #expect(alpha.thinProvisioningSupport)
            #expect(alpha.capabilities["storage_protocol"] == "local")
        }
    }
}

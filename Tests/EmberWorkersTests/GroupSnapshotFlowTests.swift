import EmberCore
import EmberStore
import EmberWorkers
import Foundation
import Testing

@testable import EmberVolume

/// Group snapshots through the real workers: three volumes with data in a group, a group
/// snapshot, more writes, then a group created from the snapshot holds the snapshot-time
/// bytes and a group cloned from the source group holds the new ones; a member snapshot
/// cannot be deleted alone; deleting the group snapshot takes every member snapshot.
@Suite struct GroupSnapshotFlowTests {
    static func request() -> String { "req-" + UUID().uuidString.lowercased() }

    static func pattern(_ seed: Int) -> [UInt8] { (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* seed &+ 3) } }

    @Test(arguments: WorkerBackendKind.all)
    func groupFromSnapshotHoldsTheSnapshotTimeBytes(kind: WorkerBackendKind) async throws {
        try await WorkerHarness.run(kind) { workers in
            try await workers.waitForBackends(2)
            let groupType = try await workers.store.createGroupType(
                GroupType(name: "consistent", groupSpecs: ["consistent_group_snapshot_enabled": "<is> True"])
            )
            let type = try await workers.store.createVolumeType(
                VolumeType(name: "alpha", extraSpecs: ["volume_backend_name": "alpha"])
            )
            let created = try await workers.api.groups.create(
                GroupCreateRequest(
                    name: "g",
                    description: nil,
                    groupType: groupType.id,
                    volumeTypes: [type.id],
                    availabilityZone: nil
                ),
                caller: workers.caller,
                requestID: Self.request()
            )
            let group = try await GroupFlowTests.waitForGroup(workers, created.id, [.available, .error])
            #expect(group.status == .available)
            let directory = workers.directory.path + "/alpha/"
            var members: [String] = []
            for index in 0..<3 {
                var request = VolumeCreateRequest(size: 1, volumeType: type.id)
                request.group = group
                let volume = try await workers.api.createVolume(
                    request,
                    caller: workers.caller,
                    requestID: Self.request()
                )
                #expect(try await workers.waitForVolume(volume.id, [.available, .error]).status == .available)
                try VolumeDataTests.write(Self.pattern(7 + index), to: directory + "volume-" + volume.id, at: 1 << 20)
                members.append(volume.id)
            }

            let groupSnapshot = try await workers.api.groupSnapshots.create(
                group: group,
                name: "gs",
                description: nil,
                caller: workers.caller,
                requestID: Self.request()
            )
            try await waitUntil("group snapshot available") {
                try await workers.store.groupSnapshot(id: groupSnapshot.id, scope: .allProjects).status == .available
            }
            let snapshots = try await workers.store.groupSnapshotMembers(id: groupSnapshot.id)
            #expect(Set(snapshots.map(\.volumeID)) == Set(members))
            #expect(snapshots.allSatisfy { $0.status == .available && $0.groupSnapshotID == groupSnapshot.id })

            // Writes after the snapshot.
            for (index, id) in members.enumerated() {
                try VolumeDataTests.write(Self.pattern(101 + index), to: directory + "volume-" + id, at: 1 << 20)
            }

            // A member snapshot cannot go alone.
            await #expect(throws: EmberError.self) {
                try await workers.api.snapshots.delete(
                    id: snapshots[0].id,
                    force: false,
                    caller: workers.caller,
                    requestID: Self.request()
                )
            }

            // The group from the snapshot: one volume per member, with the snapshot-time bytes.
            let restored = try await workers.api.groups.createFromSource(
                name: "restored",
                description: nil,
                groupSnapshotID: groupSnapshot.id,
                sourceGroupID: nil,
                caller: workers.caller,
                requestID: Self.request()
            )
            let done = try await GroupFlowTests.waitForGroup(workers, restored.id, [.available, .error])
            #expect(done.status == .available && done.host == group.host && done.groupSnapshotID == groupSnapshot.id)
            let copies = try await workers.store.groupVolumes(groupID: restored.id)
            #expect(copies.count == 3)
            for copy in copies {
                #expect(copy.status == .available)
                let index = try #require(
                    members.firstIndex { id in snapshots.contains { $0.id == copy.snapshotID && $0.volumeID == id } }
                )
                let bytes = try VolumeDataTests.read(4096, from: directory + "volume-" + copy.id, at: 1 << 20)
                #expect(bytes == Self.pattern(7 + index), "volume from the snapshot of member \(index)")
            }

            // A group cloned from the source group holds the bytes of now.
            let cloned = try await workers.api.groups.createFromSource(
                name: "cloned",
                description: nil,
                groupSnapshotID: nil,
                sourceGroupID: group.id,
                caller: workers.caller,
                requestID: Self.request()
            )
            #expect(
                try await GroupFlowTests.waitForGroup(workers, cloned.id, [.available, .error]).status == .available
            )
            for clone in try await workers.store.groupVolumes(groupID: cloned.id) {
                let index = try #require(members.firstIndex(of: clone.sourceVolumeID ?? ""))
                let bytes = try VolumeDataTests.read(4096, from: directory + "volume-" + clone.id, at: 1 << 20)
                #expect(bytes == Self.pattern(101 + index))
            }

            // The source group cannot go while it has a group snapshot; the snapshot can.
            let current = try await workers.store.group(id: group.id, scope: .allProjects)
            await #expect(throws: EmberError.self) {
                try await workers.api.groups.delete(
                    current,
                    deleteVolumes: true,
                    caller: workers.caller,
                    requestID: Self.request()
                )
            }
            let shown = try await workers.store.groupSnapshot(id: groupSnapshot.id, scope: .allProjects)
            try await workers.api.groupSnapshots.delete(shown, caller: workers.caller, requestID: Self.request())
            try await waitUntil("group snapshot deleted") {
                (try? await workers.store.groupSnapshot(id: groupSnapshot.id, scope: .allProjects)) == nil
            }
            for snapshot in snapshots {
                #expect(!FileManager.default.fileExists(atPath: directory + "snapshot-" + snapshot.id))
                #expect((try? await workers.store.snapshot(id: snapshot.id, scope: .allProjects)) == nil)
            }
        }
    }
}

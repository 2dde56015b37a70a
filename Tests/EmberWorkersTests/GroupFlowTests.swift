import EmberCore
import EmberStore
import EmberWorkers
import Foundation
import Testing

@testable import EmberVolume

/// Groups through the real scheduler and volume managers (two file backends): placement by
/// the group's types, volumes created into the group, update adding and removing members,
/// delete with delete-volumes (the files go), and a group no backend takes.
@Suite struct GroupFlowTests {
    static func waitForGroup(
        _ workers: Workers,
        _ id: String,
        _ statuses: Set<GroupStatus>
    ) async throws
        -> VolumeGroup
    {
        try await waitUntil("group \(id) reaches \(statuses.map(\.rawValue))") {
            statuses.contains(try await workers.store.group(id: id, scope: .allProjects).status)
        }
        return try await workers.store.group(id: id, scope: .allProjects)
    }

    static func request() -> String { "req-" + UUID().uuidString.lowercased() }

    @Test(arguments: WorkerBackendKind.all)
    func groupIsPlacedByItsTypesAndDeletedWithItsVolumes(kind: WorkerBackendKind) async throws {
        try await WorkerHarness.run(kind) { workers in
            try await workers.waitForBackends(2)
            let groupType = try await workers.store.createGroupType(GroupType(name: "gt"))
            let beta = try await workers.store.createVolumeType(
                VolumeType(name: "beta-only", extraSpecs: ["volume_backend_name": "beta"])
            )
            let any = try await workers.store.createVolumeType(VolumeType(name: "any"))
            let group = try await workers.api.groups.create(
                GroupCreateRequest(
                    name: "g",
                    description: nil,
                    groupType: groupType.id,
                    volumeTypes: [any.id, beta.id],
                    availabilityZone: nil
                ),
                caller: workers.caller,
                requestID: Self.request()
            )
            // Every type must fit one backend: only beta takes `beta-only`.
            let placed = try await Self.waitForGroup(workers, group.id, [.available, .error])
            #expect(placed.status == .available)
            #expect(placed.host == workers.configuration.host + "@beta#beta")

            // A volume created into the group lands on the group's backend.
            var create = VolumeCreateRequest(size: 1, volumeType: any.id)
            create.group = placed
            let inside = try await workers.api.createVolume(create, caller: workers.caller, requestID: Self.request())
            let member = try await workers.waitForVolume(inside.id, [.available, .error])
            #expect(member.status == .available && member.host == placed.host && member.groupID == group.id)

            // Update: a loose volume of the group's types on its backend joins; the member leaves.
            let loose = try await workers.createVolume(size: 1, type: beta.id)
            _ = try await workers.waitForVolume(loose.id, [.available])
            try await workers.api.groups.update(
                placed,
                name: nil,
                description: nil,
                addVolumes: loose.id,
                removeVolumes: member.id,
                caller: workers.caller,
                requestID: Self.request()
            )
            _ = try await Self.waitForGroup(workers, group.id, [.available, .error])
            #expect(try await workers.store.groupVolumes(groupID: group.id).map(\.id) == [loose.id])
            #expect(try await workers.store.volume(id: member.id, scope: .allProjects).groupID == nil)

            // Delete with delete-volumes: the member volume and its file go, then the group;
            // the volume that left stays.
            let file = workers.configuration.backends.first { $0.name == "beta" }!.fileVolumeDirectory
            #expect(FileManager.default.fileExists(atPath: file + "/volume-" + loose.id))
            let current = try await workers.store.group(id: group.id, scope: .allProjects)
            try await workers.api.groups.delete(
                current,
                deleteVolumes: true,
                caller: workers.caller,
                requestID: Self.request()
            )
            try await workers.waitForDeletion(loose.id)
            try await waitUntil("group \(group.id) is deleted") {
                (try? await workers.store.group(id: group.id, scope: .allProjects)) == nil
            }
            #expect(!FileManager.default.fileExists(atPath: file + "/volume-" + loose.id))
            #expect(try await workers.store.volume(id: member.id, scope: .allProjects).status == .available)
            // The backend gives the `groups` quota back after it deletes the row.
            try await waitUntil("the groups quota is given back") {
                let usage = try await workers.store.quotaUsages(projectID: workers.caller.projectID ?? "")
                return (usage["groups"]?.inUse ?? 0) == 0
            }
        }
    }

    @Test func aGroupNoBackendTakesEndsInError() async throws {
        try await WorkerHarness.run { workers in
            try await workers.waitForBackends(2)
            // Group specs select no backend (as cinder's capabilities filter ignores them); a
            // volume type no backend takes leaves the group without one.
            let groupType = try await workers.store.createGroupType(
                GroupType(name: "replicated", groupSpecs: ["group_replication_enabled": "<is> True"])
            )
            let any = try await workers.store.createVolumeType(
                VolumeType(name: "nowhere", extraSpecs: ["volume_backend_name": "nowhere"])
            )
            let group = try await workers.api.groups.create(
                GroupCreateRequest(
                    name: nil,
                    description: nil,
                    groupType: groupType.id,
                    volumeTypes: [any.id],
                    availabilityZone: nil
                ),
                caller: workers.caller,
                requestID: Self.request()
            )
            let failed = try await Self.waitForGroup(workers, group.id, [.available, .error])
            #expect(failed.status == .error && failed.host == nil)
            // Never placed: deleted by the API at once.
            try await workers.api.groups.delete(
                failed,
                deleteVolumes: false,
                caller: workers.caller,
                requestID: Self.request()
            )
            #expect((try? await workers.store.group(id: group.id, scope: .allProjects)) == nil)
        }
    }
}

/// ``BackendFilter/groupBackend(_:volumeTypeSpecs:availabilityZone:)`` as a pure function.
@Suite struct GroupPlacementTests {
    static func backend(_ name: String, free: Double, zone: String = "nova") -> BackendState {
        BackendState(
            backend: "node@" + name,
            pool: name,
            volumeBackendName: name,
            availabilityZone: zone,
            totalCapacityGiB: 100,
            freeCapacityGiB: free,
            capabilities: ["volume_backend_name": .string(name)]
        )
    }

    @Test func everyVolumeTypeMustFitTheOneBackend() {
        let backends = [
            Self.backend("a", free: 90), Self.backend("b", free: 50), Self.backend("c", free: 10, zone: "moon"),
        ]
        // No type constrains: the roomiest backend.
        #expect(BackendFilter.groupBackend(backends, volumeTypeSpecs: [[:]], availabilityZone: nil)?.pool == "a")
        // One type wants b: b, even though a has more room.
        let onB = BackendFilter.groupBackend(
            backends,
            volumeTypeSpecs: [[:], ["volume_backend_name": "b"]],
            availabilityZone: "nova"
        )
        #expect(onB?.pool == "b")
        // Types that want different backends: none fits them all.
        let split = BackendFilter.groupBackend(
            backends,
            volumeTypeSpecs: [["volume_backend_name": "a"], ["volume_backend_name": "b"]],
            availabilityZone: nil
        )
        #expect(split == nil)
        // The group's zone applies to every type.
        #expect(BackendFilter.groupBackend(backends, volumeTypeSpecs: [[:]], availabilityZone: "moon")?.pool == "c")
    }
}

/// `init_host` for groups left in transitional states on a backend that restarts.
@Suite struct GroupRecoveryTests {
    @Test func groupsLeftCreatingDeletingOrUpdatingAreFinished() async throws {
        let creating = UUID().uuidString.lowercased()
        let deleting = UUID().uuidString.lowercased()
        let updating = UUID().uuidString.lowercased()
        let member = UUID().uuidString.lowercased()
        let seed: @Sendable (SQLStore, WorkerConfiguration) async throws -> Void = { store, configuration in
            let host = configuration.host + "@alpha#alpha"
            let groupType = try await store.createGroupType(GroupType(name: "gt-" + creating.prefix(6)))
            let type = try await store.createVolumeType(VolumeType(name: "t-" + creating.prefix(6)))
            for (id, status) in [(creating, GroupStatus.creating), (deleting, .deleting), (updating, .updating)] {
                _ = try await store.createGroup(
                    VolumeGroup(
                        id: id,
                        projectID: "p",
                        host: host,
                        status: status,
                        groupTypeID: groupType.id,
                        volumeTypeIDs: [type.id]
                    )
                )
            }
            // The group being deleted has a member the backend never created: deleting it is a no-op.
            _ = try await store.createVolume(
                Volume(
                    id: member,
                    userID: "u",
                    projectID: "p",
                    size: 1,
                    volumeTypeID: type.id,
                    status: .deleting,
                    host: host,
                    groupID: deleting
                )
            )
        }
        try await WorkerHarness.run(seed: seed) { workers in
            _ = try await GroupFlowTests.waitForGroup(workers, creating, [.available])
            _ = try await GroupFlowTests.waitForGroup(workers, updating, [.available])
            try await waitUntil("the group left deleting is deleted") {
                (try? await workers.store.group(id: deleting, scope: .allProjects)) == nil
            }
            try await workers.waitForDeletion(member)
        }
    }
}

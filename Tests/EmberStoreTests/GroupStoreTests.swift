import EmberCore
import Foundation
import Testing

@testable import EmberStore

/// Groups on every backend: create with volume types, read scoped by project, list, the
/// status machine as conditional updates (with cinder's delete guards), membership, the
/// `groups` quota usage, and delete (a group type in use cannot be deleted).
@Suite("Groups store")
struct GroupStoreTests {
    static func fixture(_ store: SQLStore) async throws -> (GroupType, VolumeType, VolumeType) {
        let groupType = try await store.createGroupType(GroupType(name: "gt"))
        let fast = try await store.createVolumeType(VolumeType(name: "fast"))
        let slow = try await store.createVolumeType(VolumeType(name: "slow"))
        return (groupType, fast, slow)
    }

    @Test(arguments: TestBackend.all)
    func createReadListAndDelete(backend: TestBackend) async throws {
        try await backend.withDatabase { database in
            let store = database.store
            let (groupType, fast, slow) = try await Self.fixture(store)
            let group = try await store.createGroup(
                VolumeGroup(
                    projectID: "p1",
                    availabilityZone: "nova",
                    name: "g",
                    groupTypeID: groupType.id,
                    volumeTypeIDs: [fast.id, slow.id]
                )
            )
            #expect(group.status == .creating && group.volumeTypeIDs == [fast.id, slow.id])
            #expect(group.replicationStatus == "disabled")
            #expect(try await store.group(id: group.id, scope: .project("p1")) == group)
            await #expect(throws: StoreError.notFound(.group, id: group.id)) {
                try await store.group(id: group.id, scope: .project("p2"))
            }
            let other = try await store.createGroup(VolumeGroup(projectID: "p2", groupTypeID: groupType.id))
            #expect(try await store.listGroups(ListQuery(scope: .project("p1"))).items.map(\.id) == [group.id])
            #expect(try await store.listGroups(ListQuery(scope: .allProjects)).items.count == 2)
            let byName = try await store.listGroups(ListQuery(scope: .allProjects, filters: [.equals("name", "g")]))
            #expect(byName.items.map(\.id) == [group.id])

            // The group type is in use while a live group has it.
            await #expect(throws: StoreError.groupTypeInUse(groupType.id)) {
                try await store.deleteGroupType(id: groupType.id)
            }
            // The `groups` quota counts live groups of the project.
            let reservation = try await store.reserve(
                projectID: "p1",
                deltas: ["groups": 1],
                limits: ["groups": 2],
                expiresAt: Date().addingTimeInterval(60)
            )
            try await store.rollback(reservation)
            await #expect(throws: StoreError.self) {
                _ = try await store.reserve(
                    projectID: "p1",
                    deltas: ["groups": 1],
                    limits: ["groups": 1],
                    expiresAt: Date().addingTimeInterval(60)
                )
            }

            try await store.deleteGroup(id: group.id)
            try await store.deleteGroup(id: other.id)
            await #expect(throws: StoreError.notFound(.group, id: group.id)) {
                try await store.deleteGroup(id: group.id)
            }
            #expect(try await store.listGroups(ListQuery(scope: .allProjects)).items.isEmpty)
            try await store.deleteGroupType(id: groupType.id)
        }
    }

    @Test(arguments: TestBackend.all)
    func statusMachineMembershipAndDeleteGuards(backend: TestBackend) async throws {
        try await backend.withDatabase { database in
            let store = database.store
            let (groupType, fast, _) = try await Self.fixture(store)
            let group = try await store.createGroup(
                VolumeGroup(projectID: "p1", groupTypeID: groupType.id, volumeTypeIDs: [fast.id])
            )
            // Only a `creating` group is placed; a second placement finds it moved on.
            let placed = try await store.apply(GroupTransitions.schedule, toGroup: group.id, also: [.host("h@b#b")])
            #expect(placed?.host == "h@b#b" && placed?.status == .creating)
            #expect(try await store.apply(GroupTransitions.created, toGroup: group.id)?.status == .available)
            #expect(try await store.apply(GroupTransitions.created, toGroup: group.id) == nil)
            #expect(try await store.groups(onBackend: "h@b", statuses: [.available]).map(\.id) == [group.id])
            #expect(try await store.groups(onBackend: "h@c", statuses: [.available]).isEmpty)

            // Two racing updates: one wins.
            #expect(try await store.apply(GroupTransitions.beginUpdate, toGroup: group.id)?.status == .updating)
            #expect(try await store.apply(GroupTransitions.beginUpdate, toGroup: group.id) == nil)

            let volume = try await store.createVolume(
                Volume(userID: "u", projectID: "p1", size: 1, volumeTypeID: fast.id, status: .available, host: "h@b#b")
            )
            try await store.changeGroupMembership(groupID: group.id, add: [volume.id], remove: [])
            #expect(try await store.groupVolumes(groupID: group.id).map(\.id) == [volume.id])
            #expect(try await store.volume(id: volume.id, scope: .allProjects).groupID == group.id)
            #expect(try await store.apply(GroupTransitions.updated, toGroup: group.id)?.status == .available)

            // With a member, a plain delete is refused; delete-volumes passes while the volume
            // has no snapshot and is not attached.
            #expect(try await store.apply(GroupTransitions.delete(deleteVolumes: false), toGroup: group.id) == nil)
            let snapshot = try await store.createSnapshot(
                Snapshot(volumeID: volume.id, userID: "u", projectID: "p1", volumeSize: 1, volumeTypeID: fast.id)
            )
            #expect(try await store.apply(GroupTransitions.delete(deleteVolumes: true), toGroup: group.id) == nil)
            try await store.deleteSnapshot(id: snapshot.id)
            #expect(
                try await store.apply(GroupTransitions.delete(deleteVolumes: true), toGroup: group.id)?.status
                    == .deleting
            )
            #expect(try await store.apply(GroupTransitions.deleteFailed, toGroup: group.id)?.status == .error)

            // Removing the volume empties the group: a plain delete passes now.
            try await store.changeGroupMembership(groupID: group.id, add: [], remove: [volume.id])
            #expect(try await store.groupVolumes(groupID: group.id).isEmpty)
            #expect(try await store.volume(id: volume.id, scope: .allProjects).groupID == nil)
            #expect(try await store.hasGroupSnapshots(groupID: group.id) == false)
            #expect(
                try await store.apply(GroupTransitions.delete(deleteVolumes: false), toGroup: group.id)?.status
                    == .deleting
            )
            let reset = try await store.apply(GroupTransitions.resetStatus, toGroup: group.id, given: .available)
            #expect(reset?.status == .available)
        }
    }
}

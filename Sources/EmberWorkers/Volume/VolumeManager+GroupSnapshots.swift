import EmberBus
import EmberCore
import EmberRPC
import EmberStore
import Foundation

/// The volume manager's group snapshot methods: the file backend takes every member
/// snapshot while it holds every member volume exclusively (in id order, so two group
/// snapshots of overlapping groups cannot deadlock), so no operation of this service on a
/// member runs between the first copy and the last.
extension VolumeManager {
    /// Runs `body` holding each of `ids` (sorted) as ``serialized(_:_:)`` does one.
    func holdingAll<T: Sendable>(_ ids: [String], _ body: () async throws -> T) async throws -> T {
        guard let first = ids.first else { return try await body() }
        return try await serialized(first) { try await holdingAll(Array(ids.dropFirst()), body) }
    }

    /// `create_group_snapshot`: each member snapshot `creating` → `available`, then the group
    /// snapshot; a failure leaves the snapshots taken so far `available`, the rest and the
    /// group snapshot `error`.
    func createGroupSnapshot(
        _ message: VolumeRPC.CreateGroupSnapshot,
        context: RPCContext
    ) async throws
        -> RPCNoReply
    {
        let id = message.groupSnapshotID
        guard let groupSnapshot = try? await store.groupSnapshot(id: id, scope: .allProjects),
            groupSnapshot.status == .creating
        else { return RPCNoReply() }
        let members = try await store.groupSnapshotMembers(id: id)
        let volumeIDs = Set(members.map(\.volumeID)).sorted()
        return try await holdingAll(volumeIDs) {
            var failed = false
            for snapshot in members where SnapshotTransitions.created.allows(snapshot.status) {
                if failed {
                    try await store.apply(SnapshotTransitions.createFailed, toSnapshot: snapshot.id)
                    continue
                }
                do {
                    try await driver.createSnapshot(id: snapshot.id, volumeID: snapshot.volumeID)
                    try await store.apply(
                        SnapshotTransitions.created,
                        toSnapshot: snapshot.id,
                        also: [.progress("100%")]
                    )
                } catch {
                    logger.error(
                        "Group snapshot member failed",
                        metadata: ["group_snapshot.id": .string(id), "snapshot.id": .string(snapshot.id)]
                    )
                    try await store.apply(SnapshotTransitions.createFailed, toSnapshot: snapshot.id)
                    failed = true
                }
            }
            try await store.apply(
                failed ? GroupSnapshotTransitions.createFailed : GroupSnapshotTransitions.created,
                toGroupSnapshot: id
            )
            logger.info(
                failed ? "Group snapshot failed" : "Created group snapshot",
                metadata: ["group_snapshot.id": .string(id), "snapshots": "\(members.count)"]
            )
            return RPCNoReply()
        }
    }

    /// `delete_group_snapshot`: each member snapshot's data and row go (its quota given
    /// back), then the group snapshot; a failure leaves that snapshot `error_deleting` and
    /// the group snapshot `error`.
    func deleteGroupSnapshot(
        _ message: VolumeRPC.DeleteGroupSnapshot,
        context: RPCContext
    ) async throws
        -> RPCNoReply
    {
        let id = message.groupSnapshotID
        guard let groupSnapshot = try? await store.groupSnapshot(id: id, scope: .allProjects),
            groupSnapshot.status == .deleting
        else { return RPCNoReply() }
        let members = try await store.groupSnapshotMembers(id: id)
        return try await holdingAll(Set(members.map(\.volumeID)).sorted()) {
            for snapshot in members {
                do {
                    try await driver.deleteSnapshot(id: snapshot.id)
                } catch {
                    logger.error(
                        "Group snapshot member deletion failed",
                        metadata: ["group_snapshot.id": .string(id), "snapshot.id": .string(snapshot.id)]
                    )
                    try await store.apply(SnapshotTransitions.deleteFailed, toSnapshot: snapshot.id)
                    try await store.apply(GroupSnapshotTransitions.deleteFailed, toGroupSnapshot: id)
                    return RPCNoReply()
                }
                try await store.deleteSnapshot(id: snapshot.id)
                do {
                    try await releaseSnapshotQuota(snapshot)
                } catch {
                    logger.error(
                        "Failed to update usages deleting snapshot",
                        metadata: ["snapshot.id": .string(snapshot.id)]
                    )
                }
            }
            try await store.deleteGroupSnapshot(id: id)
            logger.info("Deleted group snapshot", metadata: ["group_snapshot.id": .string(id)])
            return RPCNoReply()
        }
    }
}

extension VolumeManager {
    /// `create_group_from_src`: the group's `creating` volumes are made from their snapshots
    /// (or cloned from the source group's volumes, every source held exclusively so the
    /// clones are of one point in time), then the group is `available`, or `error` when a
    /// volume failed.
    func createGroupFromSource(
        _ message: VolumeRPC.CreateGroupFromSrc,
        context: RPCContext
    ) async throws
        -> RPCNoReply
    {
        try await serialized(Self.groupLock(message.groupID)) {
            guard let group = try await liveGroup(message.groupID), group.status == .creating else {
                return RPCNoReply()
            }
            try await finishGroupFromSource(group, context: context)
            return RPCNoReply()
        }
    }

    /// The work of ``createGroupFromSource(_:context:)`` (and of `init_host` for such a group
    /// left `creating`); the caller holds the group's lock.
    func finishGroupFromSource(_ group: VolumeGroup, context: RPCContext) async throws {
        let volumes = try await store.groupVolumes(groupID: group.id).filter { $0.status == .creating }
        let sources = Set(volumes.compactMap(\.sourceVolumeID)).sorted()
        try await holdingAll(sources) {
            for volume in volumes {
                try await finishCreate(volume.id, requestSpec: nil, context: context)
            }
        }
        var failed = false
        for member in try await store.groupVolumes(groupID: group.id) where member.status != .available {
            failed = true
        }
        try await store.apply(failed ? GroupTransitions.createFailed : GroupTransitions.created, toGroup: group.id)
        logger.info(
            failed ? "Group from source failed" : "Created group from source",
            metadata: ["group.id": .string(group.id), "volumes": "\(volumes.count)"]
        )
    }
}

import EmberCore
import EmberStore
import Foundation
import Logging

/// The group snapshot half of `cinder/group/api.py` (3.14): a group snapshot is one member
/// snapshot per volume of the group, reserved together (`create_snapshots_in_db`) and taken
/// together by the group's backend; delete takes them all away. A member snapshot cannot be
/// deleted alone (``SnapshotTransitions/delete(force:)`` guards it).
public struct GroupSnapshotAPI: Sendable {
    let volumes: VolumeAPI

    init(volumes: VolumeAPI) {
        self.volumes = volumes
    }

    var store: any VolumeAPIStore { volumes.store }
    var compensations: Compensations { volumes.compensations }
    var logger: Logger { volumes.logger }

    /// `get_group_snapshot`: one of the caller's project (any for admins).
    public func get(id: String, caller: Identity) async throws -> GroupSnapshot {
        do {
            return try await store.groupSnapshot(
                id: id,
                scope: caller.isAdmin ? .allProjects : volumes.scope(for: caller)
            )
        } catch {
            guard case .notFound = error else { throw error }
            throw EmberError.notFound("GroupSnapshot \(id) could not be found.")
        }
    }

    /// `get_all_group_snapshots`: a page; an unknown marker is the marker's 404.
    public func list(_ query: ListQuery) async throws -> Page<GroupSnapshot> {
        do {
            return try await store.listGroupSnapshots(query)
        } catch {
            guard case .markerNotFound(let marker) = error else { throw error }
            throw EmberError.notFound("GroupSnapshot \(marker) could not be found.")
        }
    }

    /// The member snapshots.
    public func members(of groupSnapshot: GroupSnapshot) async throws -> [Snapshot] {
        try await store.groupSnapshotMembers(id: groupSnapshot.id)
    }

    /// `create_group_snapshot`: every member volume must be placed, not in maintenance, not
    /// migrating and not in error (`_create_snapshot_in_db_validate`); the snapshots quota
    /// of them all is reserved at once; the group snapshot and its member snapshots are
    /// stored `creating` and the group's backend is asked.
    public func create(
        group: VolumeGroup,
        name: String?,
        description: String?,
        caller: Identity,
        requestID: String
    ) async throws -> GroupSnapshot {
        let members = try await store.groupVolumes(groupID: group.id)
        for volume in members { try SnapshotAPI.validateSnapshotSource(volume) }
        let projectID = caller.projectID ?? ""
        var deltas: [String: Int] = [:]
        for volume in members {
            let typeName = await volumes.types.name(id: volume.volumeTypeID) ?? volume.volumeTypeID
            for (key, value) in volumes.quotas.snapshotDeltas(size: volume.size, typeName: typeName) {
                deltas[key, default: 0] += value
            }
        }
        var reservation: QuotaReservation?
        if !deltas.isEmpty {
            reservation = try await volumes.quotas.reserve(
                projectID: projectID,
                deltas: deltas,
                typeName: "",
                perVolumeSize: nil
            )
        }
        let groupSnapshot = try await store.createGroupSnapshot(
            GroupSnapshot(
                groupID: group.id,
                userID: caller.userID,
                projectID: projectID,
                name: name,
                description: description,
                groupTypeID: group.groupTypeID,
                createdAt: volumes.clock.now
            )
        )
        var created: [Snapshot] = []
        do {
            for volume in members {
                created.append(
                    try await store.createSnapshot(
                        Snapshot(
                            volumeID: volume.id,
                            userID: caller.userID,
                            projectID: projectID,
                            volumeSize: volume.size,
                            volumeTypeID: volume.volumeTypeID,
                            displayName: name,
                            displayDescription: description,
                            groupSnapshotID: groupSnapshot.id,
                            createdAt: volumes.clock.now
                        )
                    )
                )
            }
        } catch {
            for snapshot in created {
                await compensations.settle("snapshot \(snapshot.id) removed") {
                    try await store.deleteSnapshot(id: snapshot.id)
                }
            }
            await compensations.settle("group snapshot \(groupSnapshot.id) removed") {
                try await store.deleteGroupSnapshot(id: groupSnapshot.id)
            }
            if let reservation { await compensations.rollBack(reservation, in: store) }
            throw error
        }
        if let reservation { try await store.commit(reservation) }
        logger.info(
            "Creating group snapshot",
            metadata: ["group_snapshot.id": .string(groupSnapshot.id), "request.id": .string(requestID)]
        )
        try await volumes.groups.caster.createGroupSnapshot(
            groupSnapshot,
            of: group,
            caller: caller,
            requestID: requestID
        )
        return groupSnapshot
    }

    /// `delete_group_snapshot`: `available` or `error` and no group being created from it →
    /// `deleting`, the member snapshots `deleting`, and the group's backend asked.
    public func delete(_ groupSnapshot: GroupSnapshot, caller: Identity, requestID: String) async throws {
        guard try await store.apply(GroupSnapshotTransitions.delete, toGroupSnapshot: groupSnapshot.id) != nil else {
            throw EmberError.badRequest(
                "Invalid GroupSnapshot: GroupSnapshot status must be available or error, and no Group can be currently using it as source for its creation."
            )
        }
        for snapshot in try await store.groupSnapshotMembers(id: groupSnapshot.id) {
            _ = try await store.updateSnapshot(id: snapshot.id, [.status(.deleting)])
        }
        let group = try await store.group(id: groupSnapshot.groupID, scope: .allProjects)
        try await volumes.groups.caster.deleteGroupSnapshot(
            groupSnapshot,
            of: group,
            caller: caller,
            requestID: requestID
        )
    }

    /// `reset_group_snapshot_status`: the status the admin gives.
    public func resetStatus(_ groupSnapshot: GroupSnapshot, to status: GroupSnapshotStatus) async throws {
        _ = try await store.apply(
            GroupSnapshotTransitions.resetStatus,
            toGroupSnapshot: groupSnapshot.id,
            given: status
        )
    }
}

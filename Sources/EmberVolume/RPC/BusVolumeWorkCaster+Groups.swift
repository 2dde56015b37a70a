import EmberBus
import EmberCore
import EmberRPC

extension BusVolumeWorkCaster: GroupWorkCaster {
    /// The client of the group's backend; a group never scheduled has none.
    private func backend(of group: VolumeGroup) throws -> RPCClient {
        guard let host = group.host else {
            throw EmberError.badRequest("Invalid Group: Group \(group.id) has not been scheduled to any host.")
        }
        return VolumeRPC.client(bus: bus, host: host)
    }

    public func createGroup(_ group: VolumeGroup, caller: Identity, requestID: String) async throws {
        try await SchedulerRPC.client(bus: bus).cast(
            SchedulerRPC.CreateGroup(group: group),
            context: RPCContext(requestID: requestID, identity: caller)
        )
    }

    public func deleteGroup(_ group: VolumeGroup, caller: Identity, requestID: String) async throws {
        try await backend(of: group).cast(
            VolumeRPC.DeleteGroup(groupID: group.id),
            context: RPCContext(requestID: requestID, identity: caller)
        )
    }

    public func updateGroup(
        _ group: VolumeGroup,
        addVolumes: [String],
        removeVolumes: [String],
        caller: Identity,
        requestID: String
    ) async throws {
        try await backend(of: group).cast(
            VolumeRPC.UpdateGroup(groupID: group.id, addVolumes: addVolumes, removeVolumes: removeVolumes),
            context: RPCContext(requestID: requestID, identity: caller)
        )
    }

    public func createGroupSnapshot(
        _ groupSnapshot: GroupSnapshot,
        of group: VolumeGroup,
        caller: Identity,
        requestID: String
    ) async throws {
        try await backend(of: group).cast(
            VolumeRPC.CreateGroupSnapshot(groupSnapshotID: groupSnapshot.id),
            context: RPCContext(requestID: requestID, identity: caller)
        )
    }

    public func deleteGroupSnapshot(
        _ groupSnapshot: GroupSnapshot,
        of group: VolumeGroup,
        caller: Identity,
        requestID: String
    ) async throws {
        try await backend(of: group).cast(
            VolumeRPC.DeleteGroupSnapshot(groupSnapshotID: groupSnapshot.id),
            context: RPCContext(requestID: requestID, identity: caller)
        )
    }

    public func createGroupFromSource(_ group: VolumeGroup, caller: Identity, requestID: String) async throws {
        try await backend(of: group).cast(
            VolumeRPC.CreateGroupFromSrc(
                groupID: group.id,
                groupSnapshotID: group.groupSnapshotID,
                sourceGroupID: group.sourceGroupID
            ),
            context: RPCContext(requestID: requestID, identity: caller)
        )
    }
}

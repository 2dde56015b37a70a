import EmberCore

/// What the group API asks the scheduler and the volume services to do: the group casts of
/// `cinder/scheduler/rpcapi.py` and `cinder/volume/rpcapi.py`.
public protocol GroupWorkCaster: Sendable {
    /// `scheduler_rpcapi.create_group`: place the group (`creating`) on a backend that
    /// takes its group type and every volume type, which creates it.
    func createGroup(_ group: VolumeGroup, caller: Identity, requestID: String) async throws
    /// `volume_rpcapi.delete_group`: the group's backend deletes its volumes and the group.
    func deleteGroup(_ group: VolumeGroup, caller: Identity, requestID: String) async throws
    /// `volume_rpcapi.update_group`: the group's backend adds and removes the volumes.
    func updateGroup(
        _ group: VolumeGroup,
        addVolumes: [String],
        removeVolumes: [String],
        caller: Identity,
        requestID: String
    ) async throws
    /// `volume_rpcapi.create_group_snapshot` to the group's backend.
    func createGroupSnapshot(
        _ groupSnapshot: GroupSnapshot,
        of group: VolumeGroup,
        caller: Identity,
        requestID: String
    )
        async throws
    /// `volume_rpcapi.delete_group_snapshot` to the group's backend.
    func deleteGroupSnapshot(
        _ groupSnapshot: GroupSnapshot,
        of group: VolumeGroup,
        caller: Identity,
        requestID: String
    )
        async throws
    /// `volume_rpcapi.create_group_from_src` to the new group's backend.
    func createGroupFromSource(_ group: VolumeGroup, caller: Identity, requestID: String) async throws
}

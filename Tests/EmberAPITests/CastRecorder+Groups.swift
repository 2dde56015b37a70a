import EmberCore

@testable import EmberVolume

extension CastRecorder: GroupWorkCaster {
    func createGroup(_ group: VolumeGroup, caller: Identity, requestID: String) async throws {
        log.withLock { $0.append("create_group:\(group.id)") }
    }

    func deleteGroup(_ group: VolumeGroup, caller: Identity, requestID: String) async throws {
        log.withLock { $0.append("delete_group:\(group.id)") }
    }

    func updateGroup(
        _ group: VolumeGroup,
        addVolumes: [String],
        removeVolumes: [String],
        caller: Identity,
        requestID: String
    ) async throws {
        log.withLock {
            $0.append(
                "update_group:\(group.id):+\(addVolumes.joined(separator: ",")):-\(removeVolumes.joined(separator: ","))"
            )
        }
    }

    func createGroupSnapshot(
        _ groupSnapshot: GroupSnapshot,
        of group: VolumeGroup,
        caller: Identity,
        requestID: String
    ) async throws {
        log.withLock { $0.append("create_group_snapshot:\(groupSnapshot.id)") }
    }

    func deleteGroupSnapshot(
        _ groupSnapshot: GroupSnapshot,
        of group: VolumeGroup,
        caller: Identity,
        requestID: String
    ) async throws {
        log.withLock { $0.append("delete_group_snapshot:\(groupSnapshot.id)") }
    }

    func createGroupFromSource(_ group: VolumeGroup, caller: Identity, requestID: String) async throws {
        log.withLock { $0.append("create_group_from_src:\(group.id)") }
    }
}

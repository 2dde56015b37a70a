import EmberCore
import EmberStore
import Foundation

extension GroupAPI {
    /// `create_from_src` (3.14): a new group of the source's group type and volume types on
    /// the source's backend and zone, with one volume per member snapshot of the group
    /// snapshot (or per volume of the source group), each stored `creating` with its quota;
    /// then the backend's `create_group_from_src` makes them. An empty source is cinder's 400.
    public func createFromSource(
        name: String?,
        description: String?,
        groupSnapshotID: String?,
        sourceGroupID: String?,
        caller: Identity,
        requestID: String
    ) async throws -> VolumeGroup {
        let source: VolumeGroup
        var sources: [(size: Int, typeID: String, snapshotID: String?, volumeID: String?)] = []
        if let groupSnapshotID {
            let groupSnapshot = try await volumes.groupSnapshots.get(id: groupSnapshotID, caller: caller)
            source = try await get(id: groupSnapshot.groupID, caller: caller)
            for snapshot in try await store.groupSnapshotMembers(id: groupSnapshot.id) {
                sources.append((snapshot.volumeSize ?? 0, snapshot.volumeTypeID, snapshot.id, nil))
            }
            if sources.isEmpty {
                throw EmberError.badRequest("Invalid Group: Group snapshot is empty. No group will be created.")
            }
        } else {
            source = try await get(id: sourceGroupID ?? "", caller: caller)
            for volume in try await store.groupVolumes(groupID: source.id) {
                sources.append((volume.size, volume.volumeTypeID, nil, volume.id))
            }
            if sources.isEmpty {
                throw EmberError.badRequest("Invalid Group: Source Group is empty. No group will be created.")
            }
        }
        guard let host = source.host else {
            throw EmberError.badRequest("Invalid Group: No valid host to create group.")
        }
        let projectID = caller.projectID ?? ""
        let groupReservation = try await reserveGroups(projectID: projectID, delta: 1)
        let group: VolumeGroup
        do {
            group = try await store.createGroup(
                VolumeGroup(
                    userID: caller.userID,
                    projectID: projectID,
                    clusterName: source.clusterName,
                    host: host,
                    availabilityZone: source.availabilityZone,
                    name: name,
                    description: description,
                    status: .creating,
                    groupTypeID: source.groupTypeID,
                    groupSnapshotID: groupSnapshotID,
                    sourceGroupID: groupSnapshotID == nil ? source.id : nil,
                    replicationStatus: "disabled",
                    volumeTypeIDs: source.volumeTypeIDs,
                    createdAt: volumes.clock.now
                )
            )
        } catch {
            await compensations.rollBack(groupReservation, in: store)
            throw error
        }
        try await store.commit(groupReservation)
        var created: [Volume] = []
        do {
            for entry in sources {
                let typeName = await volumes.types.name(id: entry.typeID) ?? entry.typeID
                let reservation = try await volumes.quotas.reserve(
                    projectID: projectID,
                    deltas: QuotaReservation.volumeDeltas(size: entry.size, typeName: typeName),
                    typeName: typeName
                )
                do {
                    created.append(
                        try await store.createVolume(
                            Volume(
                                userID: caller.userID,
                                projectID: projectID,
                                size: entry.size,
                                volumeTypeID: entry.typeID,
                                availabilityZone: group.availabilityZone,
                                snapshotID: entry.snapshotID,
                                sourceVolumeID: entry.volumeID,
                                host: host,
                                groupID: group.id,
                                createdAt: volumes.clock.now
                            )
                        )
                    )
                } catch {
                    await compensations.rollBack(reservation, in: store)
                    throw error
                }
                try await store.commit(reservation)
            }
        } catch {
            // cinder deletes what it made and the group, as here.
            for volume in created {
                let typeName = await volumes.types.name(id: volume.volumeTypeID) ?? volume.volumeTypeID
                let expiry = volumes.quotas.reservationExpiry
                await compensations.settle("volume \(volume.id) of group \(group.id) removed") {
                    do {
                        try await store.deleteVolume(id: volume.id)
                    } catch StoreError.notFound {
                        // Deleted by an earlier attempt, whose release of the quota failed.
                    }
                    let released = try await store.reserve(
                        projectID: projectID,
                        deltas: QuotaReservation.volumeDeltas(size: volume.size, typeName: typeName).mapValues { -$0 },
                        limits: [:],
                        expiresAt: expiry
                    )
                    try await store.commit(released)
                }
            }
            await compensations.settle("group \(group.id) removed") {
                try await store.deleteGroup(id: group.id)
                try await store.commit(try await reserveGroups(projectID: projectID, delta: -1))
            }
            throw error
        }
        logger.info(
            "Creating group from source",
            metadata: ["group.id": .string(group.id), "volumes": "\(created.count)", "request.id": .string(requestID)]
        )
        try await caster.createGroupFromSource(group, caller: caller, requestID: requestID)
        return group
    }
}

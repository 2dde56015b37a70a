import EmberCore
import EmberStore

/// The legacy consistency-group API over the group machinery: cinder maps a consistency
/// group to a group of `default_cgsnapshot_type` (created by the first migration) and a
/// cgsnapshot to a group snapshot (`cinder/api/contrib/consistencygroups.py`,
/// `cgsnapshots.py`).
extension GroupAPI {
    /// `group_types.get_default_cgsnapshot_type`: the group type consistency groups are made
    /// of; nil when an admin deleted it (cinder logs it and answers the create with a 400).
    public func defaultCGSnapshotType() async throws -> GroupType? {
        do {
            return try await store.groupType(name: GroupType.defaultCGSnapshotTypeName)
        } catch {
            guard case .groupTypeNameNotFound = error else { throw error }
            logger.error(
                "Default cgsnapshot type is not found",
                metadata: ["group_type.name": .string(GroupType.defaultCGSnapshotTypeName)]
            )
            return nil
        }
    }

    /// The consistency-group create (`POST /consistencygroups`): a group of the default
    /// cgsnapshot type with the volume types given (names or ids), made as any group.
    public func createConsistencyGroup(
        name: String?,
        description: String?,
        volumeTypes: [String],
        availabilityZone: String?,
        caller: Identity,
        requestID: String
    ) async throws -> VolumeGroup {
        guard let groupType = try await defaultCGSnapshotType() else {
            throw EmberError.badRequest(
                "Group type \(GroupType.defaultCGSnapshotTypeName) not found. Rerun migration script to create the default cgsnapshot type."
            )
        }
        return try await create(
            GroupCreateRequest(
                name: name,
                description: description,
                groupType: groupType.id,
                volumeTypes: volumeTypes,
                availabilityZone: availabilityZone
            ),
            caller: caller,
            requestID: requestID
        )
    }

    /// The groups among `groupIDs` that are of the default cgsnapshot type: cinder's volume
    /// view shows their id as `consistencygroup_id`. No lookup when no id is given (volumes
    /// in no group, the common page).
    public func consistencyGroupIDs(among groupIDs: Set<String>) async throws -> Set<String> {
        guard !groupIDs.isEmpty, let type = try await defaultCGSnapshotType() else { return [] }
        var found: Set<String> = []
        for id in groupIDs {
            do {
                if try await store.group(id: id, scope: .allProjects).groupTypeID == type.id { found.insert(id) }
            } catch {
                // A group deleted while its volumes are still listed shows no consistency group.
                guard case .notFound = error else { throw error }
            }
        }
        return found
    }
}

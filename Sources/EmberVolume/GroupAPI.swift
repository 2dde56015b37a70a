import EmberCore
import EmberStore
import Foundation
import Logging

/// A validated group create (`POST /groups`, 3.13).
public struct GroupCreateRequest: Sendable {
    public var name: String?
    public var description: String?
    /// The group type by name or id.
    public var groupType: String
    /// The volume types by name or id.
    public var volumeTypes: [String]
    public var availabilityZone: String?

    public init(
        name: String?,
        description: String?,
        groupType: String,
        volumeTypes: [String],
        availabilityZone: String?
    ) {
        self.name = name
        self.description = description
        self.groupType = groupType
        self.volumeTypes = volumeTypes
        self.availabilityZone = availabilityZone
    }
}

/// `cinder/group/api.py`: generic volume groups. Create reserves the `groups` quota and
/// casts the scheduler's `create_group`; update renames in the store and, to add or remove
/// volumes, casts the backend's `update_group` with the group `updating`; delete checks
/// cinder's rules and casts `delete_group` (a group never placed is deleted here). Every
/// status change is a ``GroupTransitions`` entry.
public struct GroupAPI: Sendable {
    let volumes: VolumeAPI

    init(volumes: VolumeAPI) {
        self.volumes = volumes
    }

    var store: any VolumeAPIStore { volumes.store }
    var compensations: Compensations { volumes.compensations }
    var logger: Logger { volumes.logger }

    /// The casts to the scheduler and the volume services.
    var caster: any GroupWorkCaster {
        get throws {
            guard let caster = volumes.caster as? any GroupWorkCaster else {
                throw EmberError.serviceUnavailable("Service cinder-scheduler could not be found.")
            }
            return caster
        }
    }

    // MARK: - Reading

    /// `group_api.get`: a group of the caller's project (any project for admins).
    public func get(id: String, caller: Identity) async throws -> VolumeGroup {
        try await VolumeAPI.found("Group \(id)") { () async throws(StoreError) in
            try await store.group(id: id, scope: caller.isAdmin ? .allProjects : volumes.scope(for: caller))
        }
    }

    /// `group_api.get_all`: a page; an unknown marker is the marker's `GroupNotFound`.
    public func list(_ query: ListQuery) async throws -> Page<VolumeGroup> {
        try await VolumeAPI.page(of: "Group") { () async throws(StoreError) in try await store.listGroups(query) }
    }

    /// The group's live volumes.
    public func volumes(of group: VolumeGroup) async throws -> [Volume] {
        try await store.groupVolumes(groupID: group.id)
    }

    /// The groups API refuses groups of the type cinder keeps for the consistency-group API.
    public func isDefaultCGSnapshotType(_ groupTypeID: String) async -> Bool {
        (try? await store.groupType(name: GroupType.defaultCGSnapshotTypeName).id) == groupTypeID
    }

    /// `_check_default_cgsnapshot_type`: cinder's 400 for such a group type.
    public func checkNotDefaultCGSnapshotType(_ groupTypeID: String) async throws {
        if await isDefaultCGSnapshotType(groupTypeID) {
            throw EmberError.badRequest(
                "Group_type \(groupTypeID) is reserved for migrating CGs to groups. Migrated group can only be operated by CG APIs."
            )
        }
    }

    // MARK: - Create

    /// `group_api.create`: the volume types and the group type looked up as cinder does, the
    /// zone checked, one `groups` reserved and committed, the group stored `creating` and
    /// the scheduler's `create_group` cast.
    public func create(_ request: GroupCreateRequest, caller: Identity, requestID: String) async throws -> VolumeGroup {
        var typeIDs: [String] = []
        for nameOrID in request.volumeTypes {
            typeIDs.append(try await volumeType(nameOrID).id)
        }
        let groupType = try await groupType(request.groupType, caller: caller)
        let zone: String
        do {
            zone = try volumes.validateZone(request.availabilityZone)
        } catch let error as EmberError where error.status == 400 {
            throw EmberError.badRequest("Invalid input received: \(error.message)")
        }
        let projectID = caller.projectID ?? ""
        let reservation = try await reserveGroups(projectID: projectID, delta: 1)
        let group: VolumeGroup
        do {
            group = try await store.createGroup(
                VolumeGroup(
                    userID: caller.userID,
                    projectID: projectID,
                    availabilityZone: zone,
                    name: request.name,
                    description: request.description,
                    status: .creating,
                    groupTypeID: groupType.id,
                    replicationStatus: "disabled",
                    volumeTypeIDs: typeIDs,
                    createdAt: volumes.clock.now
                )
            )
        } catch {
            await compensations.rollBack(reservation, in: store)
            throw error
        }
        try await store.commit(reservation)
        logger.info("Creating group", metadata: ["group.id": .string(group.id), "request.id": .string(requestID)])
        try await caster.createGroup(group, caller: caller, requestID: requestID)
        return group
    }

    /// `volume_types_get_by_name_or_id` (admin context): a uuid-like value by id, then by
    /// name; anything else by name.
    func volumeType(_ nameOrID: String) async throws -> VolumeType {
        if GroupTypeAPI.isUUIDLike(nameOrID) {
            if let type = try? await store.volumeType(id: nameOrID) { return type }
            if let type = try? await store.volumeType(name: nameOrID) { return type }
            throw EmberError.notFound("Volume type \(nameOrID) could not be found.")
        }
        do {
            return try await store.volumeType(name: nameOrID)
        } catch {
            guard case .volumeTypeNameNotFound = error else { throw error }
            throw EmberError.notFound("Volume type with name \(nameOrID) could not be found.")
        }
    }

    /// The group type of a create: a uuid-like value by id (as the caller sees types), then
    /// by name; anything else by name.
    func groupType(_ nameOrID: String, caller: Identity) async throws -> GroupType {
        if GroupTypeAPI.isUUIDLike(nameOrID) {
            if let type = try? await store.groupType(id: nameOrID, scope: GroupTypeAPI.scope(for: caller)) {
                return type
            }
            if let type = try? await store.groupType(name: nameOrID) { return type }
            throw EmberError.notFound("Group type \(nameOrID) could not be found.")
        }
        return try await store.groupType(name: nameOrID)
    }

    /// `GROUP_QUOTAS.reserve(groups=delta)`; over the limit is cinder's `GroupLimitExceeded`.
    func reserveGroups(projectID: String, delta: Int) async throws -> QuotaReservation {
        let limits = try await volumes.quotas.limits(projectID: projectID, typeNames: [])
        do {
            return try await store.reserve(
                projectID: projectID,
                deltas: ["groups": delta],
                limits: limits,
                expiresAt: volumes.quotas.reservationExpiry
            )
        } catch {
            guard case .overQuota(let overs) = error else { throw error }
            let limit = overs.first { $0.resource == "groups" }?.limit ?? limits["groups"] ?? 0
            throw QuotaEngine.quotaError("GroupLimitExceeded", "Maximum number of groups allowed (\(limit)) exceeded")
        }
    }

    // MARK: - Update

    /// `group_api.update`: the name and description change in the store; volumes to add
    /// (`available` or `in-use`, of the caller's project, of one of the group's volume types,
    /// on the group's backend, in no other group) and to remove (members, `available`,
    /// `in-use`, `error` or `error_deleting`) go to the backend with the group `updating`.
    public func update(
        _ group: VolumeGroup,
        name: String?,
        description: String?,
        addVolumes: String?,
        removeVolumes: String?,
        caller: Identity,
        requestID: String
    ) async throws {
        let name = name == group.name ? nil : name
        let description = description == group.description ? nil : description
        let addList = Self.split(addVolumes)
        let removeList = Self.split(removeVolumes)
        let both = addList.filter { removeList.contains($0) }
        if !both.isEmpty {
            throw EmberError.badRequest(
                "Invalid volume: UUIDs [\(both.map { "'\($0)'" }.joined(separator: ", "))] are in both add and remove volume list."
            )
        }
        let members = try await store.groupVolumes(groupID: group.id)
        let toAdd = addList.isEmpty ? [] : try await validateAdd(addList, members: members, group: group)
        let toRemove = removeList.isEmpty ? [] : try Self.validateRemove(removeList, members: members, group: group)
        if name == nil && description == nil && toAdd.isEmpty && toRemove.isEmpty {
            throw EmberError.badRequest(
                "Invalid Group: Cannot update group \(group.id) because no valid name, description, add_volumes, or remove_volumes were provided."
            )
        }
        var also: [GroupUpdate] = []
        if let name { also.append(.name(name)) }
        if let description { also.append(.description(description)) }
        let transition = toAdd.isEmpty && toRemove.isEmpty ? GroupTransitions.rename : GroupTransitions.beginUpdate
        guard let updated = try await store.apply(transition, toGroup: group.id, also: also) else {
            throw EmberError.badRequest("Invalid Group: Group status must be available.")
        }
        guard !toAdd.isEmpty || !toRemove.isEmpty else { return }
        do {
            try await caster.updateGroup(
                updated,
                addVolumes: toAdd,
                removeVolumes: toRemove,
                caller: caller,
                requestID: requestID
            )
        } catch {
            try await store.apply(GroupTransitions.updateFailed, toGroup: group.id)
            throw error
        }
    }

    /// `add_volumes.strip(',').split(',')`.
    static func split(_ list: String?) -> [String] {
        guard let list, !list.isEmpty else { return [] }
        var text = Substring(list)
        while text.first == "," { text = text.dropFirst() }
        while text.last == "," { text = text.dropLast() }
        return text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    }

    /// cinder's tuple text for the valid statuses (`('available', 'in-use')`).
    static func tuple(_ statuses: [String]) -> String {
        "(" + statuses.map { "'\($0)'" }.joined(separator: ", ") + ")"
    }

    static let addStatuses = ["available", "in-use"]
    static let removeStatuses = ["available", "in-use", "error", "error_deleting"]

    /// `_validate_add_volumes`: the ids to add, in order, members already in the group left out.
    func validateAdd(_ list: [String], members: [Volume], group: VolumeGroup) async throws -> [String] {
        let memberIDs = Set(members.map(\.id))
        var result: [String] = []
        for id in list where !memberIDs.contains(id) {
            let volume: Volume
            do {
                volume = try await store.volume(id: id, scope: .project(group.projectID ?? ""))
            } catch {
                guard case .notFound = error else { throw error }
                throw EmberError.badRequest(
                    "Invalid volume: Cannot add volume \(id) to group \(group.id) because volume cannot be found."
                )
            }
            let prefix = "Invalid volume: Cannot add volume \(volume.id) to group \(group.id)"
            if let other = volume.groupID {
                throw EmberError.badRequest("\(prefix) because it is already in group \(other).")
            }
            if volume.projectID != group.projectID {
                throw EmberError.badRequest("\(prefix) as they belong to different projects.")
            }
            if !group.volumeTypeIDs.contains(volume.volumeTypeID) {
                throw EmberError.badRequest(
                    "\(prefix) because volume type \(volume.volumeTypeID) is not supported by the group."
                )
            }
            if !GroupTransitions.volumeMayJoin.contains(volume.status) {
                throw EmberError.badRequest(
                    "\(prefix) because volume is in an invalid state: \(volume.status.rawValue). Valid states are: \(Self.tuple(Self.addStatuses))."
                )
            }
            if Self.backend(volume.host) != Self.backend(group.host) {
                throw EmberError.badRequest("Invalid volume: Volume is not local to this node.")
            }
            result.append(volume.id)
        }
        return result
    }

    /// `extract_host(…, 'backend')`: `HOST@BACKEND` of a host.
    static func backend(_ host: String?) -> String? {
        host.map { $0.split(separator: "#", maxSplits: 1).first.map(String.init) ?? $0 }
    }

    /// `_validate_remove_volumes`: the members to remove, in the group's order.
    static func validateRemove(_ list: [String], members: [Volume], group: VolumeGroup) throws -> [String] {
        var result: [String] = []
        for volume in members where list.contains(volume.id) {
            if !GroupTransitions.volumeMayLeave.contains(volume.status) {
                throw EmberError.badRequest(
                    "Invalid volume: Cannot remove volume \(volume.id) from group \(group.id) because volume is in an invalid state: \(volume.status.rawValue). Valid states are: \(tuple(removeStatuses))."
                )
            }
            result.append(volume.id)
        }
        // cinder checks each id against the joined string of the ids it kept.
        let kept = result.joined(separator: ",")
        for id in list where !kept.contains(id) {
            throw EmberError.badRequest(
                "Invalid volume: Cannot remove volume \(id) from group \(group.id) because it is not in the group."
            )
        }
        return result
    }

    // MARK: - Delete and reset

    /// `group_api.delete`: a group never placed is deleted here (its quota given back);
    /// otherwise cinder's checks, the member volumes `deleting`, the group `deleting`, and
    /// the backend's `delete_group`.
    public func delete(_ group: VolumeGroup, deleteVolumes: Bool, caller: Identity, requestID: String) async throws {
        if group.host == nil {
            let reservation = try await reserveGroups(projectID: group.projectID ?? "", delta: -1)
            try await store.deleteGroup(id: group.id)
            try await store.commit(reservation)
            logger.info("Deleted unplaced group", metadata: ["group.id": .string(group.id)])
            return
        }
        if !deleteVolumes && !GroupTransitions.delete(deleteVolumes: false).allows(group.status) {
            throw EmberError.badRequest(
                "Invalid Group: Group status must be available or error, but current status is: \(group.status.rawValue)"
            )
        }
        if try await store.hasGroupSnapshots(groupID: group.id) {
            throw EmberError.badRequest("Invalid Group: Group has existing snapshots.")
        }
        let members = try await store.groupVolumes(groupID: group.id)
        if !members.isEmpty && !deleteVolumes {
            throw EmberError.badRequest(
                "Invalid Group: Group \(group.id) still contains volumes. The delete-volumes flag is required to delete it."
            )
        }
        for volume in members {
            if volume.attachStatus == .attached {
                throw EmberError.badRequest(
                    "Invalid Group: Volume in group \(group.id) is attached. Need to detach first."
                )
            }
            let snapshots = try await store.listSnapshots(
                ListQuery(scope: .allProjects, filters: [.equals("volume_id", volume.id)], limit: 1)
            )
            if !snapshots.items.isEmpty {
                throw EmberError.badRequest("Invalid Group: Volume in group still has dependent snapshots.")
            }
        }
        guard
            try await store.apply(GroupTransitions.delete(deleteVolumes: deleteVolumes), toGroup: group.id) != nil
        else {
            let reason =
                deleteVolumes
                ? "Group status must be available or error and must not have dependent group snapshots"
                : "Group must not have attached volumes, volumes with snapshots, or dependent group snapshots"
            throw EmberError.badRequest(
                "Invalid Group: Cannot delete group \(group.id). \(reason), and it cannot be the source for an ongoing group or group snapshot creation."
            )
        }
        for volume in members {
            _ = try await store.updateVolume(id: volume.id, [.status(.deleting)])
        }
        try await caster.deleteGroup(group, caller: caller, requestID: requestID)
    }

    /// The replication actions (3.38) on a backend without replication: cinder's
    /// `_check_type` (a group type without `group_replication_enabled`, or a volume type
    /// without `replication_enabled`, set to `<is> True` is a 400), then the group must be
    /// `available`. The file backend reports no replication capability, so no group that
    /// passes those checks can be placed on it; one that was (by `reset_status`) is refused
    /// as the backend would refuse it.
    public func checkReplication(_ group: VolumeGroup, action: String) async throws {
        let type = try? await store.groupType(id: group.groupTypeID, scope: .allProjects)
        if type?.groupSpecs["group_replication_enabled"] != .some("<is> True") {
            throw EmberError.badRequest("Invalid group type: Group \(group.id) is not a replication group type.")
        }
        for typeID in group.volumeTypeIDs {
            let volumeType = try? await store.volumeType(id: typeID)
            if volumeType?.extraSpecs["replication_enabled"] != "<is> True" {
                throw EmberError.badRequest(
                    "Invalid volume type: Volume type \(typeID) does not have 'replication_enabled' spec key set to '<is> True'."
                )
            }
        }
        let verb =
            switch action {
            case "enable_replication": "enable replication"
            case "disable_replication": "disable replication"
            case "failover_replication": "failover replication"
            default: "list replication targets"
            }
        if group.status != .available {
            throw EmberError.badRequest(
                "Invalid Group: Group \(group.id) status must be ['available'], but current status is: \(group.status.rawValue). Cannot \(verb)."
            )
        }
        throw EmberError.badRequest(
            "Invalid Group: Group \(group.id) backend does not support replication. Cannot \(verb)."
        )
    }

    /// `group_api.reset_status`: the status the admin gives, whatever the current one.
    public func resetStatus(_ group: VolumeGroup, to status: GroupStatus) async throws {
        _ = try await store.apply(GroupTransitions.resetStatus, toGroup: group.id, given: status)
    }
}

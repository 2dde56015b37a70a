extension GroupCondition: StatusCondition {
    public init() { self.init(status: nil) }

    public var statuses: Set<GroupStatus>? {
        get { status }
        set { status = newValue }
    }

    public func admits(_ status: GroupStatus) -> Bool { self.status?.contains(status) ?? true }
}

extension GroupUpdate: StatusUpdate {}

/// A group transition, enforced by a ``GroupCondition``.
public typealias GroupTransition = Transition<GroupStatus, GroupCondition, GroupUpdate>

/// Every status rule of a generic volume group, from cinder 29.0.0's `group/api.py`,
/// `scheduler/manager.py` and the volume manager's group methods.
public enum GroupTransitions {
    /// The scheduler placed the group (`generic_group_update_db`): host set, still `creating`.
    public static let schedule = GroupTransition("create_group", from: [.creating], to: .unchanged)
    /// No backend fits every type of the group (`NoValidBackend`): `creating` → `error`.
    public static let scheduleFailed = GroupTransition("create_group", from: [.creating], to: .status(.error))
    /// The backend created the group: `creating` → `available`.
    public static let created = GroupTransition("create_group", from: [.creating], to: .status(.available))
    /// The backend failed to create it: `creating` → `error`.
    public static let createFailed = GroupTransition("create_group", from: [.creating], to: .status(.error))

    /// `update` with only a name or a description: the status becomes `available`, whatever
    /// it was (cinder's conditional update expects nothing then).
    public static let rename = GroupTransition("update", from: nil, to: .status(.available))
    /// `update` adding or removing volumes: `available` → `updating`.
    public static let beginUpdate = GroupTransition("update", from: [.available], to: .status(.updating))
    /// The backend added and removed the volumes: `updating` → `available`.
    public static let updated = GroupTransition("update_group", from: [.updating], to: .status(.available))
    /// The backend failed to: `updating` → `error`.
    public static let updateFailed = GroupTransition("update_group", from: [.updating], to: .status(.error))

    /// `delete`: without `delete-volumes`, an `available` or `error` group with no volumes;
    /// with it any status, as long as no volume is attached or has snapshots. Never with a
    /// live group snapshot, nor while a group is being created from it → `deleting`.
    public static func delete(deleteVolumes: Bool) -> GroupTransition {
        GroupTransition(
            "delete",
            from: deleteVolumes ? nil : [.available, .error],
            to: .status(.deleting),
            guards: GroupCondition(
                hasNoGroupSnapshots: true,
                hasNoAttachedOrSnapshottedVolumes: deleteVolumes,
                hasNoVolumes: !deleteVolumes,
                notSourceOfCreatingGroup: true
            )
        )
    }
    /// The backend failed to delete the group or one of its volumes: `deleting` → `error`.
    public static let deleteFailed = GroupTransition("delete_group", from: [.deleting], to: .status(.error))

    /// `reset_status` (admins only): any status → the one given.
    public static let resetStatus = GroupTransition("reset_status", from: nil, to: .given)

    /// `init_host`: an update in flight is over → `available` (membership changes are written
    /// only when the update completes, so nothing half-done remains).
    public static let recoverFromUpdating = GroupTransition("init_host", from: [.updating], to: .status(.available))

    /// The volume statuses a volume may be in to join a group (`VALID_ADD_VOL_TO_GROUP_STATUS`).
    public static let volumeMayJoin: Set<VolumeStatus> = [.available, .inUse]
    /// … and to leave it (`VALID_REMOVE_VOL_FROM_GROUP_STATUS`).
    public static let volumeMayLeave: Set<VolumeStatus> = [.available, .inUse, .error, .errorDeleting]
}

extension GroupSnapshotCondition: StatusCondition {
    public init() { self.init(status: nil) }

    public var statuses: Set<GroupSnapshotStatus>? {
        get { status }
        set { status = newValue }
    }

    public func admits(_ status: GroupSnapshotStatus) -> Bool { self.status?.contains(status) ?? true }
}

extension GroupSnapshotUpdate: StatusUpdate {}

/// A group snapshot transition, enforced by a ``GroupSnapshotCondition``.
public typealias GroupSnapshotTransition = Transition<GroupSnapshotStatus, GroupSnapshotCondition, GroupSnapshotUpdate>

/// Every status rule of a group snapshot (`group/api.py`, the volume manager).
public enum GroupSnapshotTransitions {
    /// The backend took every member snapshot: `creating` → `available`.
    public static let created = GroupSnapshotTransition(
        "create_group_snapshot",
        from: [.creating],
        to: .status(.available)
    )
    /// It failed: `creating` → `error`.
    public static let createFailed = GroupSnapshotTransition(
        "create_group_snapshot",
        from: [.creating],
        to: .status(.error)
    )
    /// `delete_group_snapshot`: `available` or `error`, not the source of a group being
    /// created → `deleting`.
    public static let delete = GroupSnapshotTransition(
        "delete_group_snapshot",
        from: [.available, .error],
        to: .status(.deleting),
        guards: GroupSnapshotCondition(notSourceOfCreatingGroup: true)
    )
    /// The backend failed to delete a member: `deleting` → `error`.
    public static let deleteFailed = GroupSnapshotTransition(
        "delete_group_snapshot",
        from: [.deleting],
        to: .status(.error)
    )
    /// `reset_status` (3.19, admins only): any status → the one given.
    public static let resetStatus = GroupSnapshotTransition("reset_status", from: nil, to: .given)
}

/// Every status rule of a snapshot (`volume/api.py`, `volume/manager.py`, `backup/`), as
/// ``VolumeTransitions`` does for volumes.
public enum SnapshotTransitions {
    /// The driver made the snapshot: `creating` → `available`.
    public static let created = SnapshotTransition(
        "create_snapshot",
        from: [.creating],
        to: .status(.available)
    )
    /// The driver failed: `creating` → `error`.
    public static let createFailed = SnapshotTransition(
        "create_snapshot",
        from: [.creating],
        to: .status(.error)
    )

    /// `delete_snapshot`: `available` or `error`, not part of a group snapshot → `deleting`;
    /// with `force` any status.
    public static func delete(force: Bool) -> SnapshotTransition {
        SnapshotTransition(
            "delete_snapshot",
            from: force ? nil : [.available, .error],
            to: .status(.deleting),
            guards: SnapshotCondition(notInGroupSnapshot: true)
        )
    }

    /// What `os-update_snapshot_status` (an assisted snapshot a compute service takes itself)
    /// may set from each status (`snapshot_actions.py`): `creating` may become `creating`,
    /// `available` or `error`; `deleting` may become `deleting` or `error_deleting`.
    public static let statusUpdates: [SnapshotStatus: Set<SnapshotStatus>] = [
        .creating: [.creating, .available, .error],
        .deleting: [.deleting, .errorDeleting],
    ]

    /// `os-update_snapshot_status` from `status` to `next`; nil when cinder refuses it.
    public static func updateStatus(from status: SnapshotStatus, to next: SnapshotStatus) -> SnapshotTransition? {
        guard statusUpdates[status]?.contains(next) == true else { return nil }
        return SnapshotTransition("update_snapshot_status", from: [status], to: .status(next))
    }

    /// The delete cast failed: `deleting` → the status before.
    public static let deleteRolledBack = SnapshotTransition("delete_snapshot", from: [.deleting], to: .given)
    /// The driver failed to delete: `deleting` → `error_deleting`.
    public static let deleteFailed = SnapshotTransition(
        "delete_snapshot",
        from: [.deleting],
        to: .status(.errorDeleting)
    )

    /// A revert reads the snapshot: `available` → `restoring`.
    public static let restore = SnapshotTransition("revert", from: [.available], to: .status(.restoring))
    /// The revert ended (done, failed, cast lost): `restoring` → `available`.
    public static let restored = SnapshotTransition("revert", from: [.restoring], to: .status(.available))

    /// A volume created from a snapshot reads an `available` one; its status stays.
    public static let cloneSource = SnapshotTransition("create_volume", from: [.available], to: .unchanged)

    /// `backup create` from a snapshot: `available` → `backing-up`.
    public static let backup = SnapshotTransition("create_backup", from: [.available], to: .status(.backingUp))
    /// The backup ended (done, failed, no backup host, service restart): `backing-up` → `available`.
    public static let backupEnded = SnapshotTransition(
        "create_backup",
        from: [.backingUp],
        to: .status(.available)
    )

    /// `os-reset_status` (admins only): from any status to the one the admin gives.
    public static let resetStatus = SnapshotTransition("reset_status", from: nil, to: .given)
}

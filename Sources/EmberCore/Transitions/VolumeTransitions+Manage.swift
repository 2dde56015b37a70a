/// Manage and unmanage (`volume/flows/api/manage_existing.py`, `volume/flows/manager/
/// manage_existing.py`, `scheduler/manager.py:manage_existing` and `volume/api.py:delete`
/// with `unmanage_only`): a managed volume's row starts `managing` (shown as `creating`),
/// and unmanaging removes the row but leaves the data on the backend.
extension VolumeTransitions {
    /// The scheduler records the backend that holds the object while the volume is `managing`.
    public static let scheduleManage = VolumeTransition("manage_existing", from: [.managing], to: .unchanged)
    /// The driver adopted the object: `managing` → `available` (with its size).
    public static let managed = VolumeTransition("manage_existing", from: [.managing], to: .status(.available))
    /// No backend, a bad reference or a driver failure: `managing` → `error_managing` (shown
    /// as `error`).
    public static let manageFailed = VolumeTransition(
        "manage_existing",
        from: [.managing],
        to: .status(.errorManaging)
    )

    /// `delete(unmanage_only=True)`: the statuses and guards of a delete without `force` or
    /// `cascade`; the volume goes `unmanaging` (a volume that failed to be managed
    /// `error_managing_deleting`, ``unmanageTarget(from:)``).
    public static let unmanage = VolumeTransition(
        "unmanage",
        from: deletableStatuses,
        to: .status(.unmanaging),
        guards: VolumeCondition(
            attachStatusNotIn: [.attached],
            migrationStatus: VolumeCondition.availableMigrationStatus,
            hasNoSnapshots: true,
            notInGroup: true
        )
    )

    /// Where ``unmanage`` leaves a volume now in `status`.
    public static func unmanageTarget(from status: VolumeStatus) -> VolumeStatus {
        status == .errorManaging ? .errorManagingDeleting : .unmanaging
    }

    /// The backend could not let the volume go (`_clear_db(volume, 'error_unmanaging')`).
    public static let unmanageFailed = VolumeTransition(
        "delete_volume",
        from: [.unmanaging],
        to: .status(.errorUnmanaging)
    )
}

/// Manage and unmanage of snapshots (`volume/api.py:manage_existing_snapshot` and
/// `delete_snapshot` with `unmanage_only`).
extension SnapshotTransitions {
    /// `delete_snapshot(unmanage_only=True)`: `available` or `error`, not in a group snapshot →
    /// `unmanaging`.
    public static let unmanage = SnapshotTransition(
        "unmanage_snapshot",
        from: [.available, .error],
        to: .status(.unmanaging),
        guards: SnapshotCondition(notInGroupSnapshot: true)
    )

    /// The unmanage cast failed: `unmanaging` → the status before.
    public static let unmanageRolledBack = SnapshotTransition("unmanage_snapshot", from: [.unmanaging], to: .given)

    /// The backend could not let the snapshot go: `unmanaging` → `error_deleting` (cinder's
    /// manager writes `error_deleting` whether it deleted or unmanaged).
    public static let unmanageFailed = SnapshotTransition(
        "delete_snapshot",
        from: [.unmanaging],
        to: .status(.errorDeleting)
    )
}

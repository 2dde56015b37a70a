/// Every conditional status rule of a backup (`backup/api.py`, `backup/manager.py`), as
/// ``VolumeTransitions`` does for volumes.
public enum BackupTransitions {
    /// `delete`: `available` or `error`; with `force` any status a live backup has.
    public static func delete(force: Bool) -> BackupTransition {
        BackupTransition(
            "delete",
            from: force ? Set(BackupStatus.allCases).subtracting([.deleted]) : [.available, .error],
            to: .status(.deleting)
        )
    }

    /// `restore`: `available` → `restoring`.
    public static let restore = BackupTransition("restore", from: [.available], to: .status(.restoring))
    /// A restore that ends (done, failed, or the volume was not `available`): `restoring` →
    /// `available`.
    public static let restoreEnded = BackupTransition("restore", from: [.restoring], to: .status(.available))

    /// The backup service deletes a backup the API marked: `deleting` (the row then goes).
    public static let finishDelete = BackupTransition("delete_backup", from: [.deleting], to: .status(.deleted))

    /// The parent of an incremental backup must be `available`; its status stays.
    public static let parentOfIncremental = BackupTransition("create_backup", from: [.available], to: .unchanged)

    /// `export_record`: an `available` backup; its status stays.
    public static let export = BackupTransition("export_record", from: [.available], to: .unchanged)

    /// The driver finished the backup: `creating` → `available`.
    public static let created = BackupTransition("create_backup", from: [.creating], to: .status(.available))

    /// `update_backup_error`: whatever the status, `error` (with the reason alongside).
    public static let failed = BackupTransition("update_backup_error", from: nil, to: .status(.error))

    /// A restore the backup service gives up before it starts (the volume is gone, or in no
    /// status a restore writes into, or the backup was made by another driver): the backup
    /// is `available` again, whatever its status.
    public static let restoreAbandoned = BackupTransition("restore_backup", from: nil, to: .status(.available))

    /// `import_record` finished: the imported row, `creating` since the API inserted it →
    /// `available`.
    public static let imported = BackupTransition("import_record", from: [.creating], to: .status(.available))

    /// `reset_status` (admins, through the backup service): any status → the one given.
    public static let resetStatus = BackupTransition("reset_status", from: nil, to: .given)

    /// The backup service's start-up recovery (`_cleanup_incomplete_backup_operations`): a
    /// backup left in `status` by an interrupted operation goes to `target`.
    public static func recovered(from status: BackupStatus, to target: BackupStatus) -> BackupTransition {
        BackupTransition("init_host", from: [status], to: .status(target))
    }
}

/// Every conditional status rule of a backup (`backup/api.py`, `backup/manager.py`), as
/// ``VolumeTransitions`` does for volumes.
public enum BackupTransitions {
    /// `delete`: `available` or `error`; with `force` any status a live backup has.
    public static func delete(force: Bool) -> BackupTransition {
        .backup(
            "delete",
            from: force ? Set(BackupStatus.allCases).subtracting([.deleted]) : [.available, .error],
            to: .deleting
        )
    }

    /// `restore`: `available` → `restoring`.
    public static let restore = BackupTransition.backup("restore", from: [.available], to: .restoring)
    /// A restore that ends (done, failed, or the volume was not `available`): `restoring` →
    /// `available`.
    public static let restoreEnded = BackupTransition.backup("restore", from: [.restoring], to: .available)

    /// The backup service deletes a backup the API marked: `deleting` (the row then goes).
    public static let finishDelete = BackupTransition.backup("delete_backup", from: [.deleting], to: .deleted)

    /// The parent of an incremental backup must be `available`; its status stays.
    public static let parentOfIncremental = BackupTransition(
        name: "create_backup",
        from: [.available],
        target: .unchanged,
        condition: [.available]
    )

    /// `export_record`: an `available` backup; its status stays.
    public static let export = BackupTransition(
        name: "export_record",
        from: [.available],
        target: .unchanged,
        condition: [.available]
    )

    /// The driver finished the backup: `creating` → `available`.
    public static let created = BackupTransition.backup("create_backup", from: [.creating], to: .available)
}

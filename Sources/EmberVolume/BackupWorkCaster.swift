import EmberCore

/// What the backup API asks the scheduler and the backup services to do: the casts of
/// `cinder/scheduler/rpcapi.py` (`create_backup`) and `cinder/backup/rpcapi.py`.
public protocol BackupWorkCaster: Sendable {
    /// `scheduler_rpcapi.create_backup`: the scheduler picks a backup host, which backs up.
    func createBackup(_ backup: Backup, caller: Identity, requestID: String) async throws
    /// `backup_rpcapi.restore_backup` to `host`.
    func restoreBackup(
        _ backup: Backup,
        host: String,
        volumeID: String,
        volumeIsNew: Bool,
        caller: Identity,
        requestID: String
    ) async throws
    /// `backup_rpcapi.delete_backup` to `host`.
    func deleteBackup(_ backup: Backup, host: String, caller: Identity, requestID: String) async throws
    /// `backup_rpcapi.export_record` (a call) to `host`.
    func exportRecord(_ backup: Backup, host: String, caller: Identity, requestID: String) async throws -> JSONValue
    /// `backup_rpcapi.import_record` to `host`; the other hosts are tried next.
    func importRecord(
        _ backup: Backup,
        host: String,
        backupService: String,
        backupURL: String,
        otherHosts: [String],
        caller: Identity,
        requestID: String
    ) async throws
    /// `backup_rpcapi.reset_status` to `host`.
    func resetStatus(
        _ backup: Backup,
        host: String,
        status: BackupStatus,
        caller: Identity,
        requestID: String
    ) async throws
}

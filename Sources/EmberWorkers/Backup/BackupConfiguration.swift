import EmberCore

/// How the backup service compresses chunks (`backup_compression_algorithm`).
public enum BackupCompression: String, Sendable, Equatable {
    case none
    case zlib
}

/// The backup service's options, with cinder's names and defaults (`cinder/backup/manager.py`,
/// `chunkeddriver.py`, `drivers/posix.py`).
///
/// `[DEFAULT]`:
/// - `backup_driver` (`cinder.backup.drivers.posix.PosixBackupDriver`): only the POSIX
///   driver is available; any other value is refused at start-up.
/// - `backup_posix_path` (`$state_path/backup`): the directory holding the backups.
/// - `backup_container` (unset): the directory under `backup_posix_path` used when a backup
///   names no container; unset means `<id[0:2]>/<id[2:4]>/<id>` per backup.
/// - `backup_file_size` (1999994880, `61035 * 32768`): the largest object a backup is cut
///   into; a multiple of `backup_sha_block_size_bytes`.
/// - `backup_sha_block_size_bytes` (32768): the block an incremental backup compares by
///   SHA-256.
/// - `backup_compression_algorithm` (`zlib`): `zlib` (also `gzip`), or `none` (also `off`, `no`).
/// - `backup_use_same_host` (false): restore and delete on the host that made the backup.
public struct BackupConfiguration: Sendable, Equatable {
    public static let driverName = "cinder.backup.drivers.posix.PosixBackupDriver"

    public var posixPath: String
    public var container: String?
    public var fileSize = 61035 * 32768
    public var shaBlockSize = 32768
    public var compression: BackupCompression = .zlib
    public var useSameHost = false

    public init(posixPath: String) {
        self.posixPath = posixPath
    }

    /// Reads `[DEFAULT]`; `statePath` stands in for `$state_path`.
    public init(files: ConfigFiles, statePath: String) throws(ConfigurationError) {
        self.init(posixPath: statePath + "/backup")
        let driver = files.string("DEFAULT", "backup_driver", default: Self.driverName)
        guard driver == Self.driverName || driver == "cinder.backup.drivers.posix" else {
            throw .invalid(message: "backup_driver \(driver) is not available: Ember has \(Self.driverName) only")
        }
        posixPath = files.string("DEFAULT", "backup_posix_path", default: posixPath)
            .replacingOccurrences(of: "$state_path", with: statePath)
        let container = files.string("DEFAULT", "backup_container", default: "")
        self.container = container.isEmpty ? nil : container
        shaBlockSize = try files.int("DEFAULT", "backup_sha_block_size_bytes", default: shaBlockSize, minimum: 1)
        fileSize = try files.int("DEFAULT", "backup_file_size", default: fileSize, minimum: 1)
        guard fileSize % shaBlockSize == 0 else {
            throw .invalid(message: "backup_file_size must be a multiple of backup_sha_block_size_bytes")
        }
        switch files.string("DEFAULT", "backup_compression_algorithm", default: "zlib").lowercased() {
        case "zlib", "gzip": compression = .zlib
        case "none", "off", "no": compression = .none
        case let other:
            throw .invalid(
                message: "backup_compression_algorithm \(other) is not supported (Ember has zlib and none)"
            )
        }
        useSameHost = try files.bool("DEFAULT", "backup_use_same_host", default: false)
    }
}

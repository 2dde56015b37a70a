import EmberCore
import Foundation
import NIOPosix

/// Where a backup's objects live: its container (a directory under `backup_posix_path`)
/// and its object name prefix (cinder's `service_metadata`).
public struct BackupLocation: Sendable, Equatable {
    public var backupID: String
    public var container: String
    public var prefix: String

    public init(backupID: String, container: String, prefix: String) {
        self.backupID = backupID
        self.container = container
        self.prefix = prefix
    }
}

/// What a backup job needs to know about the backup being made.
public struct BackupJob: Sendable {
    public var backupID: String
    public var volumeID: String
    public var name: String?
    public var description: String?
    public var createdAt: Date
    /// The container the request named, if any.
    public var container: String?
    /// The volume's size in GiB.
    public var sizeGiB: Int
    /// The bytes to back up: `sizeGiB` GiB unless set smaller (tests back up small files).
    public var volumeBytes: Int
    /// The backup an incremental backup builds on, with its size in GiB.
    public var parent: (location: BackupLocation, sizeGiB: Int)?

    public init(
        backupID: String,
        volumeID: String,
        name: String?,
        description: String?,
        createdAt: Date,
        container: String?,
        sizeGiB: Int,
        parent: (location: BackupLocation, sizeGiB: Int)? = nil
    ) {
        self.backupID = backupID
        self.volumeID = volumeID
        self.name = name
        self.description = description
        self.createdAt = createdAt
        self.container = container
        self.sizeGiB = sizeGiB
        self.volumeBytes = sizeGiB * 1024 * 1024 * 1024
        self.parent = parent
    }
}

/// What a finished backup wrote.
public struct BackupOutcome: Sendable, Equatable {
    public var location: BackupLocation
    /// Data objects written (cinder's `object_count`).
    public var objectCount: Int
    /// Bytes read from the volume.
    public var bytesRead: Int
    /// Bytes the data objects take.
    public var bytesStored: Int
}

/// Why a backup operation failed; the message becomes the backup's `fail_reason`.
public struct BackupDriverError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

/// cinder's `PosixBackupDriver` over its `ChunkedBackupDriver`: a backup is a set of files
/// in a container directory under `backup_posix_path`:
///
/// - `<prefix>-00001`, `<prefix>-00002`, …: the data objects, each at most `backup_file_size`
///   bytes of the volume, zlib-compressed unless that does not make it smaller;
/// - `<prefix>_sha256file`: the SHA-256 of every `backup_sha_block_size_bytes` block of the
///   volume (JSON, as cinder writes it);
/// - `<prefix>_metadata`: the object list with offsets, lengths, compression and MD5 (JSON).
///
/// An incremental backup stores only the extents whose SHA-256 blocks differ from its
/// parent's; a restore applies the chain from the full backup up. Every restored block is
/// checked against the SHA-256 list of the backup it came from, so a corrupted object fails
/// the restore instead of writing bad data. All file I/O runs on a NIO thread pool, never on
/// the Swift concurrency pool.
public struct PosixBackupDriver: Sendable {
    public static let driverVersion = "1.0.0"
    public let configuration: BackupConfiguration
    let pool: NIOThreadPool

    public init(configuration: BackupConfiguration, threadPool: NIOThreadPool = .singleton) {
        self.configuration = configuration
        self.pool = threadPool
    }

    /// Creates `backup_posix_path`.
    public func setUp() async throws {
        let path = configuration.posixPath
        try await pool.runIfActive {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
    }

    /// Backs up the volume file at `volumePath` (a full backup, or an incremental one when
    /// `job.parent` is set), reading it at the pace ``CopyLimits/current`` allows.
    public func backup(_ job: BackupJob, volumePath: String) async throws -> BackupOutcome {
        let repository = BackupRepository(configuration: configuration, limits: CopyLimits.current)
        return try await pool.runIfActive { try repository.backup(job, volumePath: volumePath) }
    }

    /// Restores `chain` (the full backup first, the backup asked for last) into the volume
    /// file at `volumePath`. With `volumeIsNew`, zero blocks of the full backup are left as
    /// holes. Writes are paced to ``CopyLimits/current``.
    public func restore(chain: [BackupLocation], volumePath: String, volumeIsNew: Bool) async throws {
        let repository = BackupRepository(configuration: configuration, limits: CopyLimits.current)
        try await pool.runIfActive {
            try repository.restore(chain: chain, volumePath: volumePath, volumeIsNew: volumeIsNew)
        }
    }

    /// Deletes a backup's files (and its container directories once empty).
    public func delete(_ location: BackupLocation) async throws {
        let repository = BackupRepository(configuration: configuration)
        try await pool.runIfActive { try repository.delete(location) }
    }

    /// Whether a backup's metadata file is present (an import checks it).
    public func exists(_ location: BackupLocation) async -> Bool {
        let repository = BackupRepository(configuration: configuration)
        return (try? await pool.runIfActive { try repository.checkMetadata(location) }) != nil
    }
}

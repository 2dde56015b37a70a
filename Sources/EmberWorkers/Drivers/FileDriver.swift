import EmberCore
import Foundation
import NIOPosix

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A driver keeping each volume as a sparse file `volume-<id>` (snapshots `snapshot-<id>`)
/// in one directory: real data for tests and small deployments.
///
/// Snapshots and clones are copies: a reflink (`FICLONE`) where the file system supports it,
/// else a sparse-aware copy that leaves zero blocks as holes. The copies it makes itself
/// (clones, volumes from snapshots, image data) are paced to the back-end QoS limits the
/// manager sets in ``CopyLimits/current``. Every blocking system call runs on NIO's blocking
/// thread pool, never on the Swift concurrency pool.
public struct FileDriver: VolumeDriver {
    /// The directory holding the files.
    public let directory: String
    let pool: NIOThreadPool

    public init(directory: String, threadPool: NIOThreadPool = .singleton) {
        self.directory = directory
        self.pool = threadPool
    }

    /// The path of a volume's file.
    public func volumePath(_ id: String) -> String { directory + "/volume-" + id }
    /// The path of a snapshot's file.
    public func snapshotPath(_ id: String) -> String { directory + "/snapshot-" + id }

    public func setUp() async throws {
        let directory = self.directory
        try await pool.runIfActive {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
    }

    public func createVolume(id: String, size: Int) async throws {
        let path = volumePath(id)
        try await pool.runIfActive { try FileIO.createSparse(path, bytes: Self.bytes(size)) }
    }

    public func createVolume(id: String, size: Int, fromSnapshot snapshotID: String) async throws {
        let source = snapshotPath(snapshotID)
        let target = volumePath(id)
        let limits = CopyLimits.current
        try await pool.runIfActive {
            try FileIO.copy(from: source, to: target, limits: limits)
            try FileIO.grow(target, toBytes: Self.bytes(size))
        }
    }

    public func createVolume(id: String, size: Int, cloneOf sourceID: String) async throws {
        let source = volumePath(sourceID)
        let target = volumePath(id)
        let limits = CopyLimits.current
        try await pool.runIfActive {
            try FileIO.copy(from: source, to: target, limits: limits)
            try FileIO.grow(target, toBytes: Self.bytes(size))
        }
    }

    public func deleteVolume(id: String) async throws {
        let path = volumePath(id)
        try await pool.runIfActive { try FileIO.remove(path) }
    }

    public func extendVolume(id: String, newSize: Int) async throws {
        let path = volumePath(id)
        try await pool.runIfActive { try FileIO.grow(path, toBytes: Self.bytes(newSize)) }
    }

    public func createSnapshot(id: String, volumeID: String) async throws {
        let source = volumePath(volumeID)
        let target = snapshotPath(id)
        try await pool.runIfActive { try FileIO.copy(from: source, to: target) }
    }

    public func deleteSnapshot(id: String) async throws {
        let path = snapshotPath(id)
        try await pool.runIfActive { try FileIO.remove(path) }
    }

    public func revertToSnapshot(volumeID: String, snapshotID: String) async throws {
        let source = snapshotPath(snapshotID)
        let target = volumePath(volumeID)
        try await pool.runIfActive {
            // Copy next to the volume, then rename over it: a failed copy leaves the volume as it was.
            let temporary = target + ".revert"
            try FileIO.copy(from: source, to: temporary)
            guard rename(temporary, target) == 0 else {
                let error = FileIO.errnoError("rename", temporary)
                try? FileIO.remove(temporary)
                throw error
            }
        }
    }

    /// A file has no type-specific layout: every type is served as it is.
    public func retype(volumeID: String, newExtraSpecs: [String: String]) async throws -> Bool {
        guard await volumeExists(id: volumeID) else {
            throw DriverError("Volume file \(volumePath(volumeID)) does not exist")
        }
        return true
    }

    /// Renames `volume-<new>` to `volume-<original>` (as cinder's LVM driver renames its
    /// logical volume), so the original volume keeps its own name and needs no `_name_id`.
    public func updateMigratedVolume(originalID: String, newVolumeID: String) async throws -> String? {
        let source = volumePath(newVolumeID)
        let target = volumePath(originalID)
        try await pool.runIfActive {
            guard rename(source, target) == 0 else { throw FileIO.errnoError("rename", source) }
        }
        return nil
    }

    public func connectionInfo(volumeID: String) async throws -> JSONValue {
        guard await volumeExists(id: volumeID) else {
            throw DriverError("Volume file \(volumePath(volumeID)) does not exist")
        }
        return ["driver_volume_type": "local", "data": ["device_path": .string(volumePath(volumeID))]]
    }

    /// A file volume is named by its id alone and carries nothing of its project, so a
    /// transfer changes nothing here (as cinder's LVM driver, whose `accept_transfer` passes).
    public func acceptTransfer(volumeID: String, newUser: String, newProject: String) async throws -> [VolumeUpdate] {
        []
    }

    public func volumeExists(id: String) async -> Bool {
        let path = volumePath(id)
        return (try? await pool.runIfActive { access(path, F_OK) == 0 }) ?? false
    }

    public func capacity() async throws -> DriverCapacity {
        let directory = self.directory
        return try await pool.runIfActive {
            var info = statvfs()
            guard statvfs(directory, &info) == 0 else { throw FileIO.errnoError("statvfs", directory) }
            let gib = 1024.0 * 1024.0 * 1024.0
            let blockSize = Double(info.f_frsize)
            return DriverCapacity(
                totalGiB: (Double(info.f_blocks) * blockSize / gib * 100).rounded(.down) / 100,
                freeGiB: (Double(info.f_bavail) * blockSize / gib * 100).rounded(.down) / 100
            )
        }
    }

    static func bytes(_ gib: Int) -> Int { gib * 1024 * 1024 * 1024 }
}

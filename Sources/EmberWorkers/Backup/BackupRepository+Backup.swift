import CZlib
import Crypto
import EmberCore
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension BackupRepository {
    // MARK: - Backup

    func backup(_ job: BackupJob, volumePath: String) throws -> BackupOutcome {
        let shaBlock = configuration.shaBlockSize
        guard configuration.fileSize % shaBlock == 0 else {
            throw BackupDriverError("Chunk size is not multiple of block size for creating hash.")
        }
        var parentHashes: [String]?
        if let parent = job.parent {
            let shafile = try readJSON(parent.location, suffix: "_sha256file")
            guard shafile["chunk_size"]?.integerValue == shaBlock else {
                throw BackupDriverError(
                    "Hash block size has changed since the last backup. New hash block size: \(shaBlock). Old hash block size: \(shafile["chunk_size"]?.integerValue ?? 0). Do a full backup."
                )
            }
            guard job.sizeGiB <= parent.sizeGiB else {
                throw BackupDriverError("Volume size increased since the last backup. Do a full backup.")
            }
            parentHashes = shafile["sha256s"]?.itemsValue.compactMap(\.stringValue) ?? []
        }
        guard job.sizeGiB > 0 else { throw BackupDriverError("volume size \(job.sizeGiB) is invalid.") }
        let container = Self.containerName(for: job, configuration: configuration)
        let directory = try directory(container)
        try FileManager.default.createDirectory(
            atPath: directory,
            withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o770]
        )
        let location = BackupLocation(
            backupID: job.backupID,
            container: container,
            prefix: Self.prefix(volumeID: job.volumeID, backupID: job.backupID, now: Date())
        )

        let input = open(volumePath, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw Self.errnoError("open", volumePath) }
        defer { close(input) }
        let volumeBytes = job.volumeBytes

        var hashes: [String] = []
        hashes.reserveCapacity(volumeBytes / shaBlock + 1)
        var objects: [JSONValue] = []
        var bytesStored = 0
        var writer: ObjectWriter?
        var buffer = [UInt8](repeating: 0, count: readSize)
        var throttle = CopyThrottle(limits)
        var written: [String] = []
        var succeeded = false
        defer {
            if !succeeded {
                writer?.abandon()
                for name in written { unlink(directory + "/" + name) }
            }
        }

        func openWriter(offset: Int) throws {
            let name = location.prefix + "-" + String(format: "%05d", objects.count + 1)
            written.append(name)
            writer = try ObjectWriter(
                path: directory + "/" + name,
                name: name,
                offset: offset,
                compression: configuration.compression,
                volume: input
            )
        }
        func closeWriter() throws {
            guard let current = writer else { return }
            writer = nil
            let entry = try current.finish()
            bytesStored += entry.stored
            objects.append(entry.json)
        }

        var chunkStart = 0
        while chunkStart < volumeBytes {
            let chunkEnd = min(chunkStart + configuration.fileSize, volumeBytes)
            var offset = chunkStart
            if parentHashes == nil { try openWriter(offset: chunkStart) }
            while offset < chunkEnd {
                let wanted = min(buffer.count, chunkEnd - offset)
                let count = try Self.readFully(input, into: &buffer, count: wanted, at: offset, path: volumePath)
                guard count > 0 else { break }
                throttle.block(read: count)
                try buffer.withUnsafeBytes { raw in
                    var position = 0
                    while position < count {
                        let length = min(shaBlock, count - position)
                        let block = UnsafeRawBufferPointer(rebasing: raw[position..<(position + length)])
                        let hash = Self.hex(SHA256.hash(data: block))
                        let index = hashes.count
                        hashes.append(hash)
                        if let parentHashes {
                            let changed = index >= parentHashes.count || parentHashes[index] != hash
                            if changed {
                                if writer == nil { try openWriter(offset: offset + position) }
                                try writer!.write(block)
                            } else {
                                try closeWriter()
                            }
                        } else {
                            try writer!.write(block)
                        }
                        position += length
                    }
                }
                offset += count
                if count < wanted { break }
            }
            try closeWriter()
            chunkStart = chunkEnd
        }

        let header: [(String, JSONValue)] = [
            ("version", .string(PosixBackupDriver.driverVersion)),
            ("backup_id", .string(job.backupID)),
            ("volume_id", .string(job.volumeID)),
            ("backup_name", .optional(job.name)),
            ("backup_description", .optional(job.description)),
            ("created_at", .string(Self.pythonDate(job.createdAt))),
        ]
        var shafile = JSONObject(header)
        shafile["chunk_size"] = .int(shaBlock)
        shafile["sha256s"] = .array(hashes.map(JSONValue.string))
        try writeFile(directory + "/" + location.prefix + "_sha256file", Self.pretty(.object(shafile)))
        written.append(location.prefix + "_sha256file")
        var metadata = JSONObject(header)
        metadata["objects"] = .array(objects)
        metadata["parent_id"] = .optional(job.parent?.location.backupID)
        metadata["volume_meta"] = .null
        try writeFile(directory + "/" + location.prefix + "_metadata", Self.pretty(.object(metadata)))
        succeeded = true
        return BackupOutcome(
            location: location,
            objectCount: objects.count,
            bytesRead: volumeBytes,
            bytesStored: bytesStored
        )
    }
}

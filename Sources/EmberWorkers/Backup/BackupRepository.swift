import CZlib
import Crypto
import EmberCore
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The blocking side of ``PosixBackupDriver``: cinder's chunked-driver algorithm over POSIX
/// files. Call it only from a blocking thread pool.
struct BackupRepository: Sendable {
    let configuration: BackupConfiguration
    /// Bytes read from the volume per system call: a whole number of SHA blocks near 1 MiB.
    var readSize: Int { configuration.shaBlockSize * max(1, (1 << 20) / configuration.shaBlockSize) }

    static func containerName(for job: BackupJob, configuration: BackupConfiguration) -> String {
        if let container = job.container, !container.isEmpty { return container }
        if let container = configuration.container { return container }
        let id = Array(job.backupID)
        guard id.count >= 4 else { return job.backupID }
        return String(id[0..<2]) + "/" + String(id[2..<4]) + "/" + job.backupID
    }

    /// The directory of a container; containers may not leave `backup_posix_path`.
    func directory(_ container: String) throws -> String {
        let parts = container.split(separator: "/", omittingEmptySubsequences: true)
        guard !container.hasPrefix("/"), !parts.isEmpty, !parts.contains(where: { $0 == ".." || $0 == "." })
        else { throw BackupDriverError("Invalid container name \(container).") }
        return configuration.posixPath + "/" + parts.joined(separator: "/")
    }

    static func prefix(volumeID: String, backupID: String, now: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: now)
        let stamp = String(
            format: "%04d%02d%02d%02d%02d%02d",
            parts.year ?? 0,
            parts.month ?? 0,
            parts.day ?? 0,
            parts.hour ?? 0,
            parts.minute ?? 0,
            parts.second ?? 0
        )
        return "volume_\(volumeID)_\(stamp)_backup_\(backupID)"
    }

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

    // MARK: - Restore

    func restore(chain: [BackupLocation], volumePath: String, volumeIsNew: Bool) throws {
        guard !chain.isEmpty else { throw BackupDriverError("Nothing to restore.") }
        let output = open(volumePath, O_WRONLY | O_CLOEXEC)
        guard output >= 0 else { throw Self.errnoError("open", volumePath) }
        defer { close(output) }
        for (index, layer) in chain.enumerated() {
            try restoreLayer(layer, output: output, volumePath: volumePath, skipZeros: volumeIsNew && index == 0)
        }
        guard fsync(output) == 0 else { throw Self.errnoError("fsync", volumePath) }
    }

    private func restoreLayer(_ layer: BackupLocation, output: Int32, volumePath: String, skipZeros: Bool) throws {
        let metadata = try readJSON(layer, suffix: "_metadata")
        guard let version = metadata["version"]?.stringValue, version == PosixBackupDriver.driverVersion else {
            throw BackupDriverError(
                "No support to restore backup version \(metadata["version"]?.stringValue ?? "None")"
            )
        }
        let shafile = try readJSON(layer, suffix: "_sha256file")
        let hashes = shafile["sha256s"]?.itemsValue.compactMap(\.stringValue) ?? []
        let shaBlock = shafile["chunk_size"]?.integerValue ?? configuration.shaBlockSize
        let entries = metadata["objects"]?.itemsValue ?? []
        let directory = try directory(layer.container)
        let listed = try listObjects(directory: directory, prefix: layer.prefix)
            .filter { $0 != layer.prefix + "_metadata" && $0 != layer.prefix + "_sha256file" }
        let named = entries.compactMap { $0.objectValue?.keys.first }
        guard listed.sorted() == named.sorted() else {
            throw BackupDriverError(
                "restore_backup aborted, actual object list does not match object list stored in metadata."
            )
        }
        for entry in entries {
            guard let (name, info) = entry.objectValue?.entries.first,
                let offset = info["offset"]?.integerValue, let length = info["length"]?.integerValue
            else { throw BackupDriverError("restore_backup aborted, malformed object entry in metadata.") }
            guard offset % shaBlock == 0 else {
                throw BackupDriverError("Object \(name) does not start on a hash block boundary.")
            }
            try restoreObject(
                path: directory + "/" + name,
                name: name,
                offset: offset,
                length: length,
                compression: info["compression"]?.stringValue ?? "none",
                md5: info["md5"]?.stringValue,
                hashes: hashes,
                shaBlock: shaBlock,
                output: output,
                volumePath: volumePath,
                skipZeros: skipZeros
            )
        }
    }

    private func restoreObject(
        path: String,
        name: String,
        offset: Int,
        length: Int,
        compression: String,
        md5 expectedMD5: String?,
        hashes: [String],
        shaBlock: Int,
        output: Int32,
        volumePath: String,
        skipZeros: Bool
    ) throws {
        let input = open(path, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw Self.errnoError("open", path) }
        defer { close(input) }
        let inflater: ZlibStream?
        switch compression {
        case "zlib": inflater = try ZlibStream(.inflate)
        case "none": inflater = nil
        default: throw BackupDriverError("Unsupported compression algorithm: \(compression)")
        }
        var md5 = Insecure.MD5()
        var pending = [UInt8]()
        pending.reserveCapacity(shaBlock * 2)
        var position = offset
        var produced = 0

        func flushBlocks(final: Bool) throws {
            var start = 0
            while pending.count - start >= shaBlock || (final && start < pending.count) {
                let size = min(shaBlock, pending.count - start)
                try pending.withUnsafeBytes { raw in
                    let block = UnsafeRawBufferPointer(rebasing: raw[start..<(start + size)])
                    let index = position / shaBlock
                    guard index < hashes.count, Self.hex(SHA256.hash(data: block)) == hashes[index] else {
                        throw BackupDriverError(
                            "Backup object \(name) is corrupt: the SHA-256 of the block at offset \(position) does not match the backup's sha256file."
                        )
                    }
                    if !(skipZeros && block.allSatisfy { $0 == 0 }) {
                        try Self.writeFully(output, block, at: position, path: volumePath)
                    }
                }
                position += size
                start += size
            }
            pending.removeFirst(start)
        }
        func accept(_ data: UnsafeRawBufferPointer) throws {
            produced += data.count
            guard produced <= length else {
                throw BackupDriverError("Backup object \(name) holds more data than its metadata says.")
            }
            md5.update(data: data)
            pending.append(contentsOf: data)
            if pending.count >= shaBlock { try flushBlocks(final: false) }
        }

        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var fileOffset = 0
        while true {
            let count = try Self.readFully(input, into: &buffer, count: buffer.count, at: fileOffset, path: path)
            let last = count < buffer.count
            try buffer.withUnsafeBytes { raw in
                let piece = UnsafeRawBufferPointer(rebasing: raw[0..<count])
                if let inflater {
                    try inflater.process(piece, finish: last) { try accept($0) }
                } else {
                    try accept(piece)
                }
            }
            fileOffset += count
            if last { break }
        }
        try flushBlocks(final: true)
        if let inflater, !inflater.isFinished {
            throw BackupDriverError("Backup object \(name) is corrupt: the zlib stream is truncated.")
        }
        guard produced == length else {
            throw BackupDriverError("Backup object \(name) holds \(produced) bytes; its metadata says \(length).")
        }
        if let expectedMD5, Self.hex(md5.finalize()) != expectedMD5 {
            throw BackupDriverError("Backup object \(name) is corrupt: its MD5 does not match the metadata.")
        }
    }

    // MARK: - Delete

    func delete(_ location: BackupLocation) throws {
        let directory = try directory(location.container)
        guard access(directory, F_OK) == 0 else { return }
        for name in try listObjects(directory: directory, prefix: location.prefix) {
            let path = directory + "/" + name
            guard unlink(path) == 0 || errno == ENOENT else { throw Self.errnoError("unlink", path) }
        }
        // Remove the container's directories while they are empty (never the root).
        var current = directory
        while current.count > configuration.posixPath.count, rmdir(current) == 0 {
            current = String(current[..<(current.lastIndex(of: "/") ?? current.startIndex)])
        }
    }

    func checkMetadata(_ location: BackupLocation) throws {
        _ = try readJSON(location, suffix: "_metadata")
    }

    // MARK: - Files

    func listObjects(directory: String, prefix: String) throws -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasPrefix(prefix) }
        } catch {
            throw BackupDriverError("Cannot list backup container \(directory): \(error.localizedDescription)")
        }
    }

    func readJSON(_ location: BackupLocation, suffix: String) throws -> JSONValue {
        let path = try directory(location.container) + "/" + location.prefix + suffix
        guard let data = FileManager.default.contents(atPath: path) else {
            throw BackupDriverError("Backup file \(location.prefix + suffix) is missing.")
        }
        do {
            return try JSONValue.parse(Array(data))
        } catch {
            throw BackupDriverError("Backup file \(location.prefix + suffix) is not valid JSON.")
        }
    }

    func writeFile(_ path: String, _ text: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o660)
        guard fd >= 0 else { throw Self.errnoError("create", path) }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        try bytes.withUnsafeBytes { try Self.writeFully(fd, $0, at: 0, path: path) }
        guard fsync(fd) == 0 else { throw Self.errnoError("fsync", path) }
    }

    static func readFully(
        _ fd: Int32,
        into buffer: inout [UInt8],
        count: Int,
        at offset: Int,
        path: String
    ) throws
        -> Int
    {
        var total = 0
        while total < count {
            let result = buffer.withUnsafeMutableBytes {
                pread(fd, $0.baseAddress! + total, count - total, off_t(offset + total))
            }
            if result < 0 {
                if errno == EINTR { continue }
                throw errnoError("read", path)
            }
            if result == 0 { break }
            total += result
        }
        return total
    }

    static func writeFully(_ fd: Int32, _ data: UnsafeRawBufferPointer, at offset: Int, path: String) throws {
        var done = 0
        while done < data.count {
            let result = pwrite(fd, data.baseAddress! + done, data.count - done, off_t(offset + done))
            if result < 0 {
                if errno == EINTR { continue }
                throw errnoError("write", path)
            }
            done += result
        }
    }

    static func errnoError(_ operation: String, _ path: String) -> BackupDriverError {
        let code = errno
        return BackupDriverError("\(operation) \(path) failed: \(String(cString: strerror(code))) (errno \(code))")
    }

    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Python's `str(datetime)`: `2026-11-29 17:04:02.123456` (microseconds only when non-zero).
    static func pythonDate(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .nanosecond], from: date)
        var text = String(
            format: "%04d-%02d-%02d %02d:%02d:%02d",
            parts.year ?? 0,
            parts.month ?? 0,
            parts.day ?? 0,
            parts.hour ?? 0,
            parts.minute ?? 0,
            parts.second ?? 0
        )
        let micro = (parts.nanosecond ?? 0) / 1000
        if micro != 0 { text += String(format: ".%06d", micro) }
        return text
    }

    /// `json.dumps(value, sort_keys=True, indent=2)`.
    static func pretty(_ value: JSONValue, indent: Int = 0) -> String {
        let pad = String(repeating: " ", count: indent + 2)
        let close = String(repeating: " ", count: indent)
        switch value {
        case .array(let items):
            guard !items.isEmpty else { return "[]" }
            return "[\n" + items.map { pad + pretty($0, indent: indent + 2) }.joined(separator: ",\n") + "\n" + close
                + "]"
        case .object(let object):
            guard !object.isEmpty else { return "{}" }
            let lines = object.entries.sorted { $0.key < $1.key }.map {
                pad + JSONValue.string($0.key).serialized() + ": " + pretty($0.value, indent: indent + 2)
            }
            return "{\n" + lines.joined(separator: ",\n") + "\n" + close + "}"
        default:
            return value.serialized()
        }
    }
}

/// One data object being written: compressed on the fly (zlib level 1, `Z_BEST_SPEED`: the
/// same format cinder writes and reads, at several times the speed of the default level 6),
/// MD5 of the raw data. When
/// compression does not make the object smaller it is rewritten uncompressed from the
/// volume, as cinder stores such chunks with `compression: "none"`.
final class ObjectWriter {
    let path: String
    let name: String
    let offset: Int
    let volume: Int32
    private let fd: Int32
    private var deflater: ZlibStream?
    private var md5 = Insecure.MD5()
    private var length = 0
    private var stored = 0
    /// Compression was given up: the object is written raw at the end.
    private var incompressible = false

    init(path: String, name: String, offset: Int, compression: BackupCompression, volume: Int32) throws {
        self.path = path
        self.name = name
        self.offset = offset
        self.volume = volume
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o660)
        guard fd >= 0 else { throw BackupRepository.errnoError("create", path) }
        if compression == .zlib {
            do {
                deflater = try ZlibStream(.deflate, level: Z_BEST_SPEED)
            } catch {
                close(fd)
                throw error
            }
        }
    }

    deinit { close(fd) }

    func write(_ data: UnsafeRawBufferPointer) throws {
        md5.update(data: data)
        length += data.count
        if incompressible { return }
        if let deflater {
            try deflater.process(data, finish: false) { try emit($0) }
            // Data that has not shrunk after 8 MiB will not: stop compressing; `finish`
            // writes the raw bytes (what cinder keeps for such chunks).
            if length >= 8 << 20 && stored >= length - length / 64 { incompressible = true }
        } else {
            try emit(data)
        }
    }

    private func emit(_ data: UnsafeRawBufferPointer) throws {
        try BackupRepository.writeFully(fd, data, at: stored, path: path)
        stored += data.count
    }

    /// Ends the object; returns its metadata entry and the bytes it takes.
    func finish() throws -> (json: JSONValue, stored: Int) {
        var algorithm = "none"
        if incompressible {
            try rewriteRaw()
        } else if let deflater {
            try deflater.process(UnsafeRawBufferPointer(start: nil, count: 0), finish: true) { try emit($0) }
            if stored >= length {
                try rewriteRaw()
            } else {
                algorithm = "zlib"
            }
        }
        guard fsync(fd) == 0 else { throw BackupRepository.errnoError("fsync", path) }
        let entry: JSONValue = [
            name: [
                "offset": .int(offset), "length": .int(length), "compression": .string(algorithm),
                "md5": .string(BackupRepository.hex(md5.finalize())),
            ]
        ]
        return (entry, stored)
    }

    /// Replaces the compressed bytes by the raw ones, read again from the volume.
    private func rewriteRaw() throws {
        guard ftruncate(fd, 0) == 0 else { throw BackupRepository.errnoError("ftruncate", path) }
        stored = 0
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var done = 0
        while done < length {
            let wanted = min(buffer.count, length - done)
            let count = try BackupRepository.readFully(
                volume,
                into: &buffer,
                count: wanted,
                at: offset + done,
                path: path
            )
            guard count == wanted else { throw BackupDriverError("The volume changed size during the backup.") }
            try buffer.withUnsafeBytes { try emit(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
            done += count
        }
    }

    /// Drops a half-written object.
    func abandon() {
        unlink(path)
    }
}

extension JSONValue {
    /// The integer, if this is one.
    var integerValue: Int? {
        if case .int(let value) = self { return value }
        return nil
    }

    /// The elements, if this is an array; else none.
    var itemsValue: [JSONValue] {
        if case .array(let values) = self { return values }
        return []
    }
}

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
    // MARK: - Restore

    func restore(chain: [BackupLocation], volumePath: String, volumeIsNew: Bool) throws {
        guard !chain.isEmpty else { throw BackupDriverError("Nothing to restore.") }
        let output = open(volumePath, O_WRONLY | O_CLOEXEC)
        guard output >= 0 else { throw Self.errnoError("open", volumePath) }
        defer { close(output) }
        var throttle = CopyThrottle(limits)
        for (index, layer) in chain.enumerated() {
            try restoreLayer(
                layer,
                output: output,
                volumePath: volumePath,
                skipZeros: volumeIsNew && index == 0,
                throttle: &throttle
            )
        }
        guard fsync(output) == 0 else { throw Self.errnoError("fsync", volumePath) }
    }

    private func restoreLayer(
        _ layer: BackupLocation,
        output: Int32,
        volumePath: String,
        skipZeros: Bool,
        throttle: inout CopyThrottle
    ) throws {
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
                skipZeros: skipZeros,
                throttle: &throttle
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
        skipZeros: Bool,
        throttle: inout CopyThrottle
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
                        throttle.block(wrote: size)
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
}

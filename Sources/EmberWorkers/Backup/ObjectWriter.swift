import CZlib
import Crypto
import EmberCore
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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

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
        let stamp = utcStamp(date, format: "%04d-%02d-%02d %02d:%02d:%02d")
        guard stamp.microseconds != 0 else { return stamp.text }
        return stamp.text + String(format: ".%06d", stamp.microseconds)
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

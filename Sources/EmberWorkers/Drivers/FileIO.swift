import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Blocking file operations of the file driver. Call them only from a blocking thread pool.
enum FileIO {
    /// `FICLONE` (`_IOW(0x94, 9, int)`): share the source's extents (btrfs, XFS with reflink).
    static let ficlone: UInt = 0x4004_9409
    static let chunk = 1 << 20
    /// `lseek` whences for sparse files (Linux values; Glibc hides them behind `_GNU_SOURCE`).
    static let seekData: Int32 = 3

    static func errnoError(_ operation: String, _ path: String) -> DriverError {
        let code = errno
        return DriverError("\(operation) \(path) failed: \(String(cString: strerror(code))) (errno \(code))")
    }

    /// Creates a file of `bytes` bytes that uses no blocks; an existing file (a redelivered
    /// create) is only grown.
    static func createSparse(_ path: String, bytes: Int) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw errnoError("create", path) }
        close(fd)
        try grow(path, toBytes: bytes)
    }

    /// Grows a file to `bytes` (never shrinks it).
    static func grow(_ path: String, toBytes bytes: Int) throws {
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { throw errnoError("open", path) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw errnoError("stat", path) }
        if Int(info.st_size) < bytes {
            guard ftruncate(fd, off_t(bytes)) == 0 else { throw errnoError("ftruncate", path) }
        }
    }

    /// Removes a file; one that does not exist is fine.
    static func remove(_ path: String) throws {
        guard unlink(path) == 0 || errno == ENOENT else { throw errnoError("unlink", path) }
    }

    /// Copies `source` to a new file `target`: a reflink if possible, else block by block,
    /// leaving all-zero blocks as holes, paced to `limits` (a reflink moves no data and is not
    /// paced). The copy is synced before it is returned.
    static func copy(from source: String, to target: String, limits: CopyLimits = .none) throws {
        let input = open(source, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw errnoError("open", source) }
        defer { close(input) }
        let output = open(target, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard output >= 0 else { throw errnoError("create", target) }
        var done = false
        defer {
            close(output)
            if !done { unlink(target) }
        }
        var info = stat()
        guard fstat(input, &info) == 0 else { throw errnoError("stat", source) }
        let size = Int(info.st_size)
        if ioctl(output, ficlone, input) != 0 {
            try copyBlocks(input: input, output: output, size: size, source: source, target: target, limits: limits)
        }
        guard fsync(output) == 0 else { throw errnoError("fsync", target) }
        done = true
    }

    /// Copies the first `bytes` bytes of `source` into the existing, freshly created (all
    /// zero) `target`: cinder's sparse `copy_volume` between two attached volumes. Zero blocks
    /// are skipped, so holes stay holes; the copy is paced to `limits`. The target is synced
    /// before it returns.
    static func copyInto(from source: String, to target: String, bytes: Int, limits: CopyLimits = .none) throws {
        let input = open(source, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw errnoError("open", source) }
        defer { close(input) }
        let output = open(target, O_WRONLY | O_CLOEXEC)
        guard output >= 0 else { throw errnoError("open", target) }
        defer { close(output) }
        var info = stat()
        guard fstat(input, &info) == 0 else { throw errnoError("stat", source) }
        try copyBlocks(
            input: input,
            output: output,
            size: min(bytes, Int(info.st_size)),
            source: source,
            target: target,
            limits: limits
        )
        guard fsync(output) == 0 else { throw errnoError("fsync", target) }
    }

    private static func copyBlocks(
        input: Int32,
        output: Int32,
        size: Int,
        source: String,
        target: String,
        limits: CopyLimits
    ) throws {
        var throttle = CopyThrottle(limits)
        var buffer = [UInt8](repeating: 0, count: chunk)
        var offset = 0
        while offset < size {
            // Skip holes where the file system can tell where data is.
            let data = lseek(input, off_t(offset), seekData)
            if data < 0 && errno == ENXIO { break }
            if data > offset { offset = Int(data) }
            if offset >= size { break }
            let wanted = min(chunk, size - offset)
            let count = buffer.withUnsafeMutableBytes { pread(input, $0.baseAddress, wanted, off_t(offset)) }
            guard count >= 0 else { throw errnoError("read", source) }
            if count == 0 { break }
            throttle.block(read: count)
            let isZero = buffer.withUnsafeBytes { bytes in bytes.prefix(count).allSatisfy { $0 == 0 } }
            if !isZero {
                var written = 0
                while written < count {
                    let result = buffer.withUnsafeBytes {
                        pwrite(output, $0.baseAddress! + written, count - written, off_t(offset + written))
                    }
                    guard result > 0 else { throw errnoError("write", target) }
                    written += result
                }
                throttle.block(wrote: count)
            }
            offset += count
        }
        guard ftruncate(output, off_t(size)) == 0 else { throw errnoError("ftruncate", target) }
    }
}

extension FileIO {
    /// Creates (or truncates) `path` for writing; returns the descriptor.
    static func openForWriting(_ path: String) throws -> Int32 {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw errnoError("create", path) }
        return fd
    }

    /// Opens `path` for reading; returns the descriptor and the file's size.
    static func openForReading(_ path: String) throws -> (Int32, Int) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw errnoError("open", path) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            close(fd)
            throw errnoError("stat", path)
        }
        return (fd, Int(info.st_size))
    }

    /// Writes `block` at `offset`; an all-zero block is skipped (it stays a hole of the sparse
    /// file, which reads as zeros).
    static func writeBlock(_ fd: Int32, _ block: ByteBuffer, at offset: Int, path: String) throws {
        try block.withUnsafeReadableBytes { bytes in
            if bytes.allSatisfy({ $0 == 0 }) { return }
            var written = 0
            while written < bytes.count {
                let result = pwrite(fd, bytes.baseAddress! + written, bytes.count - written, off_t(offset + written))
                guard result > 0 else { throw errnoError("write", path) }
                written += result
            }
        }
    }

    /// Reads `count` bytes at `offset` (fewer only at the end of the file).
    static func readBlock(_ fd: Int32, count: Int, at offset: Int, path: String) throws -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: count)
        var total = 0
        while total < count {
            let read = try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: count - total) { target in
                let result = pread(fd, target.baseAddress, count - total, off_t(offset + total))
                guard result >= 0 else { throw errnoError("read", path) }
                return result
            }
            if read == 0 { break }
            total += read
        }
        return buffer
    }

    /// `fsync`s a file by path.
    static func sync(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw errnoError("open", path) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw errnoError("fsync", path) }
    }
}

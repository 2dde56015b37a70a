import CZlib

/// zlib streams (RFC 1950, what Python's `zlib.compress` writes and cinder's chunked driver
/// stores with `compression: "zlib"`). Blocking, single-threaded: use them only inside one
/// thread-pool job.
final class ZlibStream {
    enum Mode {
        case deflate
        case inflate
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private var stream = z_stream()
    private let mode: Mode
    private var finished = false
    private var output = [UInt8](repeating: 0, count: 1 << 18)

    init(_ mode: Mode, level: Int32 = Z_DEFAULT_COMPRESSION) throws {
        self.mode = mode
        let status =
            switch mode {
            case .deflate: ember_deflate_init(&stream, level)
            case .inflate: ember_inflate_init(&stream)
            }
        guard status == Z_OK else { throw Failure(description: "zlib init failed (\(status))") }
    }

    deinit {
        switch mode {
        case .deflate: deflateEnd(&stream)
        case .inflate: inflateEnd(&stream)
        }
    }

    /// Feeds `input`; `emit` receives every produced piece. `finish` ends the stream
    /// (deflate) or checks it ended (inflate).
    func process(
        _ input: UnsafeRawBufferPointer,
        finish: Bool,
        emit: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        let base = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.next_in = base
        stream.avail_in = uInt(input.count)
        let capacity = output.count
        while true {
            let (status, produced): (Int32, Int) = output.withUnsafeMutableBytes { buffer in
                stream.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.avail_out = uInt(capacity)
                let status =
                    switch mode {
                    case .deflate: deflate(&stream, finish ? Z_FINISH : Z_NO_FLUSH)
                    case .inflate: inflate(&stream, Z_NO_FLUSH)
                    }
                return (status, capacity - Int(stream.avail_out))
            }
            if produced > 0 {
                try output.withUnsafeBytes { try emit(UnsafeRawBufferPointer(rebasing: $0[0..<produced])) }
            }
            switch status {
            case Z_STREAM_END:
                finished = true
                if mode == .inflate && stream.avail_in > 0 {
                    throw Failure(description: "zlib data continues after the end of the stream")
                }
                return
            case Z_OK:
                break
            case Z_BUF_ERROR:
                // No progress possible: all input consumed and output flushed.
                if stream.avail_in == 0 && produced == 0 {
                    if finish && mode == .inflate && !finished {
                        throw Failure(description: "zlib stream is truncated")
                    }
                    return
                }
            default:
                throw Failure(description: "zlib error \(status)")
            }
            if stream.avail_in == 0 && stream.avail_out > 0 && !finish { return }
        }
    }

    /// Whether an inflate stream reached its end.
    var isFinished: Bool { finished }
}

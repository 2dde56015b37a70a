import EmberCore
import Foundation
import Logging

/// oslo.log's line format for swift-log:
/// `2026-11-29 13:27:15.123 4294 INFO ember.api [req-…] Started osapi_volume on 0.0.0.0:8776 key=value`.
///
/// The level comes from ``LogLevels``: the process default (``EmberLogLevel``, which SIGHUP
/// changes with `debug = true`) unless `set-log` set one for the logger's label prefix.
public struct EmberLogHandler: LogHandler {
    public let label: String
    public var metadata: Logger.Metadata = [:]
    let output: LogOutput

    public init(label: String, output: LogOutput) {
        self.label = label
        self.output = output
    }

    public var logLevel: Logger.Level {
        get { LogLevels.level(for: label) }
        set {}
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        let requestID = merged.removeValue(forKey: "request.id").map { "\($0)" } ?? "-"
        merged.removeValue(forKey: "hb.request.id")
        let fields = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let line =
            "\(Self.timestamp()) \(Self.pid) \(Self.levelName(event.level)) \(label) [\(requestID)] \(event.message)"
            + (fields.isEmpty ? "" : " " + fields) + "\n"
        output.write(line)
    }

    static let pid = ProcessInfo.processInfo.processIdentifier

    static func levelName(_ level: Logger.Level) -> String {
        LogLevels.name(of: level)
    }

    static func timestamp() -> String {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        var seconds = time_t(time.tv_sec)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let millis = Int(time.tv_nsec / 1_000_000)
        // `YYYY-MM-DD HH:MM:SS.mmm`, written digit by digit: this runs for every log line (one
        // per request), where string padding and interpolation showed in the benchmark.
        return String(unsafeUninitializedCapacity: 23) { buffer in
            func put(_ value: Int, _ width: Int, at offset: Int) {
                var value = value
                for index in stride(from: offset + width - 1, through: offset, by: -1) {
                    buffer[index] = UInt8(ascii: "0") + UInt8(value % 10)
                    value /= 10
                }
            }
            put(Int(parts.tm_year) + 1900, 4, at: 0)
            buffer[4] = UInt8(ascii: "-")
            put(Int(parts.tm_mon) + 1, 2, at: 5)
            buffer[7] = UInt8(ascii: "-")
            put(Int(parts.tm_mday), 2, at: 8)
            buffer[10] = UInt8(ascii: " ")
            put(Int(parts.tm_hour), 2, at: 11)
            buffer[13] = UInt8(ascii: ":")
            put(Int(parts.tm_min), 2, at: 14)
            buffer[16] = UInt8(ascii: ":")
            put(Int(parts.tm_sec), 2, at: 17)
            buffer[19] = UInt8(ascii: ".")
            put(millis, 3, at: 20)
            return 23
        }
    }
}

/// The process-wide default log level, `info` unless `[DEFAULT] debug = true`
/// (``LogLevels/defaultLevel``; a `set-log` rule overrides it for its prefix).
public enum EmberLogLevel {
    public static var current: Logger.Level {
        get { LogLevels.defaultLevel }
        set { LogLevels.defaultLevel = newValue }
    }

    /// Applies `[DEFAULT] debug`.
    public static func apply(_ logging: LoggingConfiguration) {
        current = logging.debug ? .debug : .info
    }
}

/// Where log lines go: standard error, or a file opened for appending. Each line is one
/// `write(2)` of the whole line, without a lock: the kernel keeps a write to a file opened
/// with `O_APPEND` (or to a pipe, up to `PIPE_BUF`) in one piece, so lines from concurrent
/// requests never interleave.
public final class LogOutput: Sendable {
    private let descriptor: Int32

    public init(path: String?) throws {
        guard let path else {
            descriptor = STDERR_FILENO
            return
        }
        let opened = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o640)
        guard opened >= 0 else {
            throw ConfigurationError.invalid(
                message: "Cannot open log file \(path) for writing: \(String(cString: strerror(errno)))"
            )
        }
        descriptor = opened
    }

    func write(_ line: String) {
        var line = line
        line.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }

    /// Routes swift-log through Ember's handler. Call once, before any logger is made.
    public static func bootstrap(_ logging: LoggingConfiguration, binary: String) throws {
        let output = try LogOutput(path: logging.destination(binary: binary))
        EmberLogLevel.apply(logging)
        LoggingSystem.bootstrap { label in
            LogLevels.register(label)
            return EmberLogHandler(label: label, output: output)
        }
    }
}

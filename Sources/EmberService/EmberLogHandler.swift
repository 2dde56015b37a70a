import EmberCore
import Foundation
import Logging
import Synchronization

/// oslo.log's line format for swift-log:
/// `2026-11-29 13:27:15.123 4294 INFO ember.api [req-…] Started osapi_volume on 0.0.0.0:8776 key=value`.
///
/// The level lives in one shared ``EmberLogLevel`` so SIGHUP can change it (`debug = true`)
/// for every logger at once, without restarting.
public struct EmberLogHandler: LogHandler {
    public let label: String
    public var metadata: Logger.Metadata = [:]
    let output: LogOutput

    public init(label: String, output: LogOutput) {
        self.label = label
        self.output = output
    }

    public var logLevel: Logger.Level {
        get { EmberLogLevel.current }
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
            "\(Self.timestamp()) \(ProcessInfo.processInfo.processIdentifier) \(Self.levelName(event.level)) \(label) [\(requestID)] \(event.message)"
            + (fields.isEmpty ? "" : " " + fields) + "\n"
        output.write(line)
    }

    static func levelName(_ level: Logger.Level) -> String {
        switch level {
        case .trace, .debug: "DEBUG"
        case .info, .notice: "INFO"
        case .warning: "WARNING"
        case .error: "ERROR"
        case .critical: "CRITICAL"
        }
    }

    static func timestamp() -> String {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        var seconds = time_t(time.tv_sec)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let millis = Int(time.tv_nsec / 1_000_000)
        func pad(_ value: Int32, _ width: Int = 2) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(parts.tm_year + 1900)-\(pad(parts.tm_mon + 1))-\(pad(parts.tm_mday)) "
            + "\(pad(parts.tm_hour)):\(pad(parts.tm_min)):\(pad(parts.tm_sec)).\(pad(Int32(millis), 3))"
    }
}

/// The process-wide log level, `info` unless `[DEFAULT] debug = true`.
public enum EmberLogLevel {
    private static let level = Mutex<Logger.Level>(.info)

    public static var current: Logger.Level {
        get { level.withLock { $0 } }
        set { level.withLock { $0 = newValue } }
    }

    /// Applies `[DEFAULT] debug`.
    public static func apply(_ logging: LoggingConfiguration) {
        current = logging.debug ? .debug : .info
    }
}

/// Where log lines go: standard error, or a file opened for appending.
public final class LogOutput: Sendable {
    private let handle: Mutex<FileHandle>

    public init(path: String?) throws {
        guard let path else {
            handle = Mutex(FileHandle.standardError)
            return
        }
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw ConfigurationError.invalid(message: "Cannot create log file \(path)")
            }
        }
        guard let file = FileHandle(forWritingAtPath: path) else {
            throw ConfigurationError.invalid(message: "Cannot open log file \(path) for writing")
        }
        file.seekToEndOfFile()
        handle = Mutex(file)
    }

    func write(_ line: String) {
        handle.withLock { $0.write(Data(line.utf8)) }
    }

    /// Routes swift-log through Ember's handler. Call once, before any logger is made.
    public static func bootstrap(_ logging: LoggingConfiguration, binary: String) throws {
        let output = try LogOutput(path: logging.destination(binary: binary))
        EmberLogLevel.apply(logging)
        LoggingSystem.bootstrap { label in EmberLogHandler(label: label, output: output) }
    }
}

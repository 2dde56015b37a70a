import Logging
import Synchronization

/// The log levels of this process's loggers, as cinder's `utils.set_log_levels` and
/// `get_log_levels` change and read them (`PUT /os-services/set-log`, `get-log`, API 3.32).
///
/// Every logger label made through the process's logging system is recorded
/// (``register(_:)``). A level set for a prefix applies at once to every recorded label that
/// starts with it, and to labels made later (the newest rule that matches wins), as a level
/// set on a Python logger applies to the loggers below it. Labels with no rule log at
/// ``defaultLevel`` (`info`, `debug` with `[DEFAULT] debug = true`).
///
/// The log handler reads ``level(for:)`` on every log call: with no rule set that is one
/// atomic load; with rules, one dictionary lookup under a lock.
public enum LogLevels {
    /// cinder's `utils.LOG_LEVELS`: the level names `set-log` accepts (any case).
    public static let names = ["INFO", "WARNING", "ERROR", "DEBUG"]

    private struct State {
        var labels: Set<String> = []
        /// `(prefix, level)` in the order they were set.
        var rules: [(prefix: String, level: Logger.Level)] = []
        /// The level each label resolved to under the current rules.
        var resolved: [String: Logger.Level] = [:]
    }

    private static let state = Mutex(State())
    private static let hasRules = Atomic<Bool>(false)
    private static let defaultIndex = Atomic<Int>(Logger.Level.allCases.firstIndex(of: .info) ?? 2)

    /// The level of loggers no rule names.
    public static var defaultLevel: Logger.Level {
        get { Logger.Level.allCases[defaultIndex.load(ordering: .relaxed)] }
        set { defaultIndex.store(Logger.Level.allCases.firstIndex(of: newValue) ?? 2, ordering: .relaxed) }
    }

    /// Records a logger label (the logging system's factory calls this for each logger made).
    public static func register(_ label: String) {
        guard !label.isEmpty else { return }
        _ = state.withLock { $0.labels.insert(label) }
    }

    /// The level `label` logs at now.
    public static func level(for label: String) -> Logger.Level {
        guard hasRules.load(ordering: .acquiring) else { return defaultLevel }
        let ruled: Logger.Level? = state.withLock { state in
            if let level = state.resolved[label] { return level }
            guard let rule = state.rules.last(where: { label.hasPrefix($0.prefix) }) else { return nil }
            state.resolved[label] = rule.level
            return rule.level
        }
        return ruled ?? defaultLevel
    }

    /// cinder's `set_log_levels(prefix, level)`: every logger whose label starts with
    /// `prefix` (nil or empty: every logger) logs at `level` from now on.
    public static func set(prefix: String?, level: Logger.Level) {
        let prefix = prefix ?? ""
        state.withLock { state in
            state.rules.removeAll { $0.prefix == prefix }
            state.rules.append((prefix, level))
            state.resolved = [:]
        }
        hasRules.store(true, ordering: .releasing)
    }

    /// cinder's `get_log_levels(prefix)`: the recorded labels that start with `prefix` (nil or
    /// empty: all) and the name of the level each logs at (`DEBUG`, `INFO`, …).
    public static func levels(prefix: String?) -> [(label: String, level: String)] {
        let prefix = prefix ?? ""
        let labels = state.withLock { $0.labels.filter { $0.hasPrefix(prefix) } }
        return labels.sorted().map { ($0, name(of: level(for: $0))) }
    }

    /// cinder's `get_log_method`: the level a name (`debug`, `INFO`, …) stands for, or cinder's
    /// 400 `Invalid input received: X is not a valid log level.` (nil reads as empty).
    public static func parse(_ name: String?) throws(EmberError) -> Logger.Level {
        let name = name ?? ""
        switch name.uppercased() {
        case "DEBUG": return .debug
        case "INFO": return .info
        case "WARNING": return .warning
        case "ERROR": return .error
        default: throw EmberError.badRequest("Invalid input received: \(name) is not a valid log level.")
        }
    }

    /// The Python name of a level (`logging.getLevelName`): trace reads as `DEBUG`, notice as
    /// `INFO`.
    public static func name(of level: Logger.Level) -> String {
        switch level {
        case .trace, .debug: "DEBUG"
        case .info, .notice: "INFO"
        case .warning: "WARNING"
        case .error: "ERROR"
        case .critical: "CRITICAL"
        }
    }

    /// Forgets every rule (tests).
    public static func reset() {
        state.withLock { state in
            state.rules = []
            state.resolved = [:]
        }
        hasRules.store(false, ordering: .releasing)
    }
}

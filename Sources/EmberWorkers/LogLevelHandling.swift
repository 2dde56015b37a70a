import EmberCore
import EmberRPC
import Logging

/// cinder's `Manager.set_log_levels` and `get_log_levels`, shared by the scheduler, volume
/// and backup managers: they change and read this process's ``LogLevels``.
enum LogLevelHandling {
    /// `utils.set_log_levels(prefix, level)`. An unknown level changes nothing and is
    /// logged (cinder's manager raises `InvalidInput` inside the cast, which only logs).
    static func set(_ request: LogLevelRequest, logger: Logger) {
        do {
            LogLevels.set(prefix: request.prefix, level: try LogLevels.parse(request.level))
        } catch {
            logger.error("set_log_levels: \(error.message)")
        }
    }

    /// `utils.get_log_levels(prefix)` as a `LogLevelList`.
    static func get(_ request: LogLevelRequest) -> [LogLevelEntry] {
        LogLevels.levels(prefix: request.prefix).map { LogLevelEntry(prefix: $0.label, level: $0.level) }
    }
}

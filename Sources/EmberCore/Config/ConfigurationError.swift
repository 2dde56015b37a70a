/// Why configuration could not be read. Every case names where the problem is.
public enum ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be read at all.
    case unreadable(path: String, reason: String)
    /// The file is not INI as oslo.config reads it.
    case syntax(path: String, line: Int, message: String)
    /// An option holds a value of the wrong kind (`osapi_volume_listen_port = eighty`).
    case malformedValue(path: String, section: String, option: String, value: String, expected: String)
    /// A required option is missing or two options contradict each other.
    case invalid(message: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            "Cannot read configuration file \(path): \(reason)"
        case .syntax(let path, let line, let message):
            "Configuration file \(path), line \(line): \(message)"
        case .malformedValue(let path, let section, let option, let value, let expected):
            "Configuration file \(path), section [\(section)], option \(option): value '\(value)' is not \(expected)"
        case .invalid(let message):
            message
        }
    }
}

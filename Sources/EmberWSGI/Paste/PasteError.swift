/// Why an `api-paste.ini` could not be turned into an application. Each case names the file.
public enum PasteError: Error, Sendable, Equatable, CustomStringConvertible {
    /// cinder's `PasteAppNotFound`: the requested app (or one it needs) has no section.
    case appNotFound(name: String, path: String, reason: String)
    /// A section names a factory Ember does not provide.
    case unknownFactory(factory: String, section: String, path: String)
    /// A section is malformed (no `use`/factory line, a pipeline without an app, …).
    case invalidSection(section: String, path: String, message: String)
    /// A factory refused its options.
    case factoryFailed(section: String, path: String, message: String)

    public var description: String {
        switch self {
        case .appNotFound(let name, let path, let reason):
            "Could not load paste app '\(name)' from \(path): \(reason)"
        case .unknownFactory(let factory, let section, let path):
            "Paste section [\(section)] in \(path) names the factory '\(factory)', which Ember does not provide"
        case .invalidSection(let section, let path, let message):
            "Paste section [\(section)] in \(path): \(message)"
        case .factoryFailed(let section, let path, let message):
            "Paste section [\(section)] in \(path): \(message)"
        }
    }
}

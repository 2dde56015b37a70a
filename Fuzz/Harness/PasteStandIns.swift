/// What the paste target compiles in place of Hummingbird and the rest of EmberCore: the
/// loader (sections, pipelines, filter-apps, composites, interpolation, loops) is Ember's own
/// `PasteLoader`; the applications it builds and the environment factories receive are these.
public protocol WSGIApplication: Sendable {}
public protocol WSGIFilter: Sendable {}

struct FuzzApp: WSGIApplication {
    var layers: Int
}

struct FuzzFilter: WSGIFilter {}

extension WSGIApplication {
    func wrapped(in filters: [any WSGIFilter]) -> any WSGIApplication {
        FuzzApp(layers: filters.count)
    }
}

public struct EmberConfiguration: Sendable {}
public struct Logger: Sendable {}
public struct PolicyEnforcer: Sendable {
    public static let cinderDefaults = PolicyEnforcer()
}

import EmberCore
import Logging

/// What a paste factory is given: cinder's `global_conf` and `**local_conf`, plus Ember's
/// configuration and logger (what cinder's factories read from the global `CONF`).
public struct PasteFactoryContext: Sendable {
    /// The section being built, such as `filter:sizelimit`.
    public var section: String
    /// The paste file.
    public var path: String
    /// `[DEFAULT]` of the paste file plus `here` and `__file__`, with `set` overrides applied.
    public var globalConf: [String: String]
    /// The section's own options, in file order, without `use` and factory lines.
    public var localConf: [(key: String, value: String)]
    public var environment: PasteEnvironment
    /// Every path a urlmap in the file mounts (`/`, `/v3`, `/v2`…), normalized.
    public var mountedPrefixes: Set<String> = []

    public func local(_ key: String) -> String? {
        localConf.last { $0.key == key }?.value
    }

    /// A `PasteError.factoryFailed` for this section.
    public func failure(_ message: String) -> PasteError {
        .factoryFailed(section: section, path: path, message: message)
    }
}

/// What the running service gives every factory.
public struct PasteEnvironment: Sendable {
    public var configuration: EmberConfiguration
    public var logger: Logger
    /// The policy enforcer every filter and router shares (SIGHUP swaps its rules in place).
    public var policy: PolicyEnforcer

    public init(configuration: EmberConfiguration, logger: Logger, policy: PolicyEnforcer = .cinderDefaults) {
        self.configuration = configuration
        self.logger = logger
        self.policy = policy
    }
}

public typealias PasteAppFactory = @Sendable (PasteFactoryContext) throws(PasteError) -> any WSGIApplication
public typealias PasteFilterFactory = @Sendable (PasteFactoryContext) throws(PasteError) -> any WSGIFilter
public typealias PasteCompositeFactory =
    @Sendable (PasteFactoryContext, PasteLoader) throws(PasteError) -> any WSGIApplication

/// The factories paste files may name, keyed by the dotted names cinder's files use
/// (`cinder.api.middleware.fault:FaultWrapper.factory`) or by egg entry point
/// (`egg:Paste#urlmap`).
///
/// The paste.deploy protocol decides which table is searched: `paste.app_factory` and `[app:]`
/// sections look in `apps`, `paste.filter_factory` and `[filter:]` in `filters`,
/// `paste.composite_factory` and `[composite:]` in `composites`.
public struct PasteFactoryRegistry: Sendable {
    public var apps: [String: PasteAppFactory] = [:]
    public var filters: [String: PasteFilterFactory] = [:]
    public var composites: [String: PasteCompositeFactory] = [:]

    public init() {}

    public mutating func registerApp(_ names: String..., factory: @escaping PasteAppFactory) {
        for name in names { apps[Self.key(name)] = factory }
    }

    public mutating func registerFilter(_ names: String..., factory: @escaping PasteFilterFactory) {
        for name in names { filters[Self.key(name)] = factory }
    }

    public mutating func registerComposite(_ names: String..., factory: @escaping PasteCompositeFactory) {
        for name in names { composites[Self.key(name)] = factory }
    }

    /// `call:pkg.mod:obj` and `pkg.mod:obj` are the same factory; egg distribution names are
    /// case-insensitive (`egg:Paste#urlmap`).
    static func key(_ spec: String) -> String {
        var spec = spec.trimmingWhitespace()
        if spec.hasPrefix("call:") { spec.removeFirst(5) }
        if spec.hasPrefix("egg:") {
            let body = spec.dropFirst(4)
            if let hash = body.firstIndex(of: "#") {
                return "egg:" + body[..<hash].lowercased() + body[hash...]
            }
            return "egg:" + body.lowercased() + "#main"
        }
        return spec
    }
}

import EmberCore
import Logging

/// cinder's `extensions.ExtensionManager`: decides which extensions load, from
/// `[DEFAULT] osapi_volume_extension` (default `cinder.api.contrib.standard_extensions`, every
/// extension Ember has) and, with `cinder.api.contrib.select_extensions`, the module class
/// names in `osapi_volume_ext_list` (`Volume_host_attribute`, `Quotas`, …); logs
/// `Loaded extension: <alias>` for each, and hands the routers an immutable ``ExtensionSet``.
///
/// It isolates the set it last loaded (`current`): a SIGHUP reload and a router being built
/// never see a half-loaded set.
public actor ExtensionManager {
    public static let standardExtensions = "cinder.api.contrib.standard_extensions"
    public static let selectExtensions = "cinder.api.contrib.select_extensions"

    let available: [APIExtension]
    let logger: Logger
    private(set) var current = ExtensionSet(extensions: [])

    public init(available: [APIExtension] = StandardExtensions.all, logger: Logger) {
        self.available = available
        self.logger = logger
    }

    /// Loads the configured extensions; a factory Ember does not know, or an alias loaded
    /// twice, is logged and skipped as cinder does (its loader catches and warns).
    @discardableResult
    public func load(files: ConfigFiles) -> ExtensionSet {
        logger.info("Initializing extension manager.")
        let configured = files.multi("DEFAULT", "osapi_volume_extension")
        let factories = configured.isEmpty ? [Self.standardExtensions] : configured
        let selection = Set(files.list("DEFAULT", "osapi_volume_ext_list", default: []))
        var loaded: [APIExtension] = []
        var aliases: Set<String> = []
        for factory in factories {
            let candidates: [APIExtension]
            switch factory {
            case Self.standardExtensions:
                candidates = available
            case Self.selectExtensions:
                candidates = available.filter { selection.contains($0.moduleClassName) }
            default:
                logger.warning(
                    "Failed to load extension \(factory): Ember provides \(Self.standardExtensions) and \(Self.selectExtensions) only"
                )
                continue
            }
            for candidate in candidates {
                guard aliases.insert(candidate.alias).inserted else {
                    logger.warning(
                        "Failed to load extension \(factory): Found duplicate extension: \(candidate.alias)"
                    )
                    continue
                }
                logger.info("Loaded extension: \(candidate.alias)")
                loaded.append(candidate)
            }
        }
        current = ExtensionSet(extensions: loaded)
        return current
    }

    /// The set the last ``load(files:)`` produced.
    public var extensions: ExtensionSet { current }
}

/// The extensions one router serves, fixed when it is built.
public struct ExtensionSet: Sendable {
    public let extensions: [APIExtension]
    public let aliases: Set<String>

    public init(extensions: [APIExtension]) {
        self.extensions = extensions
        self.aliases = Set(extensions.map(\.alias))
    }

    /// Every extension Ember has (what `standard_extensions` loads).
    public static var standard: ExtensionSet { ExtensionSet(extensions: StandardExtensions.all) }

    public func isLoaded(_ alias: String) -> Bool { aliases.contains(alias) }

    public func find(alias: String) -> APIExtension? { extensions.first { $0.alias == alias } }
}

import EmberCore
import EmberWSGI
import Logging

/// `WSGIService('osapi_volume')`: loads the app from `api_paste_config` and wraps it in a
/// ``WSGIServer`` bound as `[DEFAULT] osapi_volume_listen(_port)` and `[ssl]` say.
public enum APIServerBuilder {
    /// The paste application `cinder-api` loads.
    public static let appName = "osapi_volume"

    /// The paste file named by `api_paste_config`, found as cinder's `find_config` finds it.
    public static func pasteConfigPath(_ configuration: EmberConfiguration) throws -> String {
        guard let path = configuration.findConfigFile(configuration.api.pasteConfig) else {
            throw ConfigurationError.invalid(
                message: "Unable to find the paste configuration file '\(configuration.api.pasteConfig)' "
                    + "([DEFAULT] api_paste_config); looked next to the configuration files, "
                    + "in the working directory, /etc/ember and /etc/cinder"
            )
        }
        return path
    }

    /// Loads the pipeline: cinder's `wsgi.Loader().load_app('osapi_volume')`.
    public static func loadApplication(
        configuration: EmberConfiguration,
        registry: PasteFactoryRegistry,
        policy: PolicyEnforcer = .cinderDefaults,
        logger: Logger
    ) throws -> any WSGIApplication {
        let path = try pasteConfigPath(configuration)
        let loader = try PasteLoader(
            path: path,
            registry: registry,
            environment: PasteEnvironment(configuration: configuration, logger: logger, policy: policy)
        )
        let app = try loader.loadApp(named: appName)
        logger.info("Loaded paste application", metadata: ["paste.app": .string(appName), "paste.file": .string(path)])
        return app
    }

    /// The API server, ready to run in the launcher.
    public static func build(
        configuration: EmberConfiguration,
        registry: PasteFactoryRegistry,
        policy: PolicyEnforcer = .cinderDefaults,
        metrics: EmberMetrics? = nil,
        logger: Logger
    ) throws -> WSGIServer {
        let app = try loadApplication(configuration: configuration, registry: registry, policy: policy, logger: logger)
        if configuration.api.listenLimitedToLoopback {
            logger.notice(
                "auth_strategy is \(configuration.api.authStrategy): listening on 127.0.0.1 only; set [DEFAULT] osapi_volume_listen (e.g. 0.0.0.0) to accept other hosts, where every caller is trusted as the identity it claims"
            )
        }
        let metricsConfiguration = try MetricsConfiguration(files: configuration.files)
        return try WSGIServer(
            configuration: .init(api: configuration.api, ssl: configuration.ssl),
            app: app,
            observer: metrics,
            metricsApp: metricsConfiguration.onAPIPort ? metrics.map(MetricsApplication.init) : nil,
            logger: logger
        )
    }
}

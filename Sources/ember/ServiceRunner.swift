import ArgumentParser
import EmberAPI
import EmberBus
import EmberCore
import EmberIdentity
import EmberImage
import EmberKeys
import EmberService
import EmberStore
import EmberVolume
import EmberWSGI
import EmberWorkers
import Foundation
import Logging
import ServiceLifecycle

/// The process roles (`cinder/cmd/*.py`).
enum Role: String {
    /// `ember all`: everything in one process, the embedded default.
    case all
    /// `ember api`: the REST API (`cinder-api`).
    case api
    /// `ember scheduler`: the scheduler (`cinder-scheduler`).
    case scheduler
    /// `ember volume`: the volume backends of `enabled_backends` (`cinder-volume`).
    case volume
    /// `ember backup`: the backup service (`cinder-backup`).
    case backup

    var binary: String { "ember-" + rawValue }
}

/// Start-up shared by the service commands: read the configuration, set up logging, build the
/// services, and hand them to the launcher. A configuration problem ends the process with a
/// message naming the file, section, option and value, and exit status 1.
struct ServiceRunner {
    let options: ConfigOptions
    let role: Role

    func run() async throws {
        let configuration: EmberConfiguration
        do {
            configuration = try options.load()
            try LogOutput.bootstrap(configuration.logging, binary: role.binary)
        } catch {
            fail(error)
        }
        let logger = Logger(label: "ember.service")
        logger.info(
            "Starting \(role.binary)",
            metadata: [
                "version": .string(EmberVersion.string),
                "config": .string(configuration.files.paths.joined(separator: ",")),
            ]
        )
        for section in configuration.files.sectionNames where !Self.knownSections.contains(section) {
            logger.debug("Ignoring unknown configuration section", metadata: ["section": .string(section)])
        }

        let services: [any Service]
        let apiServer: WSGIServer?
        let policy: PolicyEnforcer
        do {
            policy = try Self.loadPolicy(configuration: configuration, logger: logger)
            (services, apiServer) = try await makeServices(configuration: configuration, policy: policy)
        } catch {
            logger.critical("Cannot start", metadata: ["error": "\(error)"])
            fail(error)
        }

        let options = self.options
        let launcher = Launcher(
            logger: Logger(label: "ember.launcher"),
            gracefulShutdownTimeout: .seconds(configuration.api.gracefulShutdownTimeout),
            reload: {
                let reloaded = try options.load()
                EmberLogLevel.apply(reloaded.logging)
                let overrides = try PolicyConfiguration(files: reloaded.files).loadOverrides(in: reloaded)
                policy.replaceOverrides(overrides)
                try apiServer?.reloadTLS()
                Logger(label: "ember.launcher").info(
                    "Configuration reloaded",
                    metadata: [
                        "debug": .stringConvertible(reloaded.logging.debug),
                        "policy.overrides": .stringConvertible(overrides.count),
                    ]
                )
            }
        )
        await launcher.serve(contentsOf: services)
        try await launcher.wait()
    }

    /// The database, the bus, then the API server, the scheduler and the volume backends the
    /// role runs, in the order they start (they stop in reverse).
    /// cinder's policy enforcer: the defaults plus `[oslo_policy] policy_file`.
    static func loadPolicy(configuration: EmberConfiguration, logger: Logger) throws -> PolicyEnforcer {
        let policyConfiguration = try PolicyConfiguration(files: configuration.files)
        let overrides = try policyConfiguration.loadOverrides(in: configuration)
        for (name, text) in overrides.sorted(by: { $0.key < $1.key }) {
            if let problem = PolicyParser.parse(text).problem {
                logger.error(
                    "Policy rule never passes",
                    metadata: ["policy.rule": .string(name), "problem": .string(problem)]
                )
            }
        }
        if let path = try policyConfiguration.resolvedPath(in: configuration) {
            logger.info(
                "Loaded policy overrides",
                metadata: ["policy.file": .string(path), "policy.overrides": .stringConvertible(overrides.count)]
            )
        }
        return PolicyEnforcer(overrides: overrides)
    }

    /// The services of the role, and the API server among them (SIGHUP reloads its certificate).
    func makeServices(
        configuration: EmberConfiguration,
        policy: PolicyEnforcer
    ) async throws -> (services: [any Service], apiServer: WSGIServer?) {
        let runsAPI = role == .all || role == .api
        let runsScheduler = role == .all || role == .scheduler
        let runsVolumes = role == .all || role == .volume
        let runsBackup = role == .all || role == .backup
        // Cheap checks first, so a typo in a path is reported before any database is touched.
        if runsAPI { _ = try APIServerBuilder.pasteConfigPath(configuration) }
        let workers = try WorkerConfiguration(
            files: configuration.files,
            host: configuration.host,
            statePath: configuration.statePath,
            defaultBackend: role == .all
        )
        let backup = try BackupConfiguration(files: configuration.files, statePath: configuration.statePath)
        if role == .volume && workers.backends.isEmpty {
            throw ConfigurationError.invalid(message: "ember volume: [DEFAULT] enabled_backends names no backend")
        }
        var database = try DatabaseConfiguration(files: configuration.files, statePath: configuration.statePath)
        if role != .all, configuration.files.lookup("database", "sync_on_startup") == nil {
            // Separate nodes expect `ember manage db sync` to have run; only the embedded
            // mode migrates by default.
            database.syncOnStartup = false
        }
        let db = try await EmberDatabase.open(configuration: database, logger: Logger(label: "ember.db"))
        let bus = try TransportConfiguration(files: configuration.files).makeBus(logger: Logger(label: "ember.bus"))
        let metricsConfiguration = try MetricsConfiguration(files: configuration.files)
        let metricsLogger = Logger(label: "ember.metrics")
        let metrics = metricsConfiguration.enabled ? EmberMetrics(logger: metricsLogger) : nil
        metrics?.addCollector(MetricsCollectors.database(db, logger: metricsLogger))
        metrics?.addCollector(MetricsCollectors.bus(bus, logger: metricsLogger))
        metrics?.addCollector(MetricsCollectors.capacity(bus, logger: metricsLogger))
        let gate = PrepareOnce()
        let prepare: @Sendable () async throws -> Void = { try await gate.run { try await db.prepare() } }
        var services: [any Service] = [db, bus]
        var apiServer: WSGIServer?
        // The image service client: the API checks images, the backends move their data. It
        // stops after them (services stop in reverse order).
        let glanceConfiguration = try GlanceConfiguration(files: configuration.files)
        let glance: GlanceService? =
            runsAPI || runsVolumes
            ? GlanceService(configuration: glanceConfiguration, logger: Logger(label: "ember.glance")) : nil
        if let glance { services.append(glance) }

        if runsAPI {
            let keys = try Self.makeKeyManager(configuration: configuration)
            if let service = keys.service { services.append(service) }
            let volumeAPI = VolumeAPI(
                store: db.store,
                configuration: try VolumeServiceConfiguration(files: configuration.files),
                caster: BusVolumeWorkCaster(bus: bus),
                images: glance?.client,
                keyManager: keys.manager,
                logger: Logger(label: "ember.volume.api")
            )
            let extensions = await ExtensionManager(logger: Logger(label: "ember.api.extensions"))
                .load(files: configuration.files)
            let keystone = KeystoneAuthService(logger: Logger(label: "ember.keystone"))
            metrics?.addCollector(MetricsCollectors.tokenCache(keystone.tokenCacheStatistics))
            var registry = PasteFactoryRegistry.standard()
            keystone.register(in: &registry)
            VolumeAPIRouter.register(in: &registry, api: volumeAPI, extensions: extensions)
            let server: WSGIServer
            do {
                server = try APIServerBuilder.build(
                    configuration: configuration,
                    registry: registry,
                    policy: policy,
                    metrics: metrics,
                    logger: Logger(label: "ember.api")
                )
            } catch {
                try? await keystone.http.shutdown()
                try? await glance?.shutdown()
                throw error
            }
            // Services stop in reverse: the server drains before the Keystone client closes, and
            // before the undoing of failed calls stops retrying (after it, nothing new fails).
            apiServer = server
            services.append(volumeAPI.compensations)
            services.append(keystone)
            services.append(
                PreparedService(name: "osapi_volume", service: server) {
                    try await prepare()
                    try await volumeAPI.types.ensureDefaultType()
                }
            )
        }
        if runsScheduler {
            services.append(
                SchedulerManager(
                    configuration: workers,
                    store: db.store,
                    bus: bus,
                    logger: Logger(label: "ember.scheduler"),
                    prepare: prepare
                )
            )
        }
        if runsVolumes {
            for backend in workers.backends {
                services.append(
                    VolumeManager(
                        backend: backend,
                        configuration: workers,
                        store: db.store,
                        bus: bus,
                        images: glance?.client,
                        logger: Logger(label: "ember.volume.manager"),
                        prepare: prepare
                    )
                )
            }
        }
        if runsBackup {
            services.append(
                BackupManager(
                    configuration: workers,
                    backupConfiguration: backup,
                    store: db.store,
                    bus: bus,
                    logger: Logger(label: "ember.backup.manager"),
                    prepare: prepare
                )
            )
        }
        if let metrics, metricsConfiguration.ownListener {
            services.append(
                try WSGIServer(
                    configuration: .init(
                        name: "metrics",
                        host: metricsConfiguration.host,
                        port: metricsConfiguration.port
                    ),
                    app: MetricsApplication(metrics: metrics),
                    logger: metricsLogger
                )
            )
        } else if metrics != nil && !runsAPI {
            metricsLogger.warning(
                "[metrics] enabled with port 0 serves /metrics on the API port, and this process runs no API: set [metrics] port"
            )
        }
        return (services, apiServer)
    }

    /// The key manager `[key_manager]` selects, built once for the volume API, and the service
    /// that owns its HTTP client (Barbican's), which runs before the API server so it closes
    /// after it. A backend that cannot be built (the fixed-key manager without `fixed_key`) is
    /// logged, and only encrypted volumes are refused, with the reason.
    static func makeKeyManager(
        configuration: EmberConfiguration
    ) throws -> (manager: any KeyManager, service: KeyManagerService?) {
        let keyManagerConfiguration = try KeyManagerConfiguration(files: configuration.files)
        let logger = Logger(label: "ember.keys")
        do {
            let service = try KeyManagerService(configuration: keyManagerConfiguration, logger: logger)
            return (service.manager, service)
        } catch {
            logger.warning(
                "No key manager: encrypted volumes will be refused",
                metadata: ["reason": .string(error.description)]
            )
            return (UnavailableKeyManager(reason: error.description), nil)
        }
    }

    /// Sections Ember reads; others are reported at debug level and ignored.
    static let knownSections: Set<String> = [
        "DEFAULT", "ssl", "database", "oslo_middleware", "cors", "profiler", "keystone_authtoken", "oslo_policy",
        "oslo_messaging_notifications", "coordination", "backend", "nova", "glance", "key_manager", "ember_bus",
        "metrics", "barbican", "barbican_service_user",
    ]

    func fail(_ error: any Error) -> Never {
        FileHandle.standardError.write(Data("ember: \(error)\n".utf8))
        Foundation.exit(1)
    }
}

/// Runs `prepare` (wait for the database, migrate) inside the service group, then the service.
/// The database's own service is already running by then, which PostgreSQL needs.
struct PreparedService: Service {
    let name: String
    let service: any Service
    let prepare: @Sendable () async throws -> Void

    init(name: String, service: any Service, prepare: @escaping @Sendable () async throws -> Void) {
        self.name = name
        self.service = service
        self.prepare = prepare
    }

    func run() async throws {
        try await prepare()
        try await service.run()
    }
}

import ArgumentParser
import EmberAPI
import EmberBus
import EmberCore
import EmberIdentity
import EmberImage
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
        let policy: PolicyEnforcer
        do {
            policy = try Self.loadPolicy(configuration: configuration, logger: logger)
            services = try await makeServices(configuration: configuration, policy: policy)
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

    func makeServices(configuration: EmberConfiguration, policy: PolicyEnforcer) async throws -> [any Service] {
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
        let gate = PrepareOnce()
        let prepare: @Sendable () async throws -> Void = { try await gate.run { try await db.prepare() } }
        var services: [any Service] = [db, bus]
        // The image service client: the API checks images, the backends move their data. It
        // stops after them (services stop in reverse order).
        let glanceConfiguration = try GlanceConfiguration(files: configuration.files)
        let glance: GlanceService? =
            runsAPI || runsVolumes
            ? GlanceService(configuration: glanceConfiguration, logger: Logger(label: "ember.glance")) : nil
        if let glance { services.append(glance) }

        if runsAPI {
            let volumeAPI = VolumeAPI(
                store: db.store,
                configuration: try VolumeServiceConfiguration(files: configuration.files),
                caster: BusVolumeWorkCaster(bus: bus),
                images: glance?.client,
                logger: Logger(label: "ember.volume.api")
            )
            let extensions = await ExtensionManager(logger: Logger(label: "ember.api.extensions"))
                .load(files: configuration.files)
            let keystone = KeystoneAuthService(logger: Logger(label: "ember.keystone"))
            var registry = PasteFactoryRegistry.standard()
            keystone.register(in: &registry)
            VolumeAPIRouter.register(in: &registry, api: volumeAPI, extensions: extensions)
            let server: WSGIServer
            do {
                server = try APIServerBuilder.build(
                    configuration: configuration,
                    registry: registry,
                    policy: policy,
                    logger: Logger(label: "ember.api")
                )
            } catch {
                try? await keystone.http.shutdown()
                try? await glance?.shutdown()
                throw error
            }
            // Services stop in reverse: the server drains before the Keystone client closes.
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
        return services
    }

    /// Sections Ember reads; others are reported at debug level and ignored.
    static let knownSections: Set<String> = [
        "DEFAULT", "ssl", "database", "oslo_middleware", "cors", "profiler", "keystone_authtoken", "oslo_policy",
        "oslo_messaging_notifications", "coordination", "backend", "nova", "glance", "key_manager", "ember_bus",
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

import ArgumentParser
import EmberAPI
import EmberBus
import EmberCore
import EmberService
import EmberStore
import EmberVolume
import EmberWSGI
import Foundation
import Logging
import ServiceLifecycle

/// The process roles (`cinder/cmd/*.py`).
enum Role: String {
    /// `ember all`: everything in one process, the embedded default.
    case all
    /// `ember api`: the REST API (`cinder-api`).
    case api

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
        do {
            services = try await makeServices(configuration: configuration)
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
                Logger(label: "ember.launcher").info(
                    "Configuration reloaded",
                    metadata: ["debug": .stringConvertible(reloaded.logging.debug)]
                )
            }
        )
        await launcher.serve(contentsOf: services)
        try await launcher.wait()
    }

    /// The database, the bus and the API server, in the order they start (they stop in reverse).
    func makeServices(configuration: EmberConfiguration) async throws -> [any Service] {
        // Cheap checks first, so a typo in a path is reported before any database is touched.
        _ = try APIServerBuilder.pasteConfigPath(configuration)
        var database = try DatabaseConfiguration(files: configuration.files, statePath: configuration.statePath)
        if role == .api, configuration.files.lookup("database", "sync_on_startup") == nil {
            // Separate API nodes expect `ember manage db sync` to have run; only the embedded
            // mode migrates by default.
            database.syncOnStartup = false
        }
        let db = try await EmberDatabase.open(configuration: database, logger: Logger(label: "ember.db"))
        let bus = try TransportConfiguration(files: configuration.files).makeBus(logger: Logger(label: "ember.bus"))
        let volumeAPI = VolumeAPI(
            store: db.store,
            configuration: try VolumeServiceConfiguration(files: configuration.files),
            caster: BusVolumeWorkCaster(bus: bus),
            logger: Logger(label: "ember.volume.api")
        )

        var registry = PasteFactoryRegistry.standard()
        VolumeAPIRouter.register(in: &registry, api: volumeAPI)
        let server = try APIServerBuilder.build(
            configuration: configuration,
            registry: registry,
            logger: Logger(label: "ember.api")
        )
        let api = PreparedService(name: "osapi_volume", service: server) {
            try await db.prepare()
            try await volumeAPI.ensureDefaultVolumeType()
        }
        return [db, bus, api]
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

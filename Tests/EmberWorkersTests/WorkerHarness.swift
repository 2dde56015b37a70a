import EmberBus
import EmberCore
import EmberImage
import EmberStore
import EmberTesting
import EmberWorkers
import Foundation
import Logging
import ServiceLifecycle
import Testing

@testable import EmberVolume

/// Where a worker test keeps its data and messages.
enum WorkerBackendKind: String, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgresql

    var testDescription: String { rawValue }

    /// SQLite always; PostgreSQL when `EMBER_TEST_POSTGRES_URL` is set (and under `CI`, where
    /// a missing URL fails the test).
    static let all: [WorkerBackendKind] = {
        let environment = ProcessInfo.processInfo.environment
        if postgresURL != nil || environment["CI"] != nil { return [.sqlite, .postgresql] }
        print("NOTICE: EMBER_TEST_POSTGRES_URL is not set; EmberWorkersTests run against SQLite only.")
        return [.sqlite]
    }()

    static var postgresURL: String? {
        let value = ProcessInfo.processInfo.environment["EMBER_TEST_POSTGRES_URL"]
        return value?.isEmpty == false ? value : nil
    }
}

/// The running workers of one test: a real store, a real bus, a scheduler, volume managers
/// and the volume API that casts to them.
struct Workers: Sendable {
    let database: EmberDatabase
    let bus: any MessageBus
    let scheduler: SchedulerManager
    let managers: [VolumeManager]
    let api: VolumeAPI
    let configuration: WorkerConfiguration
    let directory: TemporaryDirectory

    var store: SQLStore { database.store }

    /// A caller in a project of its own.
    let caller = Identity(userID: "user-" + UUID().uuidString.prefix(8), projectID: UUID().uuidString.lowercased())

    func manager(_ backend: String) -> VolumeManager {
        managers.first { $0.backend.name == backend }!
    }

    /// Waits until the scheduler knows `count` backends.
    func waitForBackends(_ count: Int) async throws {
        try await waitUntil("the scheduler knows \(count) backends") { await scheduler.backends().count >= count }
    }

    /// Waits until the volume reaches one of `statuses`; returns it.
    @discardableResult
    func waitForVolume(_ id: String, _ statuses: Set<VolumeStatus>) async throws -> Volume {
        try await waitUntil("volume \(id) reaches \(statuses.map(\.rawValue))") {
            let volume = try await store.volume(id: id, scope: .allProjects)
            return statuses.contains(volume.status)
        }
        return try await store.volume(id: id, scope: .allProjects)
    }

    /// Waits until a user message in `scope` satisfies `condition`; returns the messages. A
    /// worker records its message after the status change a test waits for, so under load the
    /// message may come a moment later.
    @discardableResult
    func waitForMessage(
        in scope: ProjectScope = .allProjects,
        _ what: String,
        _ condition: @escaping @Sendable (UserMessage) -> Bool
    ) async throws -> [UserMessage] {
        try await waitUntil("a user message: \(what)") {
            try await store.listMessages(ListQuery(scope: scope)).items.contains(where: condition)
        }
        return try await store.listMessages(ListQuery(scope: scope)).items
    }

    func waitForDeletion(_ id: String) async throws {
        try await waitUntil("volume \(id) is deleted") {
            do {
                _ = try await store.volume(id: id, scope: .allProjects)
                return false
            } catch {
                return true
            }
        }
    }

    func createVolume(
        size: Int,
        type: String? = nil,
        zone: String? = nil,
        sourceID: String? = nil,
        snapshotID: String? = nil
    )
        async throws -> Volume
    {
        try await api.createVolume(
            VolumeCreateRequest(
                size: size,
                availabilityZone: zone,
                volumeType: type,
                snapshotID: snapshotID,
                sourceVolumeID: sourceID
            ),
            caller: caller,
            requestID: "req-" + UUID().uuidString.lowercased()
        )
    }

    func deleteVolume(_ id: String) async throws {
        try await api.deleteVolume(
            id: id,
            cascade: false,
            force: false,
            caller: caller,
            requestID: "req-" + UUID().uuidString.lowercased()
        )
    }
}

enum WorkerHarness {
    static let logger: Logger = {
        var logger = Logger(label: "ember.workers.test")
        logger.logLevel = ProcessInfo.processInfo.environment["EMBER_TEST_LOG"] != nil ? .debug : .critical
        return logger
    }()

    /// Two backends by default: `alpha` and `beta`.
    static func backends(_ directory: String) -> [BackendConfiguration] {
        [
            BackendConfiguration(name: "alpha", directory: directory + "/alpha"),
            BackendConfiguration(name: "beta", directory: directory + "/beta"),
        ]
    }

    /// Runs `body` with workers running; shuts them down gracefully afterwards.
    ///
    /// - Parameters:
    ///   - configure: adjusts the worker configuration (backends, intervals).
    ///   - startWorkers: false runs only the database and the bus (for `init_host` tests).
    static func run(
        _ kind: WorkerBackendKind = .sqlite,
        configure: @Sendable (inout WorkerConfiguration) -> Void = { _ in },
        startWorkers: Bool = true,
        images: GlanceClient? = nil,
        seed: @escaping @Sendable (SQLStore, WorkerConfiguration) async throws -> Void = { _, _ in },
        _ body: @escaping @Sendable (Workers) async throws -> Void
    ) async throws {
        let directory = try TemporaryDirectory(prefix: "ember-workers")
        defer { directory.remove() }
        let unique = String(UUID().uuidString.lowercased().prefix(8))
        var configuration = WorkerConfiguration(
            host: "node-" + unique,
            statePath: directory.path,
            backends: backends(directory.path)
        )
        configuration.reportInterval = .milliseconds(200)
        configuration.periodicInterval = .seconds(2)
        configure(&configuration)
        let finalConfiguration = configuration
        switch kind {
        case .sqlite:
            let databaseConfiguration = DatabaseConfiguration(
                backend: .sqlite(path: directory.path + "/ember.sqlite"),
                redactedConnection: "sqlite"
            )
            try await run(
                databaseConfiguration,
                bus: InProcessBus(logger: logger),
                configuration: finalConfiguration,
                startWorkers: startWorkers,
                images: images,
                seed: seed,
                directory: directory,
                body
            )
        case .postgresql:
            guard let server = WorkerBackendKind.postgresURL else {
                Issue.record("CI is set but EMBER_TEST_POSTGRES_URL is missing: PostgreSQL tests cannot run")
                return
            }
            // One of the server's slots, and a database of this test's own (tests run in
            // parallel: sharing one, the scheduler would see other tests' volume services).
            try await PostgresTestSlots.withSlot(holder: Test.current?.name ?? "?") {
                try await ScratchPostgresDatabase.with(on: server, prefix: "ember_w_") { database in
                    let text = database.url
                    guard case .success(let url) = PostgresURL.parse(text) else {
                        Issue.record("EMBER_TEST_POSTGRES_URL is not usable")
                        return
                    }
                    let databaseConfiguration = DatabaseConfiguration(
                        backend: try DatabaseConfiguration.parse(text),
                        redactedConnection: DatabaseConfiguration.redact(text),
                        maxPoolSize: 4,
                        maxRetries: 3,
                        retryInterval: 0.5,
                        operationTimeout: PostgresTestSlots.operationTimeout
                    )
                    let bus = PostgresBus(
                        url: url,
                        configuration: PostgresBus.Configuration(
                            pollInterval: .milliseconds(200),
                            tablePrefix: "ember_bus_w" + unique.replacingOccurrences(of: "-", with: ""),
                            operationTimeout: .seconds(PostgresTestSlots.operationTimeout)
                        ),
                        logger: logger
                    )
                    try await run(
                        databaseConfiguration,
                        bus: bus,
                        configuration: finalConfiguration,
                        startWorkers: startWorkers,
                        images: images,
                        seed: seed,
                        directory: directory,
                        body
                    )
                }
            }
        }
    }

    private static func run(
        _ databaseConfiguration: DatabaseConfiguration,
        bus: any MessageBus,
        configuration finalConfiguration: WorkerConfiguration,
        startWorkers: Bool,
        images: GlanceClient?,
        seed: @escaping @Sendable (SQLStore, WorkerConfiguration) async throws -> Void,
        directory: TemporaryDirectory,
        _ body: @escaping @Sendable (Workers) async throws -> Void
    ) async throws {
        try await EmberDatabase.withDatabase(configuration: databaseConfiguration, logger: logger) { database in
            try await database.migrate()
            try await seed(database.store, finalConfiguration)
            let scheduler = SchedulerManager(
                configuration: finalConfiguration,
                store: database.store,
                bus: bus,
                logger: logger
            )
            let managers = finalConfiguration.backends.map {
                VolumeManager(
                    backend: $0,
                    configuration: finalConfiguration,
                    store: database.store,
                    bus: bus,
                    images: images,
                    logger: logger
                )
            }
            let api = VolumeAPI(
                store: database.store,
                configuration: VolumeServiceConfiguration(),
                caster: BusVolumeWorkCaster(bus: bus),
                logger: logger
            )
            try await api.types.ensureDefaultType()
            let workers = Workers(
                database: database,
                bus: bus,
                scheduler: scheduler,
                managers: managers,
                api: api,
                configuration: finalConfiguration,
                directory: directory
            )
            var services: [any Service] = [bus]
            if startWorkers { services += [scheduler] + managers }
            let group = ServiceGroup(services: services, logger: logger)
            try await whileRunning(group) { try await body(workers) }
        }
    }
}

/// Waits until `condition` holds, polling; fails after `timeout` (see `TestPatience`: the
/// workers move real data in a debug build while the whole suite runs beside them).
func waitUntil(
    _ what: String,
    timeout: Duration = TestPatience.eventually,
    _ condition: @Sendable () async throws -> Bool
) async throws {
    if try await poll(for: timeout, until: condition) { return }
    Issue.record("Timed out waiting until \(what)")
    throw CancellationError()
}

/// The size of a file in bytes, or nil when it does not exist.
func fileSize(_ path: String) -> Int? {
    (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue
}

import EmberAPI
import EmberBus
import EmberCore
import EmberImage
import EmberStore
import EmberTesting
import EmberWSGI
import EmberWorkers
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import ServiceLifecycle
import Testing

@testable import EmberVolume

/// Where a live API test keeps its data and messages.
enum LiveBackend: String, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgresql

    var testDescription: String { rawValue }

    /// SQLite always; PostgreSQL too when `EMBER_TEST_POSTGRES_URL` is set (and under `CI`,
    /// where a missing URL fails the test).
    static let all: [LiveBackend] = {
        let environment = ProcessInfo.processInfo.environment
        if postgresURL != nil || environment["CI"] != nil { return [.sqlite, .postgresql] }
        print("NOTICE: EMBER_TEST_POSTGRES_URL is not set; live API tests run against SQLite only.")
        return [.sqlite]
    }()

    static var postgresURL: String? {
        let value = ProcessInfo.processInfo.environment["EMBER_TEST_POSTGRES_URL"]
        return value?.isEmpty == false ? value : nil
    }
}

/// What a live API test gets: the HTTP client, the store, the data directory and its project.
struct Live: Sendable {
    let client: any TestClientProtocol
    let store: SQLStore
    let directory: String
    let project: String

    var base: String { "/v3/\(project)" }

    func headers(version: String? = nil) -> HTTPFields {
        var fields: HTTPFields = [.authToken: "admin:\(project)", .contentType: "application/json"]
        if let version { fields[.openStackAPIVersion] = "volume \(version)" }
        return fields
    }

    func request(
        _ method: HTTPRequest.Method,
        _ path: String,
        _ body: String? = nil,
        version: String? = nil
    ) async throws -> TestResponse {
        try await client.execute(
            uri: base + path,
            method: method,
            headers: headers(version: version),
            body: body.map { ByteBuffer(string: $0) }
        )
    }

    /// GETs `path` until `key.status` is one of `statuses`; returns the last body's object.
    /// These tests move real data (a volume filled from an image is written to its full GiB by a
    /// debug build) while the whole suite runs beside them (see `TestPatience`).
    @discardableResult
    func waitForStatus(
        _ path: String,
        _ key: String,
        _ statuses: Set<String>,
        timeout: Duration = TestPatience.eventually
    ) async throws -> JSONValue {
        var last: JSONValue?
        let reached = try await poll(for: timeout) {
            last = try await request(.get, path).json?[key]
            return last?["status"]?.stringValue.map(statuses.contains) ?? false
        }
        if reached { return last ?? .null }
        Issue.record("\(path) never reached \(statuses.sorted()); last: \(last?.serialized() ?? "nothing")")
        throw CancellationError()
    }

    /// GETs `path` until `condition` holds for the body's `key` object; returns it. For what a
    /// worker records just after the status a test waits for.
    @discardableResult
    func waitFor(
        _ path: String,
        _ key: String,
        _ what: String,
        timeout: Duration = TestPatience.eventually,
        _ condition: (JSONValue) -> Bool
    ) async throws -> JSONValue {
        var last: JSONValue?
        let held = try await poll(for: timeout) {
            last = try await request(.get, path).json?[key]
            return last.map(condition) ?? false
        }
        if held, let last { return last }
        Issue.record("\(path) never showed \(what); last: \(last?.serialized() ?? "nothing")")
        throw CancellationError()
    }

    func waitForGone(_ path: String) async throws {
        if try await poll(until: { try await request(.get, path).status == .notFound }) { return }
        Issue.record("\(path) was never deleted")
        throw CancellationError()
    }

    /// The file of a volume on the one backend (`local`).
    func volumeFile(_ id: String) -> String { directory + "/local/volume-" + id }

    /// The backup service's `backup_posix_path`.
    var backupDirectory: String { directory + "/backup" }
}

/// The stock paste pipeline over a real store, with the scheduler and one volume backend
/// running behind a real bus: what `ember all` runs, driven through the router.
enum LiveHarness {
    static let logger: Logger = {
        var logger = Logger(label: "ember.api.live")
        logger.logLevel = ProcessInfo.processInfo.environment["EMBER_TEST_LOG"] != nil ? .debug : .critical
        return logger
    }()

    /// With `trustIdentityHeaders`, `auth_strategy = keystone` runs with an authtoken that
    /// trusts the identity headers the test sends (roles, service roles), as in
    /// ``APIHarness/run(conf:trustIdentityHeaders:policy:images:clock:_:)``.
    static func run(
        _ kind: LiveBackend,
        images: GlanceClient? = nil,
        trustIdentityHeaders: Bool = false,
        _ body: @escaping @Sendable (Live) async throws -> Void
    ) async throws {
        let dir = try TemporaryDirectory(prefix: "ember-live")
        defer { dir.remove() }
        let unique = String(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(12))
        let strategy = trustIdentityHeaders ? "auth_strategy = keystone\n" : ""
        let document = try INIDocument(text: "[DEFAULT]\nstate_path = \(dir.path)\n" + strategy, path: "test.conf")
        let configuration = try EmberConfiguration(files: ConfigFiles(documents: [document]))
        var workerConfiguration = WorkerConfiguration(
            host: "live-" + unique,
            statePath: dir.path,
            backends: [BackendConfiguration(name: "local", directory: dir.path + "/local")]
        )
        workerConfiguration.reportInterval = .milliseconds(200)
        workerConfiguration.periodicInterval = .seconds(2)
        let workers = workerConfiguration
        switch kind {
        case .sqlite:
            let database = DatabaseConfiguration(
                backend: .sqlite(path: dir.path + "/ember.sqlite"),
                redactedConnection: "sqlite"
            )
            try await run(
                database,
                bus: InProcessBus(logger: logger),
                workers: workers,
                configuration: configuration,
                dir: dir,
                unique: unique,
                images: images,
                trustIdentityHeaders: trustIdentityHeaders,
                body
            )
        case .postgresql:
            guard let server = LiveBackend.postgresURL else {
                Issue.record("CI is set but EMBER_TEST_POSTGRES_URL is missing")
                return
            }
            // One of the server's slots, and a database of this test's own (tests run in
            // parallel: sharing one, backups would be scheduled onto other tests' services).
            try await PostgresTestSlots.withSlot(holder: Test.current?.name ?? "?") {
                try await ScratchPostgresDatabase.with(on: server, prefix: "ember_l_") { created in
                    let text = created.url
                    guard case .success(let url) = PostgresURL.parse(text) else {
                        Issue.record("EMBER_TEST_POSTGRES_URL is unusable")
                        return
                    }
                    let database = DatabaseConfiguration(
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
                            tablePrefix: "ember_bus_a" + unique,
                            operationTimeout: .seconds(PostgresTestSlots.operationTimeout)
                        ),
                        logger: logger
                    )
                    try await run(
                        database,
                        bus: bus,
                        workers: workers,
                        configuration: configuration,
                        dir: dir,
                        unique: unique,
                        images: images,
                        trustIdentityHeaders: trustIdentityHeaders,
                        body
                    )
                }
            }
        }
    }

    private static func run(
        _ database: DatabaseConfiguration,
        bus: any MessageBus,
        workers: WorkerConfiguration,
        configuration: EmberConfiguration,
        dir: TemporaryDirectory,
        unique: String,
        images: GlanceClient?,
        trustIdentityHeaders: Bool,
        _ body: @escaping @Sendable (Live) async throws -> Void
    ) async throws {
        try await EmberDatabase.withDatabase(configuration: database, logger: logger) { db in
            try await db.migrate()
            let api = VolumeAPI(
                store: db.store,
                configuration: try VolumeServiceConfiguration(files: configuration.files),
                caster: BusVolumeWorkCaster(bus: bus),
                images: images,
                logger: logger
            )
            try await api.types.ensureDefaultType()
            let scheduler = SchedulerManager(configuration: workers, store: db.store, bus: bus, logger: logger)
            let managers = workers.backends.map {
                VolumeManager(
                    backend: $0,
                    configuration: workers,
                    store: db.store,
                    bus: bus,
                    images: images,
                    logger: logger
                )
            }
            var backupConfiguration = BackupConfiguration(posixPath: dir.path + "/backup")
            backupConfiguration.fileSize = 64 << 20
            let backups = BackupManager(
                configuration: workers,
                backupConfiguration: backupConfiguration,
                store: db.store,
                bus: bus,
                logger: logger
            )
            var registry = PasteFactoryRegistry.standard()
            VolumeAPIRouter.register(in: &registry, api: api)
            if trustIdentityHeaders {
                registry.registerFilter("keystonemiddleware.auth_token:filter_factory") { _ in
                    PassThroughMiddleware(name: "authtoken")
                }
            }
            let loader = try PasteLoader(
                path: RepositoryPaths.etc("api-paste.ini"),
                registry: registry,
                environment: PasteEnvironment(configuration: configuration, logger: logger)
            )
            let app = try loader.loadApp(named: "osapi_volume")
            let application = Application(
                responder: PasteResponder(app: app, scheme: "http", defaultHost: "localhost"),
                logger: logger
            )
            let group = ServiceGroup(
                services: [bus, scheduler] + managers + [backups, api.compensations],
                logger: logger
            )
            try await whileRunning(group) {
                try await waitForBackend(scheduler)
                try await application.test(.router) { client in
                    try await body(Live(client: client, store: db.store, directory: dir.path, project: unique))
                }
            }
        }
    }

    static func waitForBackend(_ scheduler: SchedulerManager) async throws {
        if try await poll(until: { await !scheduler.backends().isEmpty }) { return }
        Issue.record("the scheduler never heard from the volume backend")
        throw CancellationError()
    }
}

/// The size of a file in bytes, or nil when it does not exist.
func fileSize(_ path: String) -> Int? {
    (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue
}

/// Writes `bytes` into a file at `offset`.
func writeBytes(_ bytes: [UInt8], to path: String, at offset: UInt64) throws {
    let handle = try #require(FileHandle(forUpdatingAtPath: path))
    try handle.seek(toOffset: offset)
    try handle.write(contentsOf: Data(bytes))
    try handle.close()
}

/// Reads `count` bytes of a file at `offset`.
func readBytes(_ count: Int, from path: String, at offset: UInt64) throws -> [UInt8] {
    let handle = try #require(FileHandle(forReadingAtPath: path))
    try handle.seek(toOffset: offset)
    let data = try handle.read(upToCount: count) ?? Data()
    try handle.close()
    return Array(data)
}

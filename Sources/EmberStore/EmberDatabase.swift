import EmberCore
import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle

/// The database: the store, migrations, and the connection lifecycle.
///
/// How the launcher uses it:
///
/// ```swift
/// let database = try await EmberDatabase.open(configuration: config, logger: logger)
/// // 1. Put it in the ServiceGroup *first*, so it shuts down last (services shut down in
/// //    reverse order): its `run()` drives PostgreSQL's connection pool.
/// let group = ServiceGroup(services: [database, api, scheduler, …], logger: logger)
/// // 2. Before a service touches the store (at the start of its own `run()`):
/// try await database.prepare()   // waits for the database (max_retries/retry_interval),
///                                 // then migrates if [database] sync_on_startup is true
/// // 3. Use `database.store` (a `BlockStorageStore`) anywhere; it is Sendable.
/// ```
///
/// Commands that only need the database for a moment (`ember manage db sync`) use
/// `EmberDatabase.withDatabase(configuration:logger:_:)`, which runs it around a closure.
///
/// Failure behaviour: every store operation is bounded by `[database] operation_timeout` and
/// fails with `StoreError.databaseUnavailable` (→ 503) when the database is down; the pool
/// reconnects by itself when the server is back.
public final class EmberDatabase: ServiceLifecycle.Service, Sendable {
    public let configuration: DatabaseConfiguration
    /// The store; valid for the lifetime of `run()`.
    public let store: SQLStore
    let driver: any SQLDriver
    private let logger: Logger

    private init(configuration: DatabaseConfiguration, driver: any SQLDriver, logger: Logger, clock: any EmberClock) {
        self.configuration = configuration
        self.driver = driver
        self.logger = logger
        store = SQLStore(driver: driver, logger: logger, clock: clock)
    }

    /// Creates the database client. SQLite files (and their directory) are created and opened
    /// now; PostgreSQL connects lazily once `run()` is running. The store stamps rows with
    /// `clock`'s time.
    public static func open(
        configuration: DatabaseConfiguration,
        logger: Logger,
        clock: any EmberClock = .system
    ) async throws(StoreError)
        -> EmberDatabase
    {
        switch configuration.backend {
        case .sqlite(let path):
            let driver = try await SQLiteDriver.open(
                path: path,
                readerCount: configuration.maxPoolSize,
                logger: logger
            )
            return EmberDatabase(configuration: configuration, driver: driver, logger: logger, clock: clock)
        case .postgresql(let settings):
            let clientConfiguration = postgresConfiguration(settings, pool: configuration)
            let probeConfiguration = try probeConfiguration(settings, pool: configuration)
            let driver = PostgresDriver(
                configuration: clientConfiguration,
                probeConfiguration: probeConfiguration,
                operationTimeout: .seconds(configuration.operationTimeout),
                logger: logger
            )
            return EmberDatabase(configuration: configuration, driver: driver, logger: logger, clock: clock)
        }
    }

    /// Runs the connection pool until cancelled or until graceful shutdown, then closes it.
    public func run() async throws {
        let driver = self.driver
        await cancelWhenGracefulShutdown {
            await driver.run()
        }
        await driver.shutdown()
    }

    /// Opens the database for `body` and closes it afterwards (for short-lived commands and
    /// tests). Calls `waitUntilReachable()` first.
    public static func withDatabase<T: Sendable>(
        configuration: DatabaseConfiguration,
        logger: Logger,
        clock: any EmberClock = .system,
        _ body: @escaping @Sendable (EmberDatabase) async throws -> T
    ) async throws -> T {
        let database = try await open(configuration: configuration, logger: logger, clock: clock)
        do {
            let result = try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    await database.driver.run()
                }
                defer { group.cancelAll() }
                try await database.waitUntilReachable()
                return try await body(database)
            }
            await database.driver.shutdown()
            return result
        } catch {
            await database.driver.shutdown()
            throw error
        }
    }

    /// Waits until the database answers, trying `max_retries` times (-1: forever) with waits of
    /// 1 s, 2 s, 4 s, … capped at `retry_interval`; then throws `.databaseUnavailable`.
    public func waitUntilReachable() async throws(StoreError) {
        var attempt = 0
        var delay = min(1.0, configuration.retryInterval)
        while true {
            let reason: String
            do {
                try await driver.probe()
                if attempt > 0 { logger.info("Database reachable", metadata: ["attempts": "\(attempt + 1)"]) }
                return
            } catch {
                guard case .databaseUnavailable(let why) = store.storeError(error) else {
                    throw store.storeError(error)
                }
                reason = why
            }
            attempt += 1
            if configuration.maxRetries >= 0, attempt > configuration.maxRetries {
                throw .databaseUnavailable(
                    "cannot reach \(configuration.redactedConnection) after \(attempt) attempts: \(reason)"
                )
            }
            logger.warning(
                "Database unreachable; retrying",
                metadata: ["attempt": "\(attempt)", "retry_in": "\(delay)", "error": "\(reason)"]
            )
            do {
                try await Task.sleep(for: .seconds(delay))
            } catch {
                throw .databaseUnavailable("cancelled while waiting for the database")
            }
            delay = min(delay * 2, max(configuration.retryInterval, 0.001))
        }
    }

    /// Waits for the database, then applies migrations when `sync_on_startup` is set, or
    /// checks the schema is current when it is not.
    public func prepare() async throws(StoreError) {
        try await waitUntilReachable()
        if configuration.syncOnStartup {
            let applied = try await migrate()
            if !applied.isEmpty { logger.info("Database schema migrated", metadata: ["versions": "\(applied)"]) }
        } else {
            let current = try await currentVersion()
            guard current >= Migration.latestVersion else {
                throw .schemaOutOfDate(current: current, required: Migration.latestVersion)
            }
        }
    }

    /// Applies every pending migration (idempotent); returns the versions applied.
    @discardableResult
    public func migrate(to version: Int? = nil) async throws(StoreError) -> [Int] {
        do {
            return try await Migrator(driver: driver).sync(to: version)
        } catch {
            throw store.storeError(error)
        }
    }

    /// The schema version recorded in the database (0 when empty).
    public func currentVersion() async throws(StoreError) -> Int {
        do {
            return try await Migrator(driver: driver).currentVersion()
        } catch {
            throw store.storeError(error)
        }
    }

    /// The newest schema version this build knows.
    public static var latestVersion: Int { Migration.latestVersion }

    /// Database connections running an operation now (the pool in use, for the metrics).
    public var connectionsInUse: Int { driver.connectionsInUse }

    /// The TLS settings libpq's `sslmode` stands for (nil: no TLS).
    static func tlsConfiguration(_ settings: DatabaseConfiguration.PostgresSettings) -> TLSConfiguration? {
        var tlsConfiguration = TLSConfiguration.makeClientConfiguration()
        switch settings.sslMode {
        case .disable:
            return nil
        case .prefer, .require:
            tlsConfiguration.certificateVerification = .none
        case .verifyFull:
            tlsConfiguration.certificateVerification = .fullVerification
            if let root = settings.sslRootCertificate {
                tlsConfiguration.trustRoots = .file(root)
            }
        }
        return tlsConfiguration
    }

    static func connectTimeout(
        _ settings: DatabaseConfiguration.PostgresSettings,
        pool: DatabaseConfiguration
    )
        -> Duration
    {
        .milliseconds(Int64((settings.connectTimeout ?? min(pool.operationTimeout, 10)) * 1000))
    }

    /// Timestamps are stored without a zone and always mean UTC, as cinder's do.
    static let startupParameters = [("TimeZone", "UTC"), ("application_name", "ember")]

    static func probeConfiguration(
        _ settings: DatabaseConfiguration.PostgresSettings,
        pool: DatabaseConfiguration
    ) throws(StoreError) -> PostgresConnection.Configuration {
        var configuration: PostgresConnection.Configuration
        switch settings.endpoint {
        case .tcp(let host, let port):
            var tls = PostgresConnection.Configuration.TLS.disable
            if let tlsConfiguration = tlsConfiguration(settings) {
                let context: NIOSSLContext
                do {
                    context = try NIOSSLContext(configuration: tlsConfiguration)
                } catch {
                    throw .databaseUnavailable("cannot set up TLS for PostgreSQL: \(error)")
                }
                tls = settings.sslMode == .prefer ? .prefer(context) : .require(context)
            }
            configuration = PostgresConnection.Configuration(
                host: host,
                port: port,
                username: settings.username,
                password: settings.password,
                database: settings.database,
                tls: tls
            )
        case .unixSocket(let path):
            configuration = PostgresConnection.Configuration(
                unixSocketPath: path,
                username: settings.username,
                password: settings.password,
                database: settings.database
            )
        }
        configuration.options.connectTimeout = .milliseconds(
            Int64((settings.connectTimeout ?? min(pool.operationTimeout, 10)) * 1000)
        )
        configuration.options.additionalStartupParameters = startupParameters
        return configuration
    }

    static func postgresConfiguration(
        _ settings: DatabaseConfiguration.PostgresSettings,
        pool: DatabaseConfiguration
    ) -> PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        switch settings.endpoint {
        case .tcp(let host, let port):
            var tls = PostgresClient.Configuration.TLS.disable
            if let tlsConfiguration = tlsConfiguration(settings) {
                tls = settings.sslMode == .prefer ? .prefer(tlsConfiguration) : .require(tlsConfiguration)
            }
            configuration = PostgresClient.Configuration(
                host: host,
                port: port,
                username: settings.username,
                password: settings.password,
                database: settings.database,
                tls: tls
            )
        case .unixSocket(let path):
            configuration = PostgresClient.Configuration(
                unixSocketPath: path,
                username: settings.username,
                password: settings.password,
                database: settings.database
            )
        }
        configuration.options.maximumConnections = pool.maxPoolSize
        configuration.options.minimumConnections = 0
        configuration.options.connectTimeout = connectTimeout(settings, pool: pool)
        configuration.options.additionalStartupParameters = startupParameters
        return configuration
    }
}

import EmberCore
import EmberTesting
import Foundation
import Logging
import Testing

@testable import EmberStore

/// A database the store suite runs against.
enum TestBackend: String, Sendable, CustomStringConvertible, CaseIterable {
    case sqlite
    case postgresql

    var description: String { rawValue }

    /// The backends to test: SQLite always; PostgreSQL when `EMBER_TEST_POSTGRES_URL` is set.
    /// Without the URL a notice is printed, and under CI (`CI` set) PostgreSQL is still listed
    /// so that its tests fail.
    static let all: [TestBackend] = {
        let environment = ProcessInfo.processInfo.environment
        if postgresURL != nil { return [.sqlite, .postgresql] }
        if environment["CI"] != nil { return [.sqlite, .postgresql] }
        print("NOTICE: EMBER_TEST_POSTGRES_URL is not set; EmberStoreTests run against SQLite only.")
        return [.sqlite]
    }()

    static var postgresURL: String? {
        let value = ProcessInfo.processInfo.environment["EMBER_TEST_POSTGRES_URL"]
        return value?.isEmpty == false ? value : nil
    }

    static let logger: Logger = {
        var logger = Logger(label: "ember.store.tests")
        logger.logLevel = .critical
        return logger
    }()

    /// Runs `body` with a migrated database of its own: a new SQLite file, or a new PostgreSQL
    /// database (created from the URL's database and dropped afterwards).
    func withDatabase(
        poolSize: Int = 5,
        _ body: @escaping @Sendable (EmberDatabase) async throws -> Void
    ) async throws {
        let unique = UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        switch self {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ember-store-\(unique)").path
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let configuration = DatabaseConfiguration(
                backend: .sqlite(path: directory + "/ember.sqlite"),
                redactedConnection: "sqlite",
                maxPoolSize: poolSize
            )
            try await EmberDatabase.withDatabase(configuration: configuration, logger: Self.logger) { database in
                try await database.migrate()
                try await body(database)
            }
        case .postgresql:
            guard let url = Self.postgresURL else {
                Issue.record("CI is set but EMBER_TEST_POSTGRES_URL is missing: PostgreSQL tests cannot run")
                return
            }
            // One of the server's slots: every test of the process starts at once.
            try await PostgresTestSlots.withSlot(holder: Test.current?.name ?? "?") {
                let admin = try Self.postgresConfiguration(url)
                let name = "ember_t_\(unique)"
                try await EmberDatabase.withDatabase(configuration: admin, logger: Self.logger) { database in
                    try await database.driver.read { executor in
                        try await executor.execute(SQL.raw("CREATE DATABASE \(name)"))
                    }
                }
                var configuration = admin
                guard case .postgresql(var settings) = admin.backend else { return }
                settings.database = name
                configuration.backend = .postgresql(settings)
                configuration.maxPoolSize = poolSize
                do {
                    try await EmberDatabase.withDatabase(configuration: configuration, logger: Self.logger) {
                        database in
                        try await database.migrate()
                        try await body(database)
                    }
                } catch {
                    try? await Self.dropDatabase(name, admin: admin)
                    throw error
                }
                try await Self.dropDatabase(name, admin: admin)
            }
        }
    }

    static func postgresConfiguration(_ url: String) throws -> DatabaseConfiguration {
        DatabaseConfiguration(
            backend: try DatabaseConfiguration.parse(url),
            redactedConnection: DatabaseConfiguration.redact(url),
            maxPoolSize: 2,
            maxRetries: 3,
            retryInterval: 0.5,
            operationTimeout: PostgresTestSlots.operationTimeout
        )
    }

    static func dropDatabase(_ name: String, admin: DatabaseConfiguration) async throws {
        try await EmberDatabase.withDatabase(configuration: admin, logger: logger) { database in
            try await database.driver.read { executor in
                try await executor.execute(SQL.raw("DROP DATABASE IF EXISTS \(name) WITH (FORCE)"))
            }
        }
    }
}

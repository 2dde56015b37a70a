import EmberCore
import Foundation
import Logging

/// The store over either backend: every operation is written once against `SQLDriver`, with
/// the few dialect differences (placeholders, `FOR UPDATE`, `ILIKE`) handled by `SQLDialect`.
public final class SQLStore: BlockStorageStore {
    let driver: any SQLDriver
    let logger: Logger
    /// Where timestamps (`created_at`, `updated_at`, heartbeats) come from.
    public let clock: any EmberClock

    init(driver: any SQLDriver, logger: Logger, clock: any EmberClock = .system) {
        self.driver = driver
        self.logger = logger
        self.clock = clock
    }

    public var dialect: SQLDialect { driver.dialect }

    /// Runs `body` outside a transaction; every error comes out as a `StoreError`.
    func reading<T: Sendable>(
        _ body: @escaping @Sendable (any SQLExecutor) async throws -> T
    ) async throws(StoreError)
        -> T
    {
        do {
            return try await driver.read(body)
        } catch {
            throw storeError(error)
        }
    }

    /// Runs `body` in a write transaction; every error comes out as a `StoreError`.
    func writing<T: Sendable>(
        _ body: @escaping @Sendable (any SQLExecutor) async throws -> T
    ) async throws(StoreError)
        -> T
    {
        do {
            return try await driver.write(body)
        } catch {
            throw storeError(error)
        }
    }

    func storeError(_ error: any Error) -> StoreError {
        switch error {
        case let error as StoreError:
            if case .internalError(let reason) = error {
                logger.error("Database error", metadata: ["error": "\(reason)"])
            }
            return error
        case is CancellationError:
            return .databaseUnavailable("the operation was cancelled")
        case DriverError.uniqueViolation(let constraint):
            logger.error("Unexpected unique constraint violation", metadata: ["constraint": "\(constraint)"])
            return .internalError("unique constraint violated: \(constraint)")
        case DriverError.retryableConflict:
            return .databaseUnavailable("the transaction kept conflicting with others")
        default:
            logger.error("Database error", metadata: ["error": "\(error)"])
            return .internalError("\(error)")
        }
    }

    /// The current time at the databases' precision.
    func now() -> Date { SQLTimestamp.truncated(clock.now) }

    /// Health check: one trivial query.
    func ping() async throws(StoreError) {
        _ = try await reading { executor in try await executor.query("SELECT 1 AS one") }
    }
}

/// Column/value pairs for INSERT and UPDATE.
typealias Assignments = [(column: String, value: SQLValue)]

extension SQLExecutor {
    /// `INSERT INTO table (…) VALUES (…) RETURNING *`.
    func insert(_ table: String, _ values: Assignments) async throws -> SQLRow {
        let columns = values.map { "\"" + $0.column + "\"" }.joined(separator: ", ")
        let sql: SQL =
            "INSERT INTO \(raw: table) (\(raw: columns)) VALUES \(SQL.list(values.map(\.value))) RETURNING *"
        guard let row = try await first(sql) else { throw StoreError.internalError("INSERT returned no row") }
        return row
    }

    /// `UPDATE table SET … WHERE id = ? AND deleted = FALSE [AND extra] RETURNING *`.
    func update(
        _ table: String,
        id: SQLValue,
        _ values: Assignments,
        extra: SQL? = nil,
        setSQL: [SQL] = []
    )
        async throws -> SQLRow?
    {
        var sets = values.map { SQL.raw("\"" + $0.column + "\" = ") + SQL.bind($0.value) }
        sets += setSQL
        var sql: SQL =
            "UPDATE \(raw: table) SET \(SQL.joined(sets, separator: ", ")) WHERE id = \(id) AND deleted = FALSE"
        if let extra { sql.append(" AND " + extra) }
        sql.append(raw: " RETURNING *")
        return try await first(sql)
    }

    /// Soft-deletes one row by id; false when there was no live row.
    func softDelete(_ table: String, id: SQLValue, now: Date, extra: Assignments = []) async throws -> Bool {
        let values: Assignments = [("deleted", .bool(true)), ("deleted_at", .date(now))] + extra
        return try await update(table, id: id, values) != nil
    }
}

extension ProjectScope {
    /// `AND <alias>.project_id = ?` for a project, nothing for all projects.
    func condition(alias: String, column: String = "project_id") -> SQL {
        switch self {
        case .project(let projectID): " AND \(raw: alias).\(raw: column) = \(projectID)"
        case .allProjects: ""
        }
    }
}

import Synchronization

/// Runs statements on one connection (inside or outside a transaction).
protocol SQLExecutor: Sendable {
    var dialect: SQLDialect { get }
    /// Runs `sql` and returns every row.
    func query(_ sql: SQL) async throws -> [SQLRow]
}

extension SQLExecutor {
    /// Runs `sql`, ignoring any rows.
    func execute(_ sql: SQL) async throws {
        _ = try await query(sql)
    }

    func first(_ sql: SQL) async throws -> SQLRow? {
        try await query(sql).first
    }
}

/// A database backend: connections, transactions and lifecycle.
///
/// Errors thrown out of `read`/`write` are `StoreError`s: drivers translate connection
/// failures to `.databaseUnavailable` and bound every operation by a timeout.
protocol SQLDriver: Sendable {
    var dialect: SQLDialect { get }

    /// Runs `body` on a connection outside any transaction (single statements autocommit).
    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLExecutor) async throws -> T) async throws -> T

    /// Runs `body` in a write transaction, committing when it returns and rolling back when it
    /// throws. PostgreSQL deadlocks and serialization failures retry the whole body.
    func write<T: Sendable>(_ body: @escaping @Sendable (any SQLExecutor) async throws -> T) async throws -> T

    /// Opens a fresh connection and runs `SELECT 1`, failing fast when the server is down
    /// (used by the start-up retry loop, which must not wait for the pool's own backoff).
    func probe() async throws

    /// Background work (the PostgreSQL pool); returns when cancelled or shut down.
    func run() async

    /// Closes every connection.
    func shutdown() async

    /// Connections running an operation now (for the metrics).
    var connectionsInUse: Int { get }
}

/// Counts the connections a driver has lent out.
final class ConnectionUseCounter: Sendable {
    private let count = Atomic<Int>(0)

    var value: Int { count.load(ordering: .relaxed) }

    /// Runs `body` counted as one connection in use.
    func counting<T>(_ body: () async throws -> T) async rethrows -> T {
        count.add(1, ordering: .relaxed)
        defer { count.subtract(1, ordering: .relaxed) }
        return try await body()
    }
}

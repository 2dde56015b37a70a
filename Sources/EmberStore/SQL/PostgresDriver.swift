import Foundation
import Logging
import PostgresNIO
import Synchronization

/// PostgreSQL backend over PostgresNIO's pooled `PostgresClient`.
///
/// Every operation (waiting for a connection included) is bounded by `operationTimeout`: when
/// it expires the leased connection is closed, which fails the query at once, and the caller
/// gets `StoreError.databaseUnavailable`. The pool replaces closed connections and keeps
/// trying to reconnect in the background, so service resumes when the server is back.
final class PostgresDriver: SQLDriver {
    let dialect = SQLDialect.postgresql
    let client: PostgresClient
    let operationTimeout: Duration
    private let logger: Logger

    private let probeConfiguration: PostgresConnection.Configuration

    init(
        configuration: PostgresClient.Configuration,
        probeConfiguration: PostgresConnection.Configuration,
        operationTimeout: Duration,
        logger: Logger
    ) {
        client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.probeConfiguration = probeConfiguration
        self.operationTimeout = operationTimeout
        self.logger = logger
    }

    func run() async {
        await client.run()
    }

    func shutdown() async {}

    func probe() async throws {
        do {
            let connection = try await PostgresConnection.connect(
                configuration: probeConfiguration,
                id: 0,
                logger: logger
            )
            do {
                _ = try await PostgresExecutor(connection: connection, logger: logger).query("SELECT 1 AS one")
            } catch {
                try? await connection.closeGracefully()
                throw error
            }
            try await connection.closeGracefully()
        } catch {
            throw Self.translate(error)
        }
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        try await withLease { connection in
            try await body(PostgresExecutor(connection: connection, logger: self.logger))
        }
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await withLease { connection in
                    let executor = PostgresExecutor(connection: connection, logger: self.logger)
                    try await executor.execute("BEGIN")
                    do {
                        let result = try await body(executor)
                        try await executor.execute("COMMIT")
                        return result
                    } catch {
                        try? await executor.execute("ROLLBACK")
                        throw error
                    }
                }
            } catch DriverError.retryableConflict where attempt < 5 {
                // Deadlock or serialization failure: the transaction was rolled back; run it again.
                logger.debug("PostgreSQL transaction conflict; retrying", metadata: ["attempt": "\(attempt)"])
                continue
            }
        }
    }

    private enum Race<T: Sendable>: Sendable {
        case value(T)
        case timedOut
    }

    /// Leases a connection for `body`, bounded by `operationTimeout`.
    private func withLease<T: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    )
        async throws -> T
    {
        let leased = LeasedConnection()
        let timeout = operationTimeout
        do {
            return try await withThrowingTaskGroup(of: Race<T>.self) { group in
                group.addTask {
                    let value = try await self.client.withConnection { connection in
                        leased.set(connection)
                        defer { leased.set(nil) }
                        return try await body(connection)
                    }
                    return .value(value)
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return .timedOut
                }
                let first = try await group.next()
                switch first {
                case .value(let value):
                    group.cancelAll()
                    return value
                case .timedOut, nil:
                    // Closing the connection fails a query that hangs; cancelling ends a wait
                    // for a connection.
                    if let connection = leased.get() { Self.closeNow(connection) }
                    group.cancelAll()
                    throw StoreError.databaseUnavailable("no answer from PostgreSQL within \(timeout)")
                }
            }
        } catch {
            throw Self.translate(error)
        }
    }

    /// Closes a connection without waiting (fails whatever query runs on it).
    static func closeNow(_ connection: PostgresConnection) {
        let _: EventLoopFuture<Void> = connection.close()
    }

    static func translate(_ error: any Error) -> any Error {
        switch error {
        case is StoreError, is DriverError, is CancellationError:
            return error
        case let error as PSQLError:
            switch error.code {
            case .server:
                let state = error.serverInfo?[.sqlState] ?? ""
                let message = error.serverInfo?[.message] ?? ""
                if state == "23505" { return DriverError.uniqueViolation(message) }
                if state == "40001" || state == "40P01" { return DriverError.retryableConflict }
                // Class 08 connection exceptions, 57P0x shutdown/cannot-connect, 53300 too many connections.
                if state.hasPrefix("08") || state.hasPrefix("57P") || state == "53300" {
                    return StoreError.databaseUnavailable("PostgreSQL: \(message) (\(state))")
                }
                return StoreError.internalError("PostgreSQL: \(message) (\(state))")
            case .queryCancelled:
                return CancellationError()
            case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed,
                .sslUnsupported, .failedToAddSSLHandler:
                return StoreError.databaseUnavailable("PostgreSQL connection: \(error.code)")
            default:
                return StoreError.internalError("PostgreSQL: \(error.code)")
            }
        default:
            // Connection-pool errors (circuit breaker open) and socket errors from connecting.
            return StoreError.databaseUnavailable("PostgreSQL: \(error)")
        }
    }
}

/// The connection an operation currently holds, so a timeout can close it.
private final class LeasedConnection: Sendable {
    private let connection = Mutex<PostgresConnection?>(nil)

    func set(_ value: PostgresConnection?) { connection.withLock { $0 = value } }
    func get() -> PostgresConnection? { connection.withLock { $0 } }
}

struct PostgresExecutor: SQLExecutor {
    let connection: PostgresConnection
    let logger: Logger
    var dialect: SQLDialect { .postgresql }

    func query(_ sql: SQL) async throws -> [SQLRow] {
        let (text, values) = sql.render(.postgresql)
        var bindings = PostgresBindings(capacity: values.count)
        for value in values {
            switch value {
            case .null: bindings.appendNull()
            case .int(let number): bindings.append(number)
            case .double(let number): bindings.append(number)
            case .text(let string): bindings.append(string)
            case .bool(let flag): bindings.append(flag)
            case .date(let date): bindings.append(date)
            }
        }
        do {
            let sequence = try await connection.query(PostgresQuery(unsafeSQL: text, binds: bindings), logger: logger)
            var rows: [SQLRow] = []
            var columns: SQLRow.Columns?
            for try await row in sequence {
                let names = columns ?? SQLRow.Columns(row.map(\.columnName))
                columns = names
                rows.append(SQLRow(columns: names, values: try row.map(Self.decode)))
            }
            return rows
        } catch {
            throw PostgresDriver.translate(error)
        }
    }

    static func decode(_ cell: PostgresCell) throws -> SQLValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8, .oid:
            return .int(try cell.decode(Int.self))
        case .bool:
            return .bool(try cell.decode(Bool.self))
        case .float4, .float8:
            return .double(try cell.decode(Double.self))
        case .timestamp, .timestamptz, .date:
            return .date(try cell.decode(Date.self))
        case .numeric:
            let text = try cell.decode(String.self)
            if let number = Int(text) { return .int(number) }
            return .double(Double(text) ?? 0)
        default:
            return .text(try cell.decode(String.self))
        }
    }
}

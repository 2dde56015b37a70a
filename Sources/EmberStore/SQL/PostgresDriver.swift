import EmberCore
import Foundation
import Logging
import PostgresNIO

/// PostgreSQL backend over PostgresNIO's pooled `PostgresClient`.
///
/// Every operation (waiting for a connection included) is bounded by `operationTimeout`: when
/// it expires the caller gets `StoreError.databaseUnavailable` without waiting further, and the
/// leased connection is closed, which fails the query. The pool replaces closed connections and keeps
/// trying to reconnect in the background, so service resumes when the server is back.
final class PostgresDriver: SQLDriver {
    let dialect = SQLDialect.postgresql
    let client: PostgresClient
    let operationTimeout: Duration
    private let logger: Logger

    private let probeConfiguration: PostgresConnection.Configuration
    private let inUse = ConnectionUseCounter()
    var connectionsInUse: Int { inUse.value }

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
                    } catch StoreError.databaseUnavailable(let reason) {
                        // The connection failed under the transaction (the server ended the
                        // session, or the connection closed or is closing): the server rolls the
                        // transaction back when the session ends, and a ROLLBACK written to a
                        // connection that is closing can be lost by PostgresNIO, its caller then
                        // waiting for ever. Close the connection instead of writing to it.
                        Self.closeNow(connection)
                        throw StoreError.databaseUnavailable(reason)
                    } catch {
                        // Not written when the connection has closed (``PostgresExecutor/query(_:)``).
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

    /// Leases a connection for `body`, bounded by `operationTimeout` (see ``Deadline``): at
    /// the deadline the caller gets `databaseUnavailable` at once and the connection, if one
    /// was leased, is closed (a query in flight fails, an open transaction is rolled back);
    /// when the lease comes after the deadline, `body` does not run. A lease found closed is
    /// given back and another taken, up to ``leasesPerOperation``.
    private func withLease<T: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    )
        async throws -> T
    {
        let hold = AbandonableHold<PostgresConnection>()
        let timeout = operationTimeout
        let closeHeldConnection: @Sendable () -> Void = {
            if let connection = hold.abandon() { Self.closeNow(connection) }
        }
        do {
            return try await Deadline.run(
                within: timeout,
                timeoutError: StoreError.databaseUnavailable("no answer from PostgreSQL within \(timeout)"),
                onAbandon: closeHeldConnection
            ) {
                // Nothing is written to a connection the server has closed: a statement
                // written to it could be lost (see ``PostgresExecutor/query(_:)``).
                try await hold.withUsableLease(
                    attempts: Self.leasesPerOperation,
                    lease: { try await self.client.withConnection($0) },
                    usable: { !$0.isClosed },
                    unusable: StoreError.databaseUnavailable("PostgreSQL closed the connection")
                ) { connection in
                    try await self.inUse.counting { try await body(connection) }
                }
            }
        } catch {
            throw Self.translate(error)
        }
    }

    /// Leases tried for one operation while the pool hands out connections that have closed.
    static let leasesPerOperation = 5

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

struct PostgresExecutor: SQLExecutor {
    let connection: PostgresConnection
    let logger: Logger
    var dialect: SQLDialect { .postgresql }

    func query(_ sql: SQL) async throws -> [SQLRow] {
        // PostgresNIO writes a statement to a closed connection into the void (the channel
        // handler that would fail it has gone) and the caller waits for ever: the ROLLBACK of
        // a transaction whose connection dropped (an outage, the pool shutting down, the
        // operation timeout closing it) did. Refuse it instead.
        guard !connection.isClosed else {
            throw StoreError.databaseUnavailable("PostgreSQL connection: closed")
        }
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

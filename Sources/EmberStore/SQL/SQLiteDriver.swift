import Foundation
import Logging
import SQLiteNIO
import Synchronization

/// SQLite backend: one writer connection whose transactions are serialised in-process by an
/// async lock and across processes by `BEGIN IMMEDIATE`, plus reader connections (WAL mode
/// lets them read while a write is in progress).
final class SQLiteDriver: SQLDriver {
    let dialect = SQLDialect.sqlite
    let path: String
    private let writer: SQLiteConnection
    private let readers: [SQLiteConnection]
    private let nextReader = Atomic<Int>(0)
    private let writeLock = AsyncLock()
    private let logger: Logger

    private init(path: String, writer: SQLiteConnection, readers: [SQLiteConnection], logger: Logger) {
        self.path = path
        self.writer = writer
        self.readers = readers
        self.logger = logger
    }

    /// Opens (creating if needed) the database file and its connections.
    static func open(path: String, readerCount: Int, logger: Logger) async throws(StoreError) -> SQLiteDriver {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw .databaseUnavailable("cannot create directory \(directory) for the SQLite database")
            }
        }
        do {
            let writer = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
            try await configure(writer, first: true)
            var readers: [SQLiteConnection] = []
            for _ in 0..<max(1, readerCount) {
                let reader = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
                try await configure(reader, first: false)
                readers.append(reader)
            }
            return SQLiteDriver(path: path, writer: writer, readers: readers, logger: logger)
        } catch {
            throw .databaseUnavailable("cannot open SQLite database \(path): \(error)")
        }
    }

    private static func configure(_ connection: SQLiteConnection, first: Bool) async throws {
        if first {
            try await connection.query("PRAGMA journal_mode=WAL", []) { _ in }
        }
        try await connection.query("PRAGMA synchronous=NORMAL", []) { _ in }
        try await connection.query("PRAGMA foreign_keys=ON", []) { _ in }
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        let index = nextReader.wrappingAdd(1, ordering: .relaxed).oldValue
        let connection = readers[index % readers.count]
        do {
            return try await body(SQLiteExecutor(connection: connection))
        } catch {
            throw Self.translate(error)
        }
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        do {
            return try await writeLock.withLock {
                let executor = SQLiteExecutor(connection: writer)
                try await executor.execute(SQL.raw(dialect.beginWrite))
                do {
                    let result = try await body(executor)
                    try await executor.execute("COMMIT")
                    return result
                } catch {
                    do {
                        try await executor.execute("ROLLBACK")
                    } catch {
                        logger.warning("SQLite rollback failed", metadata: ["error": "\(error)"])
                    }
                    throw error
                }
            }
        } catch {
            throw Self.translate(error)
        }
    }

    func probe() async throws {
        _ = try await read { executor in try await executor.query("SELECT 1 AS one") }
    }

    func run() async {
        // Nothing runs in the background; wait until the surrounding task is cancelled.
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(3600))
        }
    }

    func shutdown() async {
        for connection in readers + [writer] where !connection.isClosed {
            try? await connection.close()
        }
    }

    static func translate(_ error: any Error) -> any Error {
        if error is StoreError || error is CancellationError { return error }
        if let error = error as? DriverError { return error }
        if let error = error as? SQLiteError {
            switch error.reason {
            case .constraintUniqueFailed, .constraintPrimaryKeyFailed:
                return DriverError.uniqueViolation(error.message)
            case .cantOpen, .ioError, .full, .readOnly, .notADatabase, .corrupt:
                return StoreError.databaseUnavailable("SQLite: \(error.message)")
            default:
                return StoreError.internalError("SQLite: \(error.message)")
            }
        }
        return StoreError.internalError("\(error)")
    }
}

/// Errors the store reacts to, below `StoreError`.
enum DriverError: Error, Sendable {
    /// A unique index rejected the row (the message names the constraint).
    case uniqueViolation(String)
    /// A PostgreSQL deadlock or serialization failure; the transaction may be retried.
    case retryableConflict
}

struct SQLiteExecutor: SQLExecutor {
    let connection: SQLiteConnection
    var dialect: SQLDialect { .sqlite }

    func query(_ sql: SQL) async throws -> [SQLRow] {
        let (text, binds) = sql.render(.sqlite)
        let collected = Mutex<[SQLiteRow]>([])
        do {
            try await connection.query(text, binds.map(Self.encode)) { row in
                collected.withLock { $0.append(row) }
            }
        } catch {
            throw SQLiteDriver.translate(error)
        }
        let rows = collected.withLock { $0 }
        guard let first = rows.first else { return [] }
        let columns = SQLRow.Columns(first.columns.map(\.name))
        return rows.map { row in SQLRow(columns: columns, values: row.columns.map { Self.decode($0.data) }) }
    }

    static func encode(_ value: SQLValue) -> SQLiteData {
        switch value {
        case .null: .null
        case .int(let number): .integer(number)
        case .double(let number): .float(number)
        case .text(let text): .text(text)
        case .bool(let flag): .integer(flag ? 1 : 0)
        case .date(let date): .text(SQLTimestamp.format(date))
        }
    }

    static func decode(_ data: SQLiteData) -> SQLValue {
        switch data {
        case .null: .null
        case .integer(let number): .int(number)
        case .float(let number): .double(number)
        case .text(let text): .text(text)
        case .blob(let buffer): .text(String(buffer: buffer))
        }
    }
}

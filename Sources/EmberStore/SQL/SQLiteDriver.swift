import Foundation
import Logging
import NIOPosix
import Synchronization

/// SQLite backend (the system `libsqlite3`): one writer connection whose transactions are
/// serialised in-process by an async lock and across processes by `BEGIN IMMEDIATE`, plus
/// reader connections handed to one task at a time (WAL mode lets them read while a write is
/// in progress).
///
/// Write statements run on a thread of their own: `BEGIN IMMEDIATE` may wait (the busy
/// timeout) for another process's transaction, and the shared blocking pool may be busy with a
/// volume copy. Reads run in the calling task: in WAL mode a reader never waits for a writer,
/// and a page read from the cache costs less than the two thread hops it would otherwise take
/// (running reads inline took about a tenth off the CPU time of a 100-volume detail page).
final class SQLiteDriver: SQLDriver {
    let dialect = SQLDialect.sqlite
    let path: String
    private let writer: SQLiteConnection
    /// Readers not in use; a read with none idle opens another, and a returned reader beyond
    /// `readerCount` is closed.
    private let idleReaders: Mutex<[SQLiteConnection]>
    private let readerCount: Int
    private let closed = Atomic<Bool>(false)
    private let writeLock = AsyncLock()
    private let inUse = ConnectionUseCounter()
    var connectionsInUse: Int { inUse.value }
    private let threadPool = SQLiteDriver.sharedThreadPool
    private let logger: Logger

    /// One thread, for the process's SQLite write statements and connection opening; started
    /// on first use and never stopped (it idles when there is nothing to do).
    private static let sharedThreadPool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
        return pool
    }()

    private init(path: String, writer: SQLiteConnection, readers: [SQLiteConnection], logger: Logger) {
        self.path = path
        self.writer = writer
        self.idleReaders = Mutex(readers)
        self.readerCount = readers.count
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
        let pool = sharedThreadPool
        do {
            let writer = try await pool.runIfActive { try connect(path, first: true) }
            var readers: [SQLiteConnection] = []
            for _ in 0..<max(1, readerCount) {
                readers.append(try await pool.runIfActive { try connect(path, first: false) })
            }
            return SQLiteDriver(path: path, writer: writer, readers: readers, logger: logger)
        } catch {
            throw .databaseUnavailable("cannot open SQLite database \(path): \(error)")
        }
    }

    /// A configured connection (blocking).
    private static func connect(_ path: String, first: Bool) throws -> SQLiteConnection {
        let connection = try SQLiteConnection.open(path: path)
        if first {
            _ = try connection.query("PRAGMA journal_mode=WAL", [])
        }
        _ = try connection.query("PRAGMA synchronous=NORMAL", [])
        _ = try connection.query("PRAGMA foreign_keys=ON", [])
        return connection
    }

    private func checkOutReader() async throws -> SQLiteConnection {
        if let idle = idleReaders.withLock({ $0.popLast() }) { return idle }
        let path = path
        return try await threadPool.runIfActive { try Self.connect(path, first: false) }
    }

    private func checkIn(_ reader: SQLiteConnection) {
        let kept = idleReaders.withLock { idle in
            guard !closed.load(ordering: .acquiring), idle.count < readerCount else { return false }
            idle.append(reader)
            return true
        }
        if !kept { reader.close() }
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        do {
            let reader = try await checkOutReader()
            defer { checkIn(reader) }
            return try await inUse.counting { try await body(SQLiteExecutor(connection: reader, threadPool: nil)) }
        } catch {
            throw Self.translate(error)
        }
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (any SQLExecutor) async throws -> T) async throws -> T {
        do {
            return try await writeLock.withLock {
                try await inUse.counting { try await writeTransaction(body) }
            }
        } catch {
            throw Self.translate(error)
        }
    }

    /// One write transaction on the writer connection; the caller holds the write lock.
    private func writeTransaction<T: Sendable>(
        _ body: @escaping @Sendable (any SQLExecutor) async throws -> T
    ) async throws -> T {
        let executor = SQLiteExecutor(connection: writer, threadPool: threadPool)
        try await executor.execute(SQL.raw(dialect.beginWrite))
        do {
            let result = try await body(executor)
            try await executor.execute("COMMIT")
            return result
        } catch {
            // In the calling task, not on the pool: a cancelled task must still end its
            // transaction, or the writer stays inside it and every later write fails.
            do {
                _ = try writer.query("ROLLBACK", [])
            } catch {
                logger.warning("SQLite rollback failed", metadata: ["error": "\(error)"])
            }
            throw error
        }
    }

    func probe() async throws {
        _ = try await read { executor in try await executor.query("SELECT 1 AS one") }
    }

    func run() async {
        // Nothing runs in the background; wait until the surrounding task is cancelled. No
        // timer: libdispatch on Linux programs one timerfd per clock, and with an hour-long
        // sleep armed it was seen to leave shorter sleeps of other tasks waiting that hour.
        let (cancelled, finish) = AsyncStream<Never>.makeStream()
        await withTaskCancellationHandler {
            for await _ in cancelled {}
        } onCancel: {
            finish.finish()
        }
    }

    func shutdown() async {
        closed.store(true, ordering: .releasing)
        let idle = idleReaders.withLock { idle in
            defer { idle.removeAll() }
            return idle
        }
        // The writer closes once the transaction in hand (if any) has finished.
        try? await writeLock.withLock {
            for connection in idle + [writer] { connection.close() }
        }
    }

    static func translate(_ error: any Error) -> any Error {
        if error is StoreError || error is CancellationError { return error }
        if let error = error as? DriverError { return error }
        if let failure = error as? SQLiteFailure {
            if failure.isUniqueViolation { return DriverError.uniqueViolation(failure.message) }
            if failure.isUnavailable { return StoreError.databaseUnavailable("SQLite: \(failure.message)") }
            return StoreError.internalError("SQLite: \(failure.message)")
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
    /// Where statements run; nil runs them in the calling task.
    let threadPool: NIOThreadPool?
    var dialect: SQLDialect { .sqlite }

    func query(_ sql: SQL) async throws -> [SQLRow] {
        let (text, binds) = sql.render(.sqlite)
        let connection = connection
        do {
            guard let threadPool else { return try connection.query(text, binds) }
            return try await threadPool.runIfActive { try connection.query(text, binds) }
        } catch {
            throw SQLiteDriver.translate(error)
        }
    }
}

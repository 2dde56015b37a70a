import CSQLite3
import Foundation
import NIOPosix
import Synchronization

/// A failed SQLite call: its extended result code and the connection's message.
struct SQLiteFailure: Error, Sendable, CustomStringConvertible {
    let code: Int32
    let message: String

    /// The primary result code (`SQLITE_CONSTRAINT` for `SQLITE_CONSTRAINT_UNIQUE`).
    var primaryCode: Int32 { code & 0xFF }
    var description: String { "\(message) (code \(code))" }

    var isUniqueViolation: Bool { code == ember_sqlite_constraint_unique || code == ember_sqlite_constraint_primarykey }

    /// The file is unusable: cannot be opened, is not a database, is full, read-only, corrupt.
    var isUnavailable: Bool {
        [SQLITE_CANTOPEN, SQLITE_IOERR, SQLITE_FULL, SQLITE_READONLY, SQLITE_NOTADB, SQLITE_CORRUPT]
            .contains(primaryCode)
    }
}

/// One connection to the system SQLite (`libsqlite3`), with its prepared statements kept by
/// SQL text so that a query run again skips the parser and planner.
///
/// Not thread-safe by itself (opened `SQLITE_OPEN_NOMUTEX`): the driver hands a connection
/// to one task at a time, and that task runs its statements one after the other (readers in
/// the calling task, the writer on its own thread).
final class SQLiteConnection: @unchecked Sendable {
    /// Statements kept at most; past it the cache starts again (SQL built with a varying
    /// number of placeholders must not grow it without bound).
    static let statementCacheLimit = 256

    private var handle: OpaquePointer?
    private var statements: [String: Prepared] = [:]

    /// A prepared statement and what its results look like, worked out on its first row and
    /// kept until SQLite prepares it again (after a schema change).
    private final class Prepared {
        let statement: OpaquePointer
        var columns: SQLRow.Columns?
        /// Per column: declared `DATETIME`, read straight into a date.
        var datetimes: [Bool] = []
        /// `SQLITE_STMTSTATUS_REPREPARE` when `columns` were read.
        var preparedCount: Int32 = 0

        init(_ statement: OpaquePointer) {
            self.statement = statement
        }

        func shape() -> (SQLRow.Columns, [Bool]) {
            let reprepared = sqlite3_stmt_status(statement, SQLITE_STMTSTATUS_REPREPARE, 0)
            if let columns, reprepared == preparedCount { return (columns, datetimes) }
            let count = sqlite3_column_count(statement)
            let shaped = SQLRow.Columns((0..<count).map { String(cString: sqlite3_column_name(statement, $0)) })
            datetimes = (0..<count).map { SQLiteConnection.isDatetime(statement, column: $0) }
            columns = shaped
            preparedCount = reprepared
            return (shaped, datetimes)
        }
    }

    private init(handle: OpaquePointer) {
        self.handle = handle
    }

    deinit { close() }

    /// Opens (creating) the database file: extended result codes on, a busy timeout for
    /// other processes' write transactions.
    static func open(path: String, busyTimeout: Duration = .seconds(5)) throws(SQLiteFailure) -> SQLiteConnection {
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let result = sqlite3_open_v2(path, &handle, flags, nil)
        guard result == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(handle)
            throw SQLiteFailure(code: result, message: message)
        }
        sqlite3_extended_result_codes(handle, 1)
        let milliseconds =
            busyTimeout.components.seconds * 1000 + busyTimeout.components.attoseconds / 1_000_000_000_000_000
        sqlite3_busy_timeout(handle, Int32(clamping: milliseconds))
        return SQLiteConnection(handle: handle)
    }

    var isClosed: Bool { handle == nil }

    func close() {
        for prepared in statements.values { sqlite3_finalize(prepared.statement) }
        statements.removeAll()
        if let handle { sqlite3_close_v2(handle) }
        handle = nil
    }

    /// Runs one statement and returns its rows (blocking: call it on the thread pool).
    func query(_ text: String, _ binds: [SQLValue]) throws(SQLiteFailure) -> [SQLRow] {
        guard let handle else { throw SQLiteFailure(code: SQLITE_MISUSE, message: "connection is closed") }
        let prepared = try prepared(text, handle: handle)
        let statement = prepared.statement
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        for (index, value) in binds.enumerated() {
            try check(Self.bind(value, at: Int32(index + 1), in: statement), handle: handle)
        }
        var rows: [SQLRow] = []
        var shape: (columns: SQLRow.Columns, datetimes: [Bool])?
        while true {
            let step = sqlite3_step(statement)
            if step == SQLITE_DONE { break }
            guard step == SQLITE_ROW else { throw failure(step, handle: handle) }
            if shape == nil { shape = prepared.shape() }
            guard let (columns, datetimes) = shape else { break }
            var values: [SQLValue] = []
            values.reserveCapacity(datetimes.count)
            for column in datetimes.indices {
                values.append(Self.value(of: statement, column: Int32(column), datetime: datetimes[column]))
            }
            rows.append(SQLRow(columns: columns, values: values))
        }
        return rows
    }

    /// Whether the result column is a table column declared `DATETIME`: its text is read
    /// straight into a date, with no string in between (as PostgreSQL hands timestamps over).
    fileprivate static func isDatetime(_ statement: OpaquePointer, column: Int32) -> Bool {
        guard let declared = sqlite3_column_decltype(statement, column) else { return false }
        return strcasecmp(declared, "DATETIME") == 0
    }

    private func prepared(_ text: String, handle: OpaquePointer) throws(SQLiteFailure) -> Prepared {
        if let prepared = statements[text] { return prepared }
        var statement: OpaquePointer?
        let result = sqlite3_prepare_v3(handle, text, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard result == SQLITE_OK, let statement else { throw failure(result, handle: handle) }
        if statements.count >= Self.statementCacheLimit {
            for cached in statements.values { sqlite3_finalize(cached.statement) }
            statements.removeAll(keepingCapacity: true)
        }
        let prepared = Prepared(statement)
        statements[text] = prepared
        return prepared
    }

    private static func bind(_ value: SQLValue, at index: Int32, in statement: OpaquePointer) -> Int32 {
        switch value {
        case .null: return sqlite3_bind_null(statement, index)
        case .int(let number): return sqlite3_bind_int64(statement, index, Int64(number))
        case .double(let number): return sqlite3_bind_double(statement, index, number)
        case .bool(let flag): return sqlite3_bind_int64(statement, index, flag ? 1 : 0)
        case .text(let text): return bindText(text, at: index, in: statement)
        case .date(let date): return bindText(SQLTimestamp.format(date), at: index, in: statement)
        }
    }

    private static func bindText(_ text: String, at index: Int32, in statement: OpaquePointer) -> Int32 {
        var text = text
        return text.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { characters in
                ember_sqlite3_bind_text(statement, index, characters.baseAddress, Int32(characters.count))
            }
        }
    }

    /// One column of the current row. The column's `sqlite3_value` is read with the `value_*`
    /// calls: each `column_*` call looks the column up and checks the connection again.
    /// (Its value is "unprotected": fine here, the connection is used by one task at a time.)
    private static func value(of statement: OpaquePointer, column: Int32, datetime: Bool) -> SQLValue {
        guard let value = sqlite3_column_value(statement, column) else { return .null }
        switch sqlite3_value_type(value) {
        case SQLITE_NULL: return .null
        case SQLITE_INTEGER: return .int(Int(sqlite3_value_int64(value)))
        case SQLITE_FLOAT: return .double(sqlite3_value_double(value))
        default:
            // Text, and blobs read as text (Ember stores none).
            // The pointer first, then its length (SQLite's documented order).
            guard let bytes = sqlite3_value_blob(value) else { return .text("") }
            let text = UnsafeRawBufferPointer(start: bytes, count: Int(sqlite3_value_bytes(value)))
            if datetime, let date = SQLTimestamp.parse(bytes: text.assumingMemoryBound(to: UInt8.self)) {
                return .date(date)
            }
            return .text(String(decoding: text, as: UTF8.self))
        }
    }

    private func check(_ result: Int32, handle: OpaquePointer) throws(SQLiteFailure) {
        if result != SQLITE_OK { throw failure(result, handle: handle) }
    }

    private func failure(_ result: Int32, handle: OpaquePointer) -> SQLiteFailure {
        SQLiteFailure(code: sqlite3_extended_errcode(handle), message: String(cString: sqlite3_errmsg(handle)))
    }
}

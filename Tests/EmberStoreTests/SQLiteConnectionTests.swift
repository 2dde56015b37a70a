import Foundation
import Testing

@testable import EmberStore

/// Ember's own SQLite connection: cached statements, the shape of their results, datetimes.
@Suite struct SQLiteConnectionTests {
    static func withConnection(_ body: (SQLiteConnection) throws -> Void) throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ember-\(UUID().uuidString).sqlite")
            .path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let connection = try SQLiteConnection.open(path: path)
        defer { connection.close() }
        try body(connection)
    }

    /// A cached `SELECT *` follows the table when its columns change under it.
    @Test func cachedStatementsFollowSchemaChanges() throws {
        try Self.withConnection { connection in
            _ = try connection.query("CREATE TABLE t (a INTEGER, at DATETIME)", [])
            _ = try connection.query("INSERT INTO t VALUES (1, '2024-02-29 23:59:59.250000')", [])
            let before = try connection.query("SELECT * FROM t", [])
            #expect(before.first?.columns.names == ["a", "at"])
            _ = try connection.query("ALTER TABLE t ADD COLUMN b TEXT DEFAULT 'x'", [])
            let after = try connection.query("SELECT * FROM t", [])
            #expect(after.first?.columns.names == ["a", "at", "b"])
            #expect(try after.first?["b"] == "x")
        }
    }

    /// Columns declared DATETIME come back as dates; the same text in another column, or
    /// text that is no timestamp, stays text.
    @Test func datetimeColumnsAreReadAsDates() throws {
        try Self.withConnection { connection in
            _ = try connection.query("CREATE TABLE t (at DATETIME, note TEXT)", [])
            _ = try connection.query("INSERT INTO t VALUES ('2024-02-29 23:59:59.250000', '2024-02-29 23:59:59')", [])
            _ = try connection.query("INSERT INTO t VALUES ('not a time', NULL)", [])
            let rows = try connection.query("SELECT at, note, at || '' AS copied FROM t ORDER BY rowid", [])
            #expect(rows[0].values[0] == .date(Date(timeIntervalSince1970: 1_709_251_199.25)))
            #expect(rows[0].values[1] == .text("2024-02-29 23:59:59"))
            #expect(rows[0].values[2] == .text("2024-02-29 23:59:59.250000"))
            #expect(rows[1].values[0] == .text("not a time"))
        }
    }
}

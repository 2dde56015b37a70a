import Foundation

/// A PostgreSQL database of one test's own on the test server (`EMBER_TEST_POSTGRES_URL`),
/// made and dropped with `psql`. Tests run in parallel: sharing one database, each would see
/// the others' services (and schedule onto them), volumes and backups.
public struct ScratchPostgresDatabase: Sendable {
    /// The database's name.
    public let name: String
    /// The server URL with this database in place of the server URL's.
    public let url: String
    let serverURL: String

    /// Creates a database named `prefix` plus a random suffix on the server of `serverURL`.
    public static func create(
        on serverURL: String,
        prefix: String = "ember_t_"
    ) async throws
        -> ScratchPostgresDatabase
    {
        let name = prefix + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await psql(url(serverURL, database: "postgres"), "CREATE DATABASE \(name)")
        return ScratchPostgresDatabase(name: name, url: url(serverURL, database: name), serverURL: serverURL)
    }

    /// Drops the database, ending the connections still open to it.
    public func drop() async throws {
        try await Self.psql(Self.url(serverURL, database: "postgres"), "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

    /// Runs `body` with a new database and drops it afterwards, whether `body` throws or not.
    public static func with<T: Sendable>(
        on serverURL: String,
        prefix: String = "ember_t_",
        _ body: (ScratchPostgresDatabase) async throws -> T
    ) async throws -> T {
        let database = try await create(on: serverURL, prefix: prefix)
        do {
            let result = try await body(database)
            try await database.drop()
            return result
        } catch {
            try? await database.drop()
            throw error
        }
    }

    /// `url` with its database replaced by `database` (query parameters kept).
    public static func url(_ url: String, database: String) -> String {
        var base = url
        var query = ""
        if let mark = url.firstIndex(of: "?") {
            base = String(url[..<mark])
            query = String(url[mark...])
        }
        guard let slash = base.lastIndex(of: "/") else { return url }
        return String(base[...slash]) + database + query
    }

    static func psql(_ url: String, _ statement: String) async throws {
        let result = try await ChildProcess.run(
            "/usr/bin/env",
            ["psql", "-q", "-v", "ON_ERROR_STOP=1", url, "-c", statement]
        )
        guard result.status == 0 else {
            throw ChildProcessError.exited(status: result.status, log: "psql -c \(statement): \(result.output)")
        }
    }
}

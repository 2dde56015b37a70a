import EmberCore
import Foundation

/// `[database]` options, read as oslo.db reads them for cinder.
///
/// Options (defaults in brackets):
/// - `connection` [`sqlite:///$state_path/ember.sqlite`]: SQLAlchemy-style URL. Accepted forms:
///   `sqlite:///relative/path.db`, `sqlite:////absolute/path.db`,
///   `postgresql://user:pass@host:port/db` (also `postgres://`, `postgresql+psycopg2://`,
///   `postgresql+psycopg://`), a unix socket as `postgresql://user@/db?host=/var/run/postgresql`
///   or with a percent-encoded host (`postgresql://user@%2Fvar%2Frun%2Fpostgresql/db`), and the
///   query parameters `sslmode` (`disable`, `prefer` — libpq's default — `require`,
///   `verify-full`), `sslrootcert`, `port` and `connect_timeout`. Others are ignored.
/// - `max_pool_size` [5]: most PostgreSQL connections kept by this process (SQLite: readers).
/// - `max_retries` [10]: connection attempts at start-up before giving up; -1 retries forever.
/// - `retry_interval` [10]: seconds between start-up attempts (the wait grows 1 s, 2 s, 4 s, …
///   up to this value).
/// - `sync_on_startup` [true] (Ember): `ember all` applies migrations when it starts.
/// - `operation_timeout` [30] (Ember): seconds any one operation (waiting for a connection
///   included) may take before it fails with "database unavailable".
public struct DatabaseConfiguration: Sendable, Equatable {
    /// How PostgreSQL connections use TLS (libpq's `sslmode`).
    public enum SSLMode: String, Sendable, Equatable, CaseIterable {
        case disable
        /// TLS if the server offers it, without certificate checks (libpq's default).
        case prefer
        /// TLS required, certificate not verified (libpq semantics).
        case require
        /// TLS required, certificate chain and host name verified.
        case verifyFull = "verify-full"
    }

    /// Where a PostgreSQL server is.
    public enum PostgresEndpoint: Sendable, Equatable {
        case tcp(host: String, port: Int)
        /// The full socket path (`/var/run/postgresql/.s.PGSQL.5432`).
        case unixSocket(path: String)
    }

    public struct PostgresSettings: Sendable, Equatable {
        public var endpoint: PostgresEndpoint
        public var username: String
        public var password: String?
        public var database: String
        public var sslMode: SSLMode
        public var sslRootCertificate: String?
        /// Seconds to wait for a TCP connection (libpq `connect_timeout`).
        public var connectTimeout: Double?
    }

    public enum Backend: Sendable, Equatable {
        /// A SQLite file (absolute or relative to the working directory).
        case sqlite(path: String)
        case postgresql(PostgresSettings)
    }

    public var backend: Backend
    /// The URL as configured, with any password replaced by `***`.
    public var redactedConnection: String
    public var maxPoolSize: Int
    public var maxRetries: Int
    public var retryInterval: Double
    public var syncOnStartup: Bool
    public var operationTimeout: Double

    public init(
        backend: Backend,
        redactedConnection: String,
        maxPoolSize: Int = 5,
        maxRetries: Int = 10,
        retryInterval: Double = 10,
        syncOnStartup: Bool = true,
        operationTimeout: Double = 30
    ) {
        self.backend = backend
        self.redactedConnection = redactedConnection
        self.maxPoolSize = maxPoolSize
        self.maxRetries = maxRetries
        self.retryInterval = retryInterval
        self.syncOnStartup = syncOnStartup
        self.operationTimeout = operationTimeout
    }

    /// Reads `[database]`; a malformed value throws an error naming the file, section, option
    /// and value (with the password hidden).
    public init(files: ConfigFiles, statePath: String) throws(ConfigurationError) {
        let defaultURL = "sqlite:///" + statePath + "/ember.sqlite"
        let url = files.value("database", "connection") ?? defaultURL
        let path = files.lookup("database", "connection")?.path ?? "(default)"
        do {
            backend = try Self.parse(url)
        } catch {
            throw .malformedValue(
                path: path,
                section: "database",
                option: "connection",
                value: Self.redact(url),
                expected: error.expected
            )
        }
        redactedConnection = Self.redact(url)
        maxPoolSize = try files.int("database", "max_pool_size", default: 5, minimum: 1)
        maxRetries = try files.int("database", "max_retries", default: 10, minimum: -1)
        retryInterval = try files.double("database", "retry_interval", default: 10)
        syncOnStartup = try files.bool("database", "sync_on_startup", default: true)
        operationTimeout = try files.double("database", "operation_timeout", default: 30)
        if retryInterval < 0 {
            throw .malformedValue(
                path: files.lookup("database", "retry_interval")?.path ?? "(default)",
                section: "database",
                option: "retry_interval",
                value: String(retryInterval),
                expected: "a number of seconds of at least 0"
            )
        }
        if operationTimeout <= 0 {
            throw .malformedValue(
                path: files.lookup("database", "operation_timeout")?.path ?? "(default)",
                section: "database",
                option: "operation_timeout",
                value: String(operationTimeout),
                expected: "a positive number of seconds"
            )
        }
    }

    /// Why a URL was rejected: the text completes "value '…' is not …".
    public struct URLError: Error, Sendable, Equatable {
        public var expected: String
    }

    /// Parses a `[database] connection` URL.
    public static func parse(_ url: String) throws(URLError) -> Backend {
        let trimmed = url.trimmingCharacters(in: .whitespaces)
        guard let schemeEnd = trimmed.range(of: "://") else {
            throw URLError(expected: "a database URL such as sqlite:///path.db or postgresql://user:pass@host/db")
        }
        let scheme = trimmed[..<schemeEnd.lowerBound].lowercased()
        let rest = String(trimmed[schemeEnd.upperBound...])
        switch scheme {
        case "sqlite", "sqlite+pysqlite":
            return try parseSQLite(rest)
        case "postgresql", "postgres", "postgresql+psycopg2", "postgresql+psycopg":
            return .postgresql(try parsePostgres(rest))
        default:
            throw URLError(
                expected: "a supported database URL (sqlite:// or postgresql://); '\(scheme)' is not supported"
            )
        }
    }

    private static func parseSQLite(_ rest: String) throws(URLError) -> Backend {
        // SQLAlchemy: sqlite:///relative.db, sqlite:////absolute.db; the part before the third
        // slash (the host) must be empty.
        guard rest.hasPrefix("/") else {
            throw URLError(expected: "a SQLite URL with a file path (sqlite:///relative.db or sqlite:////abs.db)")
        }
        var path = String(rest.dropFirst())
        if let query = path.firstIndex(of: "?") { path = String(path[..<query]) }
        path = path.removingPercentEncoding ?? path
        guard !path.isEmpty, path != ":memory:" else {
            throw URLError(expected: "a SQLite URL naming a file (in-memory SQLite cannot be shared by connections)")
        }
        return .sqlite(path: path)
    }

    private static func parsePostgres(_ rest: String) throws(URLError) -> PostgresSettings {
        var authority = rest
        var pathAndQuery = ""
        if let slash = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) {
            authority = String(rest[..<slash])
            pathAndQuery = String(rest[slash...])
        }
        var query: [String: String] = [:]
        var databasePart = pathAndQuery
        if let mark = pathAndQuery.firstIndex(of: "?") {
            databasePart = String(pathAndQuery[..<mark])
            for pair in pathAndQuery[pathAndQuery.index(after: mark)...].split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
                let key = parts[0].removingPercentEncoding ?? parts[0]
                let value = parts.count > 1 ? (parts[1].removingPercentEncoding ?? parts[1]) : ""
                query[key] = value
            }
        }
        var username = ""
        var password: String?
        var hostPort = authority
        if let at = authority.lastIndex(of: "@") {
            let userInfo = String(authority[..<at])
            hostPort = String(authority[authority.index(after: at)...])
            if let colon = userInfo.firstIndex(of: ":") {
                username = String(userInfo[..<colon])
                let rawPassword = String(userInfo[userInfo.index(after: colon)...])
                password = rawPassword.removingPercentEncoding ?? rawPassword
            } else {
                username = userInfo
            }
            username = username.removingPercentEncoding ?? username
        }
        var host = hostPort
        var port = 5432
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else {
                throw URLError(expected: "a PostgreSQL URL with a valid host ([ipv6] needs a closing bracket)")
            }
            host = String(hostPort[hostPort.index(after: hostPort.startIndex)..<close])
            let after = hostPort[hostPort.index(after: close)...]
            if after.hasPrefix(":") {
                guard let number = Int(after.dropFirst()), (1...65535).contains(number) else {
                    throw URLError(expected: "a PostgreSQL URL with a port between 1 and 65535")
                }
                port = number
            }
        } else if let colon = hostPort.lastIndex(of: ":") {
            host = String(hostPort[..<colon])
            guard let number = Int(hostPort[hostPort.index(after: colon)...]), (1...65535).contains(number) else {
                throw URLError(expected: "a PostgreSQL URL with a port between 1 and 65535")
            }
            port = number
        }
        host = host.removingPercentEncoding ?? host
        if let portText = query["port"] {
            guard let number = Int(portText), (1...65535).contains(number) else {
                throw URLError(expected: "a PostgreSQL URL with a port between 1 and 65535")
            }
            port = number
        }
        if let socketHost = query["host"], !socketHost.isEmpty { host = socketHost }
        let database = String(databasePart.drop { $0 == "/" }).removingPercentEncoding ?? ""
        guard !database.isEmpty, !database.contains("/") else {
            throw URLError(expected: "a PostgreSQL URL naming a database (postgresql://user:pass@host/dbname)")
        }
        guard !username.isEmpty else {
            throw URLError(expected: "a PostgreSQL URL naming a user (postgresql://user:pass@host/dbname)")
        }
        let sslText = query["sslmode"] ?? "prefer"
        guard let sslMode = SSLMode(rawValue: sslText) else {
            throw URLError(
                expected:
                    "a PostgreSQL URL with sslmode disable, prefer, require or verify-full ('\(sslText)' is not supported)"
            )
        }
        var connectTimeout: Double?
        if let text = query["connect_timeout"] {
            guard let seconds = Double(text), seconds > 0 else {
                throw URLError(expected: "a PostgreSQL URL with a positive connect_timeout")
            }
            connectTimeout = seconds
        }
        let endpoint: PostgresEndpoint
        if host.isEmpty {
            endpoint = .unixSocket(path: "/var/run/postgresql/.s.PGSQL.\(port)")
        } else if host.hasPrefix("/") {
            endpoint = .unixSocket(path: host.hasSuffix("/") ? "\(host).s.PGSQL.\(port)" : "\(host)/.s.PGSQL.\(port)")
        } else {
            endpoint = .tcp(host: host, port: port)
        }
        return PostgresSettings(
            endpoint: endpoint,
            username: username,
            password: password,
            database: database,
            sslMode: sslMode,
            sslRootCertificate: query["sslrootcert"],
            connectTimeout: connectTimeout
        )
    }

    /// The URL with the password replaced by `***`.
    public static func redact(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        let rest = url[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        guard let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") else {
            return url
        }
        return String(url[..<colon]) + ":***" + String(url[at...])
    }
}

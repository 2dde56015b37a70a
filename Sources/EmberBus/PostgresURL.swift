import Foundation

/// A `postgresql://user:password@host:port/database?sslmode=disable` URL, parsed.
///
/// Also accepted: the scheme `postgres://`, SQLAlchemy's `postgresql+psycopg2://`, and a
/// unix socket directory as `?host=/run/postgresql`. TLS is not wired into the bus yet:
/// `sslmode` `disable`, `allow` and `prefer` (the default) connect without TLS;
/// `require`, `verify-ca` and `verify-full` are rejected rather than silently downgraded.
public struct PostgresURL: Sendable, Equatable {
    /// Server host name or address (default `localhost`).
    public var host: String
    /// Server port (default 5432).
    public var port: Int
    /// Directory or path of the server's unix socket, when `?host=/…` is given.
    public var unixSocketPath: String?
    /// User name (default `postgres`).
    public var username: String
    /// Password, if any.
    public var password: String?
    /// Database name (default: the user name, as libpq does).
    public var database: String?

    public init(
        host: String = "localhost",
        port: Int = 5432,
        unixSocketPath: String? = nil,
        username: String = "postgres",
        password: String? = nil,
        database: String? = nil
    ) {
        self.host = host
        self.port = port
        self.unixSocketPath = unixSocketPath
        self.username = username
        self.password = password
        self.database = database
    }

    /// Parses `text`; the error string says what is wrong.
    public static func parse(_ text: String) -> Result<PostgresURL, ParseError> {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            ["postgresql", "postgres"].contains(scheme) || scheme.hasPrefix("postgresql+")
        else {
            return .failure(ParseError(reason: "not a postgresql:// URL"))
        }
        var url = PostgresURL()
        if let host = components.host, !host.isEmpty { url.host = host }
        if let port = components.port {
            guard (1...65535).contains(port) else { return .failure(ParseError(reason: "port out of range")) }
            url.port = port
        }
        if let user = components.user, !user.isEmpty { url.username = user }
        url.password = components.password
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        url.database = path.isEmpty ? nil : path
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                switch item.value ?? "" {
                case "disable", "allow", "prefer": break
                default:
                    return .failure(ParseError(reason: "sslmode \(item.value ?? "") is not supported by the bus yet"))
                }
            case "host":
                if let value = item.value, value.hasPrefix("/") {
                    url.unixSocketPath =
                        value.hasSuffix(".s.PGSQL.\(url.port)") ? value : value + "/.s.PGSQL.\(url.port)"
                } else if let value = item.value, !value.isEmpty {
                    url.host = value
                }
            default:
                break
            }
        }
        return .success(url)
    }

    /// Why a URL was refused.
    public struct ParseError: Error, Sendable, Equatable {
        public var reason: String
    }
}

/// What differs between SQLite and PostgreSQL in the SQL Ember writes.
public enum SQLDialect: String, Sendable {
    case sqlite
    case postgresql

    func placeholder(_ position: Int) -> String {
        switch self {
        case .sqlite: "?"
        case .postgresql: "$\(position)"
        }
    }

    /// Row locking for read-modify-write inside a transaction; SQLite's write transactions
    /// are already exclusive (`BEGIN IMMEDIATE`).
    var forUpdate: String {
        switch self {
        case .sqlite: ""
        case .postgresql: " FOR UPDATE"
        }
    }

    /// Case-insensitive LIKE.
    var caseInsensitiveLike: String {
        switch self {
        case .sqlite: "LIKE"
        case .postgresql: "ILIKE"
        }
    }

    var beginWrite: String {
        switch self {
        case .sqlite: "BEGIN IMMEDIATE"
        case .postgresql: "BEGIN"
        }
    }
}

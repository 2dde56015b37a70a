/// A column type, rendered per dialect.
enum ColumnType: Sendable, Equatable {
    /// `VARCHAR(n)`.
    case string(Int)
    case text
    case integer
    case boolean
    case timestamp
    /// Auto-incrementing integer primary key.
    case serial

    func render(_ dialect: SQLDialect) -> String {
        switch (self, dialect) {
        case (.string(let length), _): "VARCHAR(\(length))"
        case (.text, _): "TEXT"
        case (.integer, _): "INTEGER"
        case (.boolean, _): "BOOLEAN"
        case (.timestamp, .sqlite): "DATETIME"
        case (.timestamp, .postgresql): "TIMESTAMP WITHOUT TIME ZONE"
        case (.serial, .sqlite): "INTEGER PRIMARY KEY AUTOINCREMENT"
        case (.serial, .postgresql): "SERIAL PRIMARY KEY"
        }
    }

    /// What NULL sorts as, so NULLs order the same on both backends (cinder's paginate_query
    /// substitutes a default value for NULL in the same way).
    func nullSubstitute(_ dialect: SQLDialect) -> String {
        switch (self, dialect) {
        case (.string, _), (.text, _): "''"
        case (.integer, _), (.serial, _): "0"
        case (.boolean, _): "FALSE"
        case (.timestamp, .sqlite): "'0001-01-01 00:00:00.000000'"
        case (.timestamp, .postgresql): "TIMESTAMP '0001-01-01 00:00:00'"
        }
    }
}

/// One column of a table.
struct ColumnDefinition: Sendable {
    var name: String
    var type: ColumnType
    var nullable: Bool = true
    /// A SQL literal valid in both dialects (`FALSE`, `0`, `'cinder'`).
    var defaultValue: String?
    /// `table(column)`.
    var references: String?

    func render(_ dialect: SQLDialect, primaryKey: Bool) -> String {
        var text = "\"" + name + "\" " + type.render(dialect)
        if primaryKey, type != .serial { text += " PRIMARY KEY" }
        if !nullable, type != .serial { text += " NOT NULL" }
        if let defaultValue { text += " DEFAULT " + defaultValue }
        if let references { text += " REFERENCES " + references }
        return text
    }
}

/// One index.
struct IndexDefinition: Sendable {
    var name: String
    var columns: [String]
    var unique: Bool = false
    /// A partial-index predicate valid in both dialects (`deleted = FALSE`).
    var predicate: String?

    func render(table: String) -> String {
        var text = "CREATE " + (unique ? "UNIQUE " : "") + "INDEX IF NOT EXISTS " + name + " ON " + table + " ("
        text += columns.map { "\"" + $0 + "\"" }.joined(separator: ", ") + ")"
        if let predicate { text += " WHERE " + predicate }
        return text
    }
}

/// One table: its columns (cinder's soft-delete columns included), key and indexes.
struct TableDefinition: Sendable {
    var name: String
    var columns: [ColumnDefinition]
    var primaryKey: String
    var indexes: [IndexDefinition]
    var uniqueConstraints: [[String]]

    /// A cinder table: `created_at`, `updated_at`, `deleted_at`, `deleted` follow `columns`.
    init(
        _ name: String,
        primaryKey: String = "id",
        softDelete: Bool = true,
        columns: [ColumnDefinition],
        indexes: [IndexDefinition] = [],
        uniqueConstraints: [[String]] = []
    ) {
        self.name = name
        self.primaryKey = primaryKey
        var all = columns
        if softDelete {
            all += [
                ColumnDefinition(name: "created_at", type: .timestamp, nullable: false),
                ColumnDefinition(name: "updated_at", type: .timestamp),
                ColumnDefinition(name: "deleted_at", type: .timestamp),
                ColumnDefinition(name: "deleted", type: .boolean, nullable: false, defaultValue: "FALSE"),
            ]
        }
        self.columns = all
        self.indexes = indexes
        self.uniqueConstraints = uniqueConstraints
    }

    func column(_ name: String) -> ColumnDefinition? {
        columns.first { $0.name == name }
    }

    func createStatements(_ dialect: SQLDialect) -> [String] {
        var body = columns.map { $0.render(dialect, primaryKey: $0.name == primaryKey) }
        body += uniqueConstraints.map { "UNIQUE (" + $0.joined(separator: ", ") + ")" }
        let create = "CREATE TABLE IF NOT EXISTS " + name + " (\n    " + body.joined(separator: ",\n    ") + "\n)"
        return [create] + indexes.map { $0.render(table: name) }
    }
}

/// Shorthands for the schema definitions.
extension ColumnDefinition {
    static func id(_ name: String = "id") -> ColumnDefinition {
        ColumnDefinition(name: name, type: .string(36), nullable: false)
    }

    static func string(
        _ name: String,
        _ length: Int = 255,
        nullable: Bool = true,
        default value: String? = nil
    )
        -> ColumnDefinition
    {
        ColumnDefinition(name: name, type: .string(length), nullable: nullable, defaultValue: value)
    }

    static func uuid(_ name: String, nullable: Bool = true, references: String? = nil) -> ColumnDefinition {
        ColumnDefinition(name: name, type: .string(36), nullable: nullable, references: references)
    }

    static func text(_ name: String) -> ColumnDefinition {
        ColumnDefinition(name: name, type: .text)
    }

    static func integer(_ name: String, nullable: Bool = true, default value: String? = nil) -> ColumnDefinition {
        ColumnDefinition(name: name, type: .integer, nullable: nullable, defaultValue: value)
    }

    static func boolean(_ name: String, nullable: Bool = true, default value: String? = nil) -> ColumnDefinition {
        ColumnDefinition(name: name, type: .boolean, nullable: nullable, defaultValue: value)
    }

    static func timestamp(_ name: String) -> ColumnDefinition {
        ColumnDefinition(name: name, type: .timestamp)
    }

    static func serial(_ name: String = "id") -> ColumnDefinition {
        ColumnDefinition(name: name, type: .serial, nullable: false)
    }
}

import EmberCore

/// A SQL statement under construction: text with bound values, rendered per dialect.
///
/// Values are interpolated as parameters, never as text:
/// `"SELECT * FROM volumes WHERE id = \(id)"` binds `id`; `\(raw: name)` inserts trusted text
/// (identifiers from the schema); `\(other)` splices another `SQL`.
struct SQL: Sendable, ExpressibleByStringInterpolation {
    enum Piece: Sendable {
        case text(String)
        case bind(SQLValue)
        /// Strings as a table to join against, `<alias>.value` each string and `<alias>.key` its
        /// position from 0: one JSON parameter read by `json_each` on SQLite (one statement
        /// text, so one cached statement, whatever the count), `unnest` of an array of
        /// parameters on PostgreSQL.
        case textTable([String], alias: String)
    }

    var pieces: [Piece]

    init(pieces: [Piece] = []) {
        self.pieces = pieces
    }

    init(stringLiteral value: String) {
        pieces = [.text(value)]
    }

    init(stringInterpolation: StringInterpolation) {
        pieces = stringInterpolation.pieces
    }

    struct StringInterpolation: StringInterpolationProtocol {
        var pieces: [Piece] = []

        init(literalCapacity: Int, interpolationCount: Int) {
            pieces.reserveCapacity(interpolationCount * 2 + 1)
        }

        mutating func appendLiteral(_ literal: String) {
            if !literal.isEmpty { pieces.append(.text(literal)) }
        }

        mutating func appendInterpolation(_ value: some SQLEncodable) {
            pieces.append(.bind(value.sqlValue))
        }

        mutating func appendInterpolation(raw text: String) {
            pieces.append(.text(text))
        }

        mutating func appendInterpolation(_ sql: SQL) {
            pieces += sql.pieces
        }
    }

    static func raw(_ text: String) -> SQL { SQL(pieces: [.text(text)]) }

    static func bind(_ value: SQLValue) -> SQL { SQL(pieces: [.bind(value)]) }

    mutating func append(_ other: SQL) {
        pieces += other.pieces
    }

    mutating func append(raw text: String) {
        pieces.append(.text(text))
    }

    static func + (lhs: SQL, rhs: SQL) -> SQL { SQL(pieces: lhs.pieces + rhs.pieces) }

    /// `parts` joined by `separator`.
    static func joined(_ parts: [SQL], separator: String) -> SQL {
        var result = SQL()
        for (index, part) in parts.enumerated() {
            if index > 0 { result.append(raw: separator) }
            result.append(part)
        }
        return result
    }

    /// `(v1, v2, …)` as parameters; an empty list renders as `(NULL)`, which matches nothing.
    static func list(_ values: [SQLValue]) -> SQL {
        guard !values.isEmpty else { return "(NULL)" }
        return "(" + joined(values.map { SQL.bind($0) }, separator: ", ") + ")"
    }

    /// `values` as a table named `alias` with columns `value` (the string) and `key` (its
    /// position from 0): `FROM \(SQL.textTable(ids, alias: "j")) JOIN t ON t.id = j.value`.
    /// A join lets SQLite seek the owner index once per value; `IN (SELECT value FROM
    /// json_each(?))` cost it three times as much.
    static func textTable(_ values: [String], alias: String) -> SQL {
        SQL(pieces: [.textTable(values, alias: alias)])
    }

    /// The text with the dialect's placeholders, and the values in order.
    func render(_ dialect: SQLDialect) -> (text: String, binds: [SQLValue]) {
        var text = ""
        var binds: [SQLValue] = []
        for piece in pieces {
            switch piece {
            case .text(let fragment):
                text += fragment
            case .bind(let value):
                binds.append(value)
                text += dialect.placeholder(binds.count)
            case .textTable(let values, let alias):
                switch dialect {
                case .sqlite:
                    var array = JSONWriter(capacity: values.count * 40 + 2)
                    array.beginArray()
                    for value in values { array.string(value) }
                    array.end()
                    binds.append(.text(String(decoding: array.bytes, as: UTF8.self)))
                    text += "json_each(" + dialect.placeholder(binds.count) + ") AS " + alias
                case .postgresql:
                    text += "(SELECT value, ordinality - 1 AS key FROM unnest(ARRAY["
                    for (index, value) in values.enumerated() {
                        binds.append(.text(value))
                        text += (index > 0 ? ", " : "") + dialect.placeholder(binds.count)
                    }
                    text += "]::text[]) WITH ORDINALITY AS u(value, ordinality)) AS " + alias
                }
            }
        }
        return (text, binds)
    }
}

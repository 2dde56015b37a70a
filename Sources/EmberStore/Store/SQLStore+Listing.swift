import EmberCore
import Foundation

/// How one kind of record is listed: its table, scoping and metadata tables.
struct ListSpec: Sendable {
    var table: TableDefinition
    /// The column `ProjectScope.project` restricts; nil when `scopeCondition` does it.
    var projectColumn: String? = "project_id"
    /// A custom scope condition on alias `t` (attachments go through their volume).
    var scopeCondition: (@Sendable (ProjectScope) -> SQL)?
    /// `(table, owner column)` pairs searched by `.metadata` filters (any of them may match).
    var metadataTables: [(table: String, owner: String)] = []
    /// `(table, owner column)` searched by `.imageMetadata` filters.
    var imageMetadataTable: (table: String, owner: String)?
    /// Text filters on columns of a related row, as SQL on alias `t` (a snapshot's
    /// `availability_zone` is its volume's, as cinder joins it).
    var relatedColumns: [String: String] = [:]

    func scope(_ scope: ProjectScope) -> SQL {
        if let scopeCondition { return scopeCondition(scope) }
        guard let projectColumn else { return "" }
        return scope.condition(alias: "t", column: projectColumn)
    }
}

extension SQLStore {
    /// cinder's `process_sort_params`: the requested keys, then `created_at` and `id` if
    /// missing, in the first key's direction (default `desc`).
    static func sortKeys(_ requested: [SortKey], table: TableDefinition) throws(StoreError) -> [SortKey] {
        var keys: [SortKey] = []
        for key in requested {
            guard table.column(key.column) != nil else { throw .invalidSortKey(key.column) }
            if !keys.contains(where: { $0.column == key.column }) { keys.append(key) }
        }
        let direction = requested.first?.direction ?? .desc
        for column in ["created_at", "id"] where !keys.contains(where: { $0.column == column }) {
            keys.append(SortKey(column, direction))
        }
        return keys
    }

    /// The expression a sort key orders by: the column, or COALESCE for nullable columns so
    /// NULLs sort the same on both backends.
    static func sortExpression(_ key: SortKey, alias: String, table: TableDefinition, dialect: SQLDialect) -> String {
        let column = table.column(key.column)!
        let name = alias + "." + column.name
        guard column.nullable else { return name }
        return "COALESCE(" + name + ", " + column.type.nullSubstitute(dialect) + ")"
    }

    /// The WHERE clause (after `WHERE`) for scope and filters on alias `t`.
    static func whereClause(_ query: ListQuery, spec: ListSpec, dialect: SQLDialect) -> SQL {
        var sql: SQL = "t.deleted = FALSE"
        sql.append(spec.scope(query.scope))
        for filter in query.filters {
            sql.append(" AND (" + filterCondition(filter, spec: spec, dialect: dialect) + ")")
        }
        return sql
    }

    /// One filter as a condition; anything cinder's DB layer would not match becomes FALSE.
    static func filterCondition(_ filter: ListFilter, spec: ListSpec, dialect: SQLDialect) -> SQL {
        let table = spec.table
        switch filter {
        case .equals(let name, let text) where spec.relatedColumns[name] != nil:
            return "\(raw: spec.relatedColumns[name]!) = \(text)"
        case .contains(let name, let text) where spec.relatedColumns[name] != nil:
            let escaped = text.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
            return
                "\(raw: spec.relatedColumns[name]!) \(raw: dialect.caseInsensitiveLike) \("%" + escaped + "%") ESCAPE '\\'"
        case .equals(let name, let text):
            guard let column = table.column(name), let value = coerce(text, to: column.type) else { return "FALSE" }
            return "t.\(raw: name) = \(value)"
        case .isNull(let name):
            guard table.column(name) != nil else { return "FALSE" }
            return "t.\(raw: name) IS NULL"
        case .oneOf(let name, let texts):
            guard let column = table.column(name) else { return "FALSE" }
            let values = texts.compactMap { coerce($0, to: column.type) }
            guard !values.isEmpty else { return "FALSE" }
            return "t.\(raw: name) IN \(SQL.list(values))"
        case .contains(let name, let text):
            guard let column = table.column(name) else { return "FALSE" }
            switch column.type {
            case .string, .text:
                let escaped = text.replacingOccurrences(of: "\\", with: "\\\\")
                    .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
                return "t.\(raw: name) \(raw: dialect.caseInsensitiveLike) \("%" + escaped + "%") ESCAPE '\\'"
            default:
                return filterCondition(.equals(name, text), spec: spec, dialect: dialect)
            }
        case .compare(let name, let comparison, let text):
            guard let column = table.column(name), let value = coerce(text, to: column.type) else { return "FALSE" }
            let op =
                switch comparison {
                case .eq: "="
                case .neq: "<>"
                case .gt: ">"
                case .gte: ">="
                case .lt: "<"
                case .lte: "<="
                }
            return "t.\(raw: name) \(raw: op) \(value)"
        case .metadata(let pairs):
            guard !spec.metadataTables.isEmpty else { return pairs.isEmpty ? "TRUE" : "FALSE" }
            var parts: [SQL] = []
            for (key, value) in pairs.sorted(by: { $0.key < $1.key }) {
                let any = spec.metadataTables.map { entry -> SQL in
                    """
                    EXISTS (SELECT 1 FROM \(raw: entry.table) m WHERE m.\(raw: entry.owner) = t.id \
                    AND m.deleted = FALSE AND m.key = \(key) AND m.value = \(value))
                    """
                }
                parts.append("(" + SQL.joined(any, separator: " OR ") + ")")
            }
            return parts.isEmpty ? "TRUE" : SQL.joined(parts, separator: " AND ")
        case .imageMetadata(let pairs):
            guard let entry = spec.imageMetadataTable else { return pairs.isEmpty ? "TRUE" : "FALSE" }
            let parts = pairs.sorted(by: { $0.key < $1.key }).map { key, value -> SQL in
                """
                EXISTS (SELECT 1 FROM \(raw: entry.table) g WHERE g.\(raw: entry.owner) = t.id \
                AND g.deleted = FALSE AND g.key = \(key) AND g.value = \(value))
                """
            }
            return parts.isEmpty ? "TRUE" : SQL.joined(parts, separator: " AND ")
        case .excludeMigrationTargets:
            guard table.column("migration_status") != nil else { return "TRUE" }
            return "t.migration_status IS NULL OR t.migration_status NOT LIKE 'target:%'"
        }
    }

    /// A filter string as the column's type; nil when it cannot be one.
    static func coerce(_ text: String, to type: ColumnType) -> SQLValue? {
        switch type {
        case .string, .text:
            return .text(text)
        case .integer, .serial:
            return Int(text).map(SQLValue.int)
        case .boolean:
            switch text.lowercased() {
            case "true", "1", "yes", "on", "t", "y": return .bool(true)
            case "false", "0", "no", "off", "f", "n": return .bool(false)
            default: return nil
            }
        case .timestamp:
            return SQLTimestamp.parse(text.replacingOccurrences(of: "T", with: " ")).map(SQLValue.date)
        }
    }

    /// One page of rows of `spec.table` (alias `t`), with keyset pagination after the marker.
    ///
    /// The marker's sort values are read by a subquery in the same statement, so they are
    /// compared at the database's own precision. When every key sorts the same way the page
    /// condition is a row-value comparison `(k1, k2, …) < (marker values)`, which both
    /// backends answer with an index range scan: a deep page costs what the first one does.
    /// Mixed directions use cinder's expanded form (`k1 < m1 OR (k1 = m1 AND k2 > m2) …`)
    /// with a leading `k1 <= m1` bound for the index.
    static func listRows(
        _ query: ListQuery,
        spec: ListSpec,
        executor: any SQLExecutor
    ) async throws -> (rows: [SQLRow], count: Int?) {
        let dialect = executor.dialect
        let table = spec.table
        let keys = try sortKeys(query.sort, table: table)
        let filters = whereClause(query, spec: spec, dialect: dialect)
        var sql: SQL = "SELECT t.* FROM \(raw: table.name) t WHERE \(filters)"

        if let marker = query.marker {
            let markerScope = spec.scope(query.scope)
            let found = try await executor.first(
                "SELECT t.id FROM \(raw: table.name) t WHERE t.id = \(marker) AND t.deleted = FALSE\(markerScope)"
            )
            guard found != nil else { throw StoreError.markerNotFound(marker) }
            let columns = keys.map { sortExpression($0, alias: "t", table: table, dialect: dialect) }
            let markerColumns = keys.map { sortExpression($0, alias: "m", table: table, dialect: dialect) }
            let markerRow: SQL =
                "(SELECT \(raw: markerColumns.joined(separator: ", ")) FROM \(raw: table.name) m WHERE m.id = \(marker))"
            if Set(keys.map(\.direction)).count == 1 {
                let op = keys[0].direction == .asc ? ">" : "<"
                sql.append(" AND (\(raw: columns.joined(separator: ", "))) \(raw: op) \(markerRow)")
            } else {
                func markerValue(_ index: Int) -> SQL {
                    "(SELECT \(raw: markerColumns[index]) FROM \(raw: table.name) m WHERE m.id = \(marker))"
                }
                var alternatives: [SQL] = []
                for index in keys.indices {
                    var parts: [SQL] = []
                    for previous in 0..<index {
                        parts.append("\(raw: columns[previous]) = \(markerValue(previous))")
                    }
                    let op = keys[index].direction == .asc ? ">" : "<"
                    parts.append("\(raw: columns[index]) \(raw: op) \(markerValue(index))")
                    alternatives.append("(" + SQL.joined(parts, separator: " AND ") + ")")
                }
                let leadOp = keys[0].direction == .asc ? ">=" : "<="
                sql.append(" AND \(raw: columns[0]) \(raw: leadOp) \(markerValue(0))")
                sql.append(" AND (" + SQL.joined(alternatives, separator: " OR ") + ")")
            }
        }

        let order = keys.map {
            sortExpression($0, alias: "t", table: table, dialect: dialect) + " " + $0.direction.rawValue
        }
        sql.append(raw: " ORDER BY " + order.joined(separator: ", "))
        if let limit = query.limit {
            sql.append(" LIMIT \(max(0, limit))")
        } else if query.offset != nil, dialect == .sqlite {
            sql.append(raw: " LIMIT -1")
        }
        if let offset = query.offset, offset > 0 {
            sql.append(" OFFSET \(offset)")
        }
        let rows = try await executor.query(sql)

        var count: Int?
        if query.withCount {
            let counted = try await executor.first("SELECT COUNT(*) AS n FROM \(raw: table.name) t WHERE \(filters)")
            count = try counted?["n"] ?? 0
        }
        return (rows, count)
    }
}

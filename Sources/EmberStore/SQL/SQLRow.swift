/// One result row: values by column position, with a shared name index.
struct SQLRow: Sendable {
    final class Columns: Sendable {
        let names: [String]
        let index: [String: Int]

        init(_ names: [String]) {
            self.names = names
            var index: [String: Int] = [:]
            for (position, name) in names.enumerated() where index[name] == nil {
                index[name] = position
            }
            self.index = index
        }
    }

    let columns: Columns
    let values: [SQLValue]

    func value(_ name: String) -> SQLValue {
        guard let position = columns.index[name] else { return .null }
        return values[position]
    }

    /// The column decoded as `T`; a NULL becomes `nil` for optional `T`.
    subscript<T: SQLDecodable>(_ name: String) -> T {
        get throws(StoreError) { try decoded(name, at: columns.index[name]) }
    }

    /// The column decoded as `T`, its position remembered by `cursor` (see ``ColumnCursor``).
    func read<T: SQLDecodable>(_ name: String, _ cursor: inout ColumnCursor) throws(StoreError) -> T {
        try decoded(name, at: cursor.position(of: name, in: columns))
    }

    private func decoded<T: SQLDecodable>(_ name: String, at position: Int?) throws(StoreError) -> T {
        guard let position else {
            throw .internalError("result has no column \(name)")
        }
        guard let decoded = T.decode(values[position]) else {
            throw .internalError("column \(name) holds \(values[position]), not \(T.self)")
        }
        return decoded
    }
}

/// Column positions for a decoder that reads the same names in the same order from every row
/// of a result: looked up by name on the first row, then taken by step on the others (rows of
/// one result share their `Columns`, so the positions stay valid while it does).
struct ColumnCursor {
    private var columns: SQLRow.Columns?
    private var positions: [Int?] = []
    private var step = 0

    init() {}

    /// Starts a row: the steps count from its first column read again.
    mutating func begin(_ row: SQLRow) {
        if columns !== row.columns {
            columns = row.columns
            positions.removeAll(keepingCapacity: true)
        }
        step = 0
    }

    mutating func position(of name: String, in columns: SQLRow.Columns) -> Int? {
        defer { step += 1 }
        if step < positions.count { return positions[step] }
        let position = columns.index[name]
        positions.append(position)
        return position
    }
}

extension Optional: SQLDecodable where Wrapped: SQLDecodable {
    static func decode(_ value: SQLValue) -> Wrapped?? {
        if value.isNull { return .some(nil) }
        guard let wrapped = Wrapped.decode(value) else { return nil }
        return .some(wrapped)
    }
}

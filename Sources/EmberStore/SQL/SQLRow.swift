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
        get throws(StoreError) {
            guard let position = columns.index[name] else {
                throw .internalError("result has no column \(name)")
            }
            guard let decoded = T.decode(values[position]) else {
                throw .internalError("column \(name) holds \(values[position]), not \(T.self)")
            }
            return decoded
        }
    }
}

extension Optional: SQLDecodable where Wrapped: SQLDecodable {
    static func decode(_ value: SQLValue) -> Wrapped?? {
        if value.isNull { return .some(nil) }
        guard let wrapped = Wrapped.decode(value) else { return nil }
        return .some(wrapped)
    }
}

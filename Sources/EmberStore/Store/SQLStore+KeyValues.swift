import Foundation

/// The key/value side tables (metadata, admin metadata, image metadata, extra specs).
extension SQLExecutor {
    /// Live pairs of every owner in `ids`.
    func keyValues(_ table: String, owner: String, ids: [String]) async throws -> [String: [String: String]] {
        var result: [String: [String: String]] = [:]
        for start in stride(from: 0, to: ids.count, by: 500) {
            let chunk = ids[start..<min(start + 500, ids.count)]
            let rows = try await query(
                """
                SELECT \(raw: owner) AS owner, key, value FROM \(raw: table) \
                WHERE deleted = FALSE AND \(raw: owner) IN \(SQL.list(chunk.map(SQLValue.text))) ORDER BY id
                """
            )
            for row in rows {
                let ownerID: String = try row["owner"]
                let key: String = try row["key"]
                let value: String? = try row["value"]
                result[ownerID, default: [:]][key] = value ?? ""
            }
        }
        return result
    }

    /// Sets `pairs` for one owner (`replace` first soft-deletes every other key) and returns the
    /// owner's pairs afterwards.
    func setKeyValues(
        _ table: String,
        owner: String,
        id: String,
        _ pairs: [String: String],
        replace: Bool,
        now: Date
    )
        async throws -> [String: String]
    {
        let rows = try await query(
            "SELECT id, key, value FROM \(raw: table) WHERE deleted = FALSE AND \(raw: owner) = \(id)\(raw: dialect.forUpdate)"
        )
        var existing: [String: (rowID: Int, value: String?)] = [:]
        for row in rows {
            existing[try row["key"]] = (try row["id"], try row["value"])
        }
        var result: [String: String] = [:]
        for (key, entry) in existing {
            if replace, pairs[key] == nil {
                try await execute(
                    "UPDATE \(raw: table) SET deleted = TRUE, deleted_at = \(now) WHERE id = \(entry.rowID)"
                )
            } else {
                result[key] = entry.value ?? ""
            }
        }
        for (key, value) in pairs.sorted(by: { $0.key < $1.key }) {
            if let entry = existing[key] {
                if entry.value != value {
                    try await execute(
                        "UPDATE \(raw: table) SET value = \(value), updated_at = \(now) WHERE id = \(entry.rowID)"
                    )
                }
            } else {
                try await execute(
                    """
                    INSERT INTO \(raw: table) (key, value, \(raw: owner), created_at, deleted) \
                    VALUES (\(key), \(value), \(id), \(now), FALSE)
                    """
                )
            }
            result[key] = value
        }
        return result
    }

    /// Soft-deletes one key; false when it was not set.
    func deleteKeyValue(_ table: String, owner: String, id: String, key: String, now: Date) async throws -> Bool {
        let rows = try await query(
            """
            UPDATE \(raw: table) SET deleted = TRUE, deleted_at = \(now) \
            WHERE deleted = FALSE AND \(raw: owner) = \(id) AND key = \(key) RETURNING id
            """
        )
        return !rows.isEmpty
    }

    /// Soft-deletes every key of one owner.
    func deleteAllKeyValues(_ table: String, owner: String, id: String, now: Date) async throws {
        try await execute(
            "UPDATE \(raw: table) SET deleted = TRUE, deleted_at = \(now) WHERE deleted = FALSE AND \(raw: owner) = \(id)"
        )
    }
}

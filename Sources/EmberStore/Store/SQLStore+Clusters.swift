import EmberCore
import Foundation

extension SQLStore {
    public func ensureCluster(name: String, binary: String) async throws(StoreError) -> ClusterRecord {
        if let existing = try await listClusters(name: name, binary: binary).first { return existing }
        do {
            return try await writing { executor in
                let values: Assignments = [
                    ("name", .text(name)),
                    ("binary", .text(binary)),
                    ("disabled", .bool(false)),
                    ("race_preventer", .int(0)),
                    ("replication_status", .text("not-capable")),
                    ("frozen", .bool(false)),
                    ("created_at", .date(self.now())),
                    ("deleted", .bool(false)),
                ]
                return try Self.cluster(from: try await executor.insert("clusters", values))
            }
        } catch {
            // Another service of the cluster created it first (the unique constraint).
            if let existing = try await listClusters(name: name, binary: binary).first { return existing }
            throw error
        }
    }

    public func listClusters(name: String?, binary: String?) async throws(StoreError) -> [ClusterRecord] {
        try await reading { executor in
            var sql: SQL = "SELECT * FROM clusters WHERE deleted = FALSE"
            if let name { sql.append(" AND name = \(name)") }
            if let binary { sql.append(" AND \"binary\" = \(binary)") }
            sql.append(raw: " ORDER BY id")
            return try await executor.query(sql).map(Self.cluster(from:))
        }
    }

    public func updateCluster(id: Int, _ changes: [ClusterUpdate]) async throws(StoreError) -> ClusterRecord {
        try await writing { executor in
            var values = changes.map(Self.clusterAssignment)
            values.append(("updated_at", .date(self.now())))
            guard let row = try await executor.update("clusters", id: .int(id), values) else {
                throw StoreError.notFound(.cluster, id: String(id))
            }
            return try Self.cluster(from: row)
        }
    }

    public func conditionalUpdateCluster(
        id: Int,
        set changes: [ClusterUpdate],
        where condition: ServiceCondition
    ) async throws(StoreError) -> ClusterRecord? {
        try await writing { executor in
            var values = changes.map(Self.clusterAssignment)
            values.append(("updated_at", .date(self.now())))
            guard let row = try await executor.update("clusters", id: .int(id), values, extra: Self.sql(condition))
            else {
                return nil
            }
            return try Self.cluster(from: row)
        }
    }

    static func clusterAssignment(_ change: ClusterUpdate) -> (column: String, value: SQLValue) {
        switch change {
        case .disabled(let value): ("disabled", .bool(value))
        case .disabledReason(let value): ("disabled_reason", value.sqlValue)
        case .replicationStatus(let value): ("replication_status", value.sqlValue)
        case .frozen(let value): ("frozen", .bool(value))
        }
    }

    static func cluster(from row: SQLRow) throws(StoreError) -> ClusterRecord {
        ClusterRecord(
            id: try row["id"],
            name: try row["name"] ?? "",
            binary: try row["binary"] ?? "",
            disabled: try row["disabled"] ?? false,
            disabledReason: try row["disabled_reason"],
            replicationStatus: try row["replication_status"],
            activeBackendID: try row["active_backend_id"],
            frozen: try row["frozen"] ?? false,
            createdAt: try row["created_at"],
            updatedAt: try row["updated_at"]
        )
    }
}

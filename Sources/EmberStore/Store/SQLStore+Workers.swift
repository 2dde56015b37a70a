import EmberCore
import Foundation

extension SQLStore {
    public func setWorker(
        resourceType: String,
        resourceID: String,
        status: String,
        serviceID: Int?
    ) async throws(StoreError) {
        let owner: SQLValue = serviceID.map { .int($0) } ?? .null
        try await writing { executor in
            let now = self.now()
            let updated = try await executor.first(
                """
                UPDATE workers SET status = \(status), service_id = \(owner), \
                updated_at = \(now) WHERE resource_type = \(resourceType) AND resource_id = \(resourceID) \
                AND deleted = FALSE RETURNING id
                """
            )
            if updated != nil { return }
            let values: Assignments = [
                ("resource_type", .text(resourceType)),
                ("resource_id", .text(resourceID)),
                ("status", .text(status)),
                ("service_id", serviceID.map { .int($0) } ?? .null),
                ("race_preventer", .int(0)),
                ("created_at", .date(now)),
                ("updated_at", .date(now)),
                ("deleted", .bool(false)),
            ]
            _ = try await executor.insert("workers", values)
        }
    }

    public func removeWorker(resourceType: String, resourceID: String) async throws(StoreError) {
        try await writing { executor in
            try await executor.execute(
                "DELETE FROM workers WHERE resource_type = \(resourceType) AND resource_id = \(resourceID)"
            )
        }
    }

    public func listWorkers(
        resourceType: String?,
        resourceID: String?,
        serviceID: Int?,
        until: Date?
    ) async throws(StoreError) -> [WorkerRecord] {
        try await reading { executor in
            var sql: SQL = "SELECT * FROM workers WHERE deleted = FALSE"
            if let resourceType { sql.append(" AND resource_type = \(resourceType)") }
            if let resourceID { sql.append(" AND resource_id = \(resourceID)") }
            if let serviceID { sql.append(" AND service_id = \(serviceID)") }
            if let until { sql.append(" AND updated_at <= \(SQLTimestamp.truncated(until))") }
            sql.append(raw: " ORDER BY id")
            return try await executor.query(sql).map(Self.worker(from:))
        }
    }

    public func claimWorker(_ worker: WorkerRecord, claimerID: Int) async throws(StoreError) -> Bool {
        try await writing { executor in
            var sql: SQL =
                "UPDATE workers SET service_id = \(claimerID), updated_at = \(self.now()) WHERE id = \(worker.id)"
            if let owner = worker.serviceID {
                sql.append(" AND service_id = \(owner)")
            } else {
                sql.append(raw: " AND service_id IS NULL")
            }
            sql.append(" AND status = \(worker.status) AND deleted = FALSE RETURNING id")
            return try await executor.first(sql) != nil
        }
    }

    static func worker(from row: SQLRow) throws(StoreError) -> WorkerRecord {
        WorkerRecord(
            id: try row["id"],
            resourceType: try row["resource_type"] ?? "",
            resourceID: try row["resource_id"] ?? "",
            status: try row["status"] ?? "",
            serviceID: try row["service_id"],
            createdAt: try row["created_at"],
            updatedAt: try row["updated_at"]
        )
    }
}

import EmberCore
import Foundation

extension SQLStore {
    public func createService(_ service: ServiceRecord) async throws(StoreError) -> ServiceRecord {
        try await writing { executor in
            let now = self.now()
            let values: Assignments = [
                ("uuid", .text(service.uuid)),
                ("host", .text(service.host)),
                ("binary", .text(service.binary)),
                ("topic", .text(service.topic)),
                ("report_count", .int(service.reportCount)),
                ("disabled", .bool(service.disabled)),
                ("disabled_reason", service.disabledReason.sqlValue),
                ("availability_zone", .text(service.availabilityZone)),
                ("cluster_name", service.clusterName.sqlValue),
                ("modified_at", service.modifiedAt.map { .date(SQLTimestamp.truncated($0)) } ?? .null),
                ("rpc_current_version", service.rpcCurrentVersion.sqlValue),
                ("object_current_version", service.objectCurrentVersion.sqlValue),
                ("replication_status", service.replicationStatus.sqlValue),
                ("active_backend_id", service.activeBackendID.sqlValue),
                ("frozen", .bool(service.frozen)),
                ("created_at", .date(SQLTimestamp.truncated(service.createdAt))),
                // cinder stamps updated_at at creation so the heartbeat check needs only it.
                ("updated_at", .date(now)),
                ("deleted", .bool(false)),
            ]
            return try Self.service(from: try await executor.insert("services", values))
        }
    }

    public func service(id: Int) async throws(StoreError) -> ServiceRecord {
        try await reading { executor in
            guard let row = try await executor.first("SELECT * FROM services WHERE id = \(id) AND deleted = FALSE")
            else { throw StoreError.notFound(.service, id: String(id)) }
            return try Self.service(from: row)
        }
    }

    public func service(host: String, binary: String) async throws(StoreError) -> ServiceRecord {
        try await reading { executor in
            guard
                let row = try await executor.first(
                    "SELECT * FROM services WHERE host = \(host) AND \"binary\" = \(binary) AND deleted = FALSE ORDER BY id"
                )
            else { throw StoreError.notFound(.service, id: "\(binary)@\(host)") }
            return try Self.service(from: row)
        }
    }

    public func listServices(
        host: String?,
        binary: String?,
        topic: String?,
        disabled: Bool?
    )
        async throws(StoreError) -> [ServiceRecord]
    {
        try await reading { executor in
            var sql: SQL = "SELECT * FROM services WHERE deleted = FALSE"
            if let host { sql.append(" AND host = \(host)") }
            if let binary { sql.append(" AND \"binary\" = \(binary)") }
            if let topic { sql.append(" AND topic = \(topic)") }
            if let disabled { sql.append(" AND disabled = \(disabled)") }
            sql.append(raw: " ORDER BY id")
            return try await executor.query(sql).map(Self.service(from:))
        }
    }

    public func updateService(id: Int, _ changes: [ServiceUpdate]) async throws(StoreError) -> ServiceRecord {
        try await writing { executor in
            var values = changes.map(Self.serviceAssignment)
            values.append(("updated_at", .date(self.now())))
            guard let row = try await executor.update("services", id: .int(id), values) else {
                throw StoreError.notFound(.service, id: String(id))
            }
            return try Self.service(from: row)
        }
    }

    public func conditionalUpdateService(
        id: Int,
        set changes: [ServiceUpdate],
        where condition: ServiceCondition
    ) async throws(StoreError) -> ServiceRecord? {
        try await writing { executor in
            var values = changes.map(Self.serviceAssignment)
            values.append(("updated_at", .date(self.now())))
            guard let row = try await executor.update("services", id: .int(id), values, extra: Self.sql(condition))
            else {
                return nil
            }
            return try Self.service(from: row)
        }
    }

    /// The guard of a conditional update of a service or a cluster (they share the columns).
    static func sql(_ condition: ServiceCondition) -> SQL {
        switch condition {
        case .frozen(let value): "frozen = \(value)"
        case .replicationStatusIn(let statuses): "replication_status IN \(SQL.list(statuses.map { .text($0) }))"
        }
    }

    static func serviceAssignment(_ change: ServiceUpdate) -> (column: String, value: SQLValue) {
        switch change {
        case .disabled(let value): ("disabled", .bool(value))
        case .disabledReason(let value): ("disabled_reason", value.sqlValue)
        case .availabilityZone(let value): ("availability_zone", .text(value))
        case .modifiedAt(let value): ("modified_at", value.map { .date(SQLTimestamp.truncated($0)) } ?? .null)
        case .rpcCurrentVersion(let value): ("rpc_current_version", value.sqlValue)
        case .objectCurrentVersion(let value): ("object_current_version", value.sqlValue)
        case .replicationStatus(let value): ("replication_status", value.sqlValue)
        case .activeBackendID(let value): ("active_backend_id", value.sqlValue)
        case .frozen(let value): ("frozen", .bool(value))
        case .clusterName(let value): ("cluster_name", value.sqlValue)
        }
    }

    public func recordHeartbeat(serviceID: Int) async throws(StoreError) -> ServiceRecord {
        try await writing { executor in
            guard
                let row = try await executor.update(
                    "services",
                    id: .int(serviceID),
                    [("updated_at", .date(self.now()))],
                    setSQL: ["report_count = report_count + 1"]
                )
            else { throw StoreError.notFound(.service, id: String(serviceID)) }
            return try Self.service(from: row)
        }
    }

    public func deleteService(id: Int) async throws(StoreError) {
        try await writing { executor in
            guard try await executor.softDelete("services", id: .int(id), now: self.now()) else {
                throw StoreError.notFound(.service, id: String(id))
            }
        }
    }

    static func service(from row: SQLRow) throws(StoreError) -> ServiceRecord {
        ServiceRecord(
            id: try row["id"],
            uuid: try row["uuid"] ?? "",
            host: try row["host"] ?? "",
            binary: try row["binary"] ?? "",
            topic: try row["topic"] ?? "",
            reportCount: try row["report_count"],
            disabled: try row["disabled"] ?? false,
            disabledReason: try row["disabled_reason"],
            availabilityZone: try row["availability_zone"] ?? "nova",
            clusterName: try row["cluster_name"],
            modifiedAt: try row["modified_at"],
            rpcCurrentVersion: try row["rpc_current_version"],
            objectCurrentVersion: try row["object_current_version"],
            replicationStatus: try row["replication_status"],
            activeBackendID: try row["active_backend_id"],
            frozen: try row["frozen"] ?? false,
            createdAt: try row["created_at"],
            updatedAt: try row["updated_at"],
            deletedAt: try row["deleted_at"],
            deleted: try row["deleted"]
        )
    }
}

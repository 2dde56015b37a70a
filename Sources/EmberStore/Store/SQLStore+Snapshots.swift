import EmberCore
import Foundation

extension SQLStore {
    static let snapshotSpec = ListSpec(
        table: EmberSchema.snapshots,
        metadataTables: [("snapshot_metadata", "snapshot_id")],
        relatedColumns: ["availability_zone": "(SELECT v.availability_zone FROM volumes v WHERE v.id = t.volume_id)"]
    )

    public func createSnapshot(_ snapshot: Snapshot) async throws(StoreError) -> Snapshot {
        try await writing { executor in
            let values: Assignments = [
                ("id", .text(snapshot.id)),
                ("volume_id", .text(snapshot.volumeID)),
                ("user_id", snapshot.userID.sqlValue),
                ("project_id", snapshot.projectID.sqlValue),
                ("status", snapshot.status.sqlValue),
                ("progress", snapshot.progress.sqlValue),
                ("volume_size", snapshot.volumeSize.sqlValue),
                ("display_name", snapshot.displayName.sqlValue),
                ("display_description", snapshot.displayDescription.sqlValue),
                ("volume_type_id", .text(snapshot.volumeTypeID)),
                ("encryption_key_id", snapshot.encryptionKeyID.sqlValue),
                ("provider_location", snapshot.providerLocation.sqlValue),
                ("provider_id", snapshot.providerID.sqlValue),
                ("provider_auth", snapshot.providerAuth.sqlValue),
                ("group_snapshot_id", snapshot.groupSnapshotID.sqlValue),
                ("use_quota", .bool(snapshot.useQuota)),
                ("created_at", .date(SQLTimestamp.truncated(snapshot.createdAt))),
                ("updated_at", snapshot.updatedAt.map { .date(SQLTimestamp.truncated($0)) } ?? .null),
                ("deleted", .bool(false)),
            ]
            _ = try await executor.insert("snapshots", values)
            if !snapshot.metadata.isEmpty {
                _ = try await executor.setKeyValues(
                    "snapshot_metadata",
                    owner: "snapshot_id",
                    id: snapshot.id,
                    snapshot.metadata,
                    replace: false,
                    now: self.now()
                )
            }
            return try await Self.loadSnapshot(id: snapshot.id, scope: .allProjects, executor: executor)
        }
    }

    public func snapshot(id: String, scope: ProjectScope) async throws(StoreError) -> Snapshot {
        try await reading { executor in
            try await Self.loadSnapshot(id: id, scope: scope, executor: executor)
        }
    }

    public func listSnapshots(_ query: ListQuery) async throws(StoreError) -> Page<Snapshot> {
        try await reading { executor in
            let (rows, count) = try await Self.listRows(query, spec: Self.snapshotSpec, executor: executor)
            return Page(items: try await Self.snapshots(from: rows, executor: executor), count: count)
        }
    }

    public func updateSnapshot(id: String, _ changes: [SnapshotUpdate]) async throws(StoreError) -> Snapshot {
        try await writing { executor in
            let values = changes.map(Self.snapshotAssignment) + [("updated_at", .date(self.now()))]
            guard try await executor.update("snapshots", id: .text(id), values) != nil else {
                throw StoreError.notFound(.snapshot, id: id)
            }
            return try await Self.loadSnapshot(id: id, scope: .allProjects, executor: executor)
        }
    }

    public func conditionalUpdateSnapshot(
        id: String,
        set changes: [SnapshotUpdate],
        where condition: SnapshotCondition
    )
        async throws(StoreError) -> Snapshot?
    {
        try await writing { executor in
            var parts: [SQL] = ["TRUE"]
            if let status = condition.status {
                parts.append("status IN \(SQL.list(status.map { .text($0.rawValue) }))")
            }
            if let excluded = condition.statusNotIn, !excluded.isEmpty {
                parts.append("status NOT IN \(SQL.list(excluded.map { .text($0.rawValue) }))")
            }
            if let projectID = condition.projectID { parts.append("project_id = \(projectID)") }
            if let volumeID = condition.volumeID { parts.append("volume_id = \(volumeID)") }
            if condition.notInGroupSnapshot { parts.append("group_snapshot_id IS NULL") }
            let values = changes.map(Self.snapshotAssignment) + [("updated_at", .date(self.now()))]
            guard
                try await executor.update(
                    "snapshots",
                    id: .text(id),
                    values,
                    extra: SQL.joined(parts, separator: " AND ")
                ) != nil
            else { return nil }
            return try await Self.loadSnapshot(id: id, scope: .allProjects, executor: executor)
        }
    }

    public func deleteSnapshot(id: String) async throws(StoreError) {
        try await writing { executor in
            let now = self.now()
            guard
                try await executor.softDelete(
                    "snapshots",
                    id: .text(id),
                    now: now,
                    extra: [("status", .text(SnapshotStatus.deleted.rawValue))]
                )
            else { throw StoreError.notFound(.snapshot, id: id) }
            try await executor.deleteAllKeyValues("snapshot_metadata", owner: "snapshot_id", id: id, now: now)
        }
    }

    public func updateSnapshotMetadata(
        id: String,
        _ metadata: [String: String],
        replace: Bool
    )
        async throws(StoreError) -> [String: String]
    {
        try await writing { executor in
            guard
                try await executor.first(
                    "SELECT id FROM snapshots WHERE id = \(id) AND deleted = FALSE\(raw: executor.dialect.forUpdate)"
                )
                    != nil
            else { throw StoreError.notFound(.snapshot, id: id) }
            return try await executor.setKeyValues(
                "snapshot_metadata",
                owner: "snapshot_id",
                id: id,
                metadata,
                replace: replace,
                now: self.now()
            )
        }
    }

    public func deleteSnapshotMetadata(id: String, key: String) async throws(StoreError) {
        try await writing { executor in
            guard try await executor.first("SELECT id FROM snapshots WHERE id = \(id) AND deleted = FALSE") != nil
            else { throw StoreError.notFound(.snapshot, id: id) }
            guard
                try await executor.deleteKeyValue(
                    "snapshot_metadata",
                    owner: "snapshot_id",
                    id: id,
                    key: key,
                    now: self.now()
                )
            else { throw StoreError.metadataKeyNotFound(.snapshot, id: id, key: key) }
        }
    }

    static func loadSnapshot(id: String, scope: ProjectScope, executor: any SQLExecutor) async throws -> Snapshot {
        let rows = try await executor.query(
            "SELECT t.* FROM snapshots t WHERE t.id = \(id) AND t.deleted = FALSE\(scope.condition(alias: "t"))"
        )
        guard let snapshot = try await snapshots(from: rows, executor: executor).first else {
            throw StoreError.notFound(.snapshot, id: id)
        }
        return snapshot
    }

    static func snapshots(from rows: [SQLRow], executor: any SQLExecutor) async throws -> [Snapshot] {
        var snapshots = try rows.map(snapshot(from:))
        let metadata = try await executor.keyValues(
            "snapshot_metadata",
            owner: "snapshot_id",
            ids: snapshots.map(\.id)
        )
        for index in snapshots.indices {
            snapshots[index].metadata = metadata[snapshots[index].id] ?? [:]
        }
        return snapshots
    }

    static func snapshot(from row: SQLRow) throws(StoreError) -> Snapshot {
        Snapshot(
            id: try row["id"],
            volumeID: try row["volume_id"],
            userID: try row["user_id"],
            projectID: try row["project_id"],
            volumeSize: try row["volume_size"],
            volumeTypeID: try row["volume_type_id"],
            status: try row["status"] ?? .error,
            progress: try row["progress"],
            displayName: try row["display_name"],
            displayDescription: try row["display_description"],
            encryptionKeyID: try row["encryption_key_id"],
            providerLocation: try row["provider_location"],
            providerID: try row["provider_id"],
            providerAuth: try row["provider_auth"],
            groupSnapshotID: try row["group_snapshot_id"],
            useQuota: try row["use_quota"],
            createdAt: try row["created_at"],
            updatedAt: try row["updated_at"],
            deletedAt: try row["deleted_at"],
            deleted: try row["deleted"]
        )
    }

    static func snapshotAssignment(_ change: SnapshotUpdate) -> (column: String, value: SQLValue) {
        switch change {
        case .status(let value): ("status", value.sqlValue)
        case .progress(let value): ("progress", value.sqlValue)
        case .displayName(let value): ("display_name", value.sqlValue)
        case .displayDescription(let value): ("display_description", value.sqlValue)
        case .providerLocation(let value): ("provider_location", value.sqlValue)
        case .providerID(let value): ("provider_id", value.sqlValue)
        case .providerAuth(let value): ("provider_auth", value.sqlValue)
        case .volumeSize(let value): ("volume_size", value.sqlValue)
        case .projectID(let value): ("project_id", .text(value))
        case .userID(let value): ("user_id", .text(value))
        case .useQuota(let value): ("use_quota", .bool(value))
        case .volumeTypeID(let value): ("volume_type_id", .text(value))
        case .encryptionKeyID(let value): ("encryption_key_id", value.sqlValue)
        }
    }
}

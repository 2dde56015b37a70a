import EmberCore
import Foundation

extension SQLStore {
    static let backupSpec = ListSpec(table: EmberSchema.backups)

    public func createBackup(_ backup: Backup) async throws(StoreError) -> Backup {
        try await writing { executor in
            func date(_ value: Date?) -> SQLValue { value.map { .date(SQLTimestamp.truncated($0)) } ?? .null }
            let values: Assignments = [
                ("id", .text(backup.id)),
                ("volume_id", .text(backup.volumeID)),
                ("user_id", backup.userID.sqlValue),
                ("project_id", backup.projectID.sqlValue),
                ("host", backup.host.sqlValue),
                ("availability_zone", backup.availabilityZone.sqlValue),
                ("display_name", backup.displayName.sqlValue),
                ("display_description", backup.displayDescription.sqlValue),
                ("container", backup.container.sqlValue),
                ("parent_id", backup.parentID.sqlValue),
                ("status", backup.status.sqlValue),
                ("fail_reason", backup.failReason.sqlValue),
                ("service", backup.service.sqlValue),
                ("size", backup.size.sqlValue),
                ("object_count", backup.objectCount.sqlValue),
                ("snapshot_id", backup.snapshotID.sqlValue),
                ("data_timestamp", date(backup.dataTimestamp)),
                ("restore_volume_id", backup.restoreVolumeID.sqlValue),
                ("num_dependent_backups", .int(backup.numDependentBackups)),
                ("created_at", .date(SQLTimestamp.truncated(backup.createdAt))),
                ("updated_at", date(backup.updatedAt)),
                ("deleted", .bool(false)),
            ]
            return try Self.backup(from: try await executor.insert("backups", values))
        }
    }

    public func backup(id: String, scope: ProjectScope) async throws(StoreError) -> Backup {
        try await reading { executor in
            guard
                let row = try await executor.first(
                    "SELECT t.* FROM backups t WHERE t.id = \(id) AND t.deleted = FALSE\(scope.condition(alias: "t"))"
                )
            else { throw StoreError.notFound(.backup, id: id) }
            return try Self.backup(from: row)
        }
    }

    public func listBackups(_ query: ListQuery) async throws(StoreError) -> Page<Backup> {
        try await reading { executor in
            let (rows, count) = try await Self.listRows(query, spec: Self.backupSpec, executor: executor)
            return Page(items: try rows.map(Self.backup(from:)), count: count)
        }
    }

    public func updateBackup(id: String, _ changes: [BackupUpdate]) async throws(StoreError) -> Backup {
        try await writing { executor in
            let values = changes.map(Self.backupAssignment) + [("updated_at", .date(Self.now()))]
            guard let row = try await executor.update("backups", id: .text(id), values) else {
                throw StoreError.notFound(.backup, id: id)
            }
            return try Self.backup(from: row)
        }
    }

    public func conditionalUpdateBackup(
        id: String,
        set changes: [BackupUpdate],
        whereStatusIn status: Set<BackupStatus>
    ) async throws(StoreError) -> Backup? {
        try await writing { executor in
            let values = changes.map(Self.backupAssignment) + [("updated_at", .date(Self.now()))]
            let condition: SQL = "status IN \(SQL.list(status.map { .text($0.rawValue) }))"
            return try await executor.update("backups", id: .text(id), values, extra: condition).map(Self.backup(from:))
        }
    }

    public func deleteBackup(id: String) async throws(StoreError) {
        try await writing { executor in
            guard
                try await executor.softDelete(
                    "backups",
                    id: .text(id),
                    now: Self.now(),
                    extra: [("status", .text(BackupStatus.deleted.rawValue))]
                )
            else { throw StoreError.notFound(.backup, id: id) }
        }
    }

    static func backupAssignment(_ change: BackupUpdate) -> (column: String, value: SQLValue) {
        switch change {
        case .status(let value): ("status", value.sqlValue)
        case .failReason(let value): ("fail_reason", value.sqlValue)
        case .host(let value): ("host", value.sqlValue)
        case .service(let value): ("service", value.sqlValue)
        case .container(let value): ("container", value.sqlValue)
        case .size(let value): ("size", value.sqlValue)
        case .objectCount(let value): ("object_count", value.sqlValue)
        case .displayName(let value): ("display_name", value.sqlValue)
        case .displayDescription(let value): ("display_description", value.sqlValue)
        case .restoreVolumeID(let value): ("restore_volume_id", value.sqlValue)
        case .numDependentBackups(let value): ("num_dependent_backups", .int(value))
        }
    }

    static func backup(from row: SQLRow) throws(StoreError) -> Backup {
        Backup(
            id: try row["id"],
            volumeID: try row["volume_id"],
            userID: try row["user_id"],
            projectID: try row["project_id"],
            size: try row["size"],
            status: try row["status"] ?? .error,
            host: try row["host"],
            availabilityZone: try row["availability_zone"],
            displayName: try row["display_name"],
            displayDescription: try row["display_description"],
            container: try row["container"],
            parentID: try row["parent_id"],
            failReason: try row["fail_reason"],
            service: try row["service"],
            objectCount: try row["object_count"],
            snapshotID: try row["snapshot_id"],
            dataTimestamp: try row["data_timestamp"],
            restoreVolumeID: try row["restore_volume_id"],
            numDependentBackups: try row["num_dependent_backups"] ?? 0,
            createdAt: try row["created_at"],
            updatedAt: try row["updated_at"],
            deletedAt: try row["deleted_at"],
            deleted: try row["deleted"]
        )
    }
}

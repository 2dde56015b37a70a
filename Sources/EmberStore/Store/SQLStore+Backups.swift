import EmberCore
import Foundation

extension SQLStore {
    static let backupSpec = ListSpec(
        table: EmberSchema.backups,
        metadataTables: [("backup_metadata", "backup_id")]
    )

    /// The backup's row and its metadata.
    static func insertBackup(_ backup: Backup, now: Date, executor: any SQLExecutor) async throws {
        _ = try await executor.insert("backups", Self.backupRow(backup))
        if !backup.metadata.isEmpty {
            _ = try await executor.setKeyValues(
                "backup_metadata",
                owner: "backup_id",
                id: backup.id,
                backup.metadata,
                replace: false,
                now: now
            )
        }
    }

    public func createBackup(_ backup: Backup) async throws(StoreError) -> Backup {
        try await writing { executor in
            try await Self.insertBackup(backup, now: self.now(), executor: executor)
            return try await Self.loadBackup(id: backup.id, scope: .allProjects, executor: executor)
        }
    }

    public func backup(id: String, scope: ProjectScope) async throws(StoreError) -> Backup {
        try await reading { executor in
            try await Self.loadBackup(id: id, scope: scope, executor: executor)
        }
    }

    public func backupIncludingDeleted(id: String) async throws(StoreError) -> Backup? {
        try await reading { executor in
            let rows = try await executor.query("SELECT t.* FROM backups t WHERE t.id = \(id)")
            return try rows.first.map(Self.backup(from:))
        }
    }

    public func importBackup(_ backup: Backup) async throws(StoreError) -> Backup {
        try await writing { executor in
            let now = self.now()
            if let row = try await executor.first(
                "SELECT deleted FROM backups WHERE id = \(backup.id)\(raw: executor.dialect.forUpdate)"
            ) {
                guard try row["deleted"] as Bool else { throw StoreError.backupExists(backup.id) }
                // The deleted row gives way to the imported one (cinder reuses it).
                try await executor.execute("DELETE FROM backup_metadata WHERE backup_id = \(backup.id)")
                try await executor.execute("DELETE FROM backups WHERE id = \(backup.id) AND deleted = TRUE")
            }
            try await Self.insertBackup(backup, now: now, executor: executor)
            return try await Self.loadBackup(id: backup.id, scope: .allProjects, executor: executor)
        }
    }

    public func listBackups(_ query: ListQuery) async throws(StoreError) -> Page<Backup> {
        try await reading { executor in
            let (rows, count) = try await Self.listRows(query, spec: Self.backupSpec, executor: executor)
            return Page(items: try await Self.backups(from: rows, executor: executor), count: count)
        }
    }

    public func updateBackup(id: String, _ changes: [BackupUpdate]) async throws(StoreError) -> Backup {
        try await writing { executor in
            let values = changes.flatMap(Self.backupAssignments) + [("updated_at", .date(self.now()))]
            guard try await executor.update("backups", id: .text(id), values) != nil else {
                throw StoreError.notFound(.backup, id: id)
            }
            return try await Self.loadBackup(id: id, scope: .allProjects, executor: executor)
        }
    }

    public func conditionalUpdateBackup(
        id: String,
        set changes: [BackupUpdate],
        whereStatusIn status: Set<BackupStatus>
    ) async throws(StoreError) -> Backup? {
        try await writing { executor in
            let values = changes.flatMap(Self.backupAssignments) + [("updated_at", .date(self.now()))]
            let condition: SQL = "status IN \(SQL.list(status.map { .text($0.rawValue) }))"
            guard try await executor.update("backups", id: .text(id), values, extra: condition) != nil else {
                return nil
            }
            return try await Self.loadBackup(id: id, scope: .allProjects, executor: executor)
        }
    }

    public func adjustDependentBackups(id: String, by delta: Int) async throws(StoreError) {
        try await writing { executor in
            try await executor.execute(
                """
                UPDATE backups SET num_dependent_backups = \
                CASE WHEN num_dependent_backups + \(delta) < 0 THEN 0 ELSE num_dependent_backups + \(delta) END, \
                updated_at = \(self.now()) WHERE id = \(id)
                """
            )
        }
    }

    public func updateBackupMetadata(
        id: String,
        _ metadata: [String: String],
        replace: Bool
    ) async throws(StoreError) -> [String: String] {
        try await writing { executor in
            guard
                try await executor.first(
                    "SELECT id FROM backups WHERE id = \(id) AND deleted = FALSE\(raw: executor.dialect.forUpdate)"
                ) != nil
            else { throw StoreError.notFound(.backup, id: id) }
            return try await executor.setKeyValues(
                "backup_metadata",
                owner: "backup_id",
                id: id,
                metadata,
                replace: replace,
                now: self.now()
            )
        }
    }

    public func deleteBackup(id: String) async throws(StoreError) {
        try await writing { executor in
            let now = self.now()
            guard
                try await executor.softDelete(
                    "backups",
                    id: .text(id),
                    now: now,
                    extra: [("status", .text(BackupStatus.deleted.rawValue))]
                )
            else { throw StoreError.notFound(.backup, id: id) }
            try await executor.deleteAllKeyValues("backup_metadata", owner: "backup_id", id: id, now: now)
        }
    }

    static func backupRow(_ backup: Backup) -> Assignments {
        func date(_ value: Date?) -> SQLValue { value.map { .date(SQLTimestamp.truncated($0)) } ?? .null }
        return [
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
            ("service_metadata", backup.serviceMetadata.sqlValue),
            ("service", backup.service.sqlValue),
            ("size", backup.size.sqlValue),
            ("object_count", backup.objectCount.sqlValue),
            ("snapshot_id", backup.snapshotID.sqlValue),
            ("data_timestamp", date(backup.dataTimestamp)),
            ("restore_volume_id", backup.restoreVolumeID.sqlValue),
            ("encryption_key_id", backup.encryptionKeyID.sqlValue),
            ("num_dependent_backups", .int(backup.numDependentBackups)),
            ("created_at", .date(SQLTimestamp.truncated(backup.createdAt))),
            ("updated_at", date(backup.updatedAt)),
            ("deleted", .bool(false)),
        ]
    }

    static func loadBackup(id: String, scope: ProjectScope, executor: any SQLExecutor) async throws -> Backup {
        let rows = try await executor.query(
            "SELECT t.* FROM backups t WHERE t.id = \(id) AND t.deleted = FALSE\(scope.condition(alias: "t"))"
        )
        guard let backup = try await backups(from: rows, executor: executor).first else {
            throw StoreError.notFound(.backup, id: id)
        }
        return backup
    }

    static func backups(from rows: [SQLRow], executor: any SQLExecutor) async throws -> [Backup] {
        var backups = try rows.map(backup(from:))
        let metadata = try await executor.keyValues("backup_metadata", owner: "backup_id", ids: backups.map(\.id))
        for index in backups.indices {
            backups[index].metadata = metadata[backups[index].id] ?? [:]
        }
        return backups
    }

    static func backupAssignments(_ change: BackupUpdate) -> [(column: String, value: SQLValue)] {
        switch change {
        case .status(let value): [("status", value.sqlValue)]
        case .failReason(let value): [("fail_reason", value.sqlValue)]
        case .host(let value): [("host", value.sqlValue)]
        case .service(let value): [("service", value.sqlValue)]
        case .container(let value): [("container", value.sqlValue)]
        case .size(let value): [("size", value.sqlValue)]
        case .objectCount(let value): [("object_count", value.sqlValue)]
        case .displayName(let value): [("display_name", value.sqlValue)]
        case .displayDescription(let value): [("display_description", value.sqlValue)]
        case .restoreVolumeID(let value): [("restore_volume_id", value.sqlValue)]
        case .numDependentBackups(let value): [("num_dependent_backups", .int(value))]
        case .serviceMetadata(let value): [("service_metadata", value.sqlValue)]
        case .availabilityZone(let value): [("availability_zone", value.sqlValue)]
        case .dataTimestamp(let value): [("data_timestamp", value.map { .date(SQLTimestamp.truncated($0)) } ?? .null)]
        case .objectCountAndSize(let objectCount, let size):
            [("object_count", objectCount.sqlValue), ("size", size.sqlValue)]
        case .volumeID(let value): [("volume_id", .text(value))]
        case .parentID(let value): [("parent_id", value.sqlValue)]
        case .snapshotID(let value): [("snapshot_id", value.sqlValue)]
        case .encryptionKeyID(let value): [("encryption_key_id", value.sqlValue)]
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
            serviceMetadata: try row["service_metadata"],
            encryptionKeyID: try row["encryption_key_id"],
            createdAt: try row["created_at"],
            updatedAt: try row["updated_at"],
            deletedAt: try row["deleted_at"],
            deleted: try row["deleted"]
        )
    }
}

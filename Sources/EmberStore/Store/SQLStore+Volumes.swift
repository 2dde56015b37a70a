import EmberCore
import Foundation

extension SQLStore {
    static let volumeSpec = ListSpec(
        table: EmberSchema.volumes,
        metadataTables: [("volume_metadata", "volume_id"), ("volume_admin_metadata", "volume_id")],
        imageMetadataTable: ("volume_glance_metadata", "volume_id")
    )

    static func metadataTable(_ kind: VolumeMetadataKind) -> String {
        switch kind {
        case .user: "volume_metadata"
        case .admin: "volume_admin_metadata"
        case .image: "volume_glance_metadata"
        }
    }

    public func createVolume(
        _ volume: Volume,
        committing reservation: QuotaReservation?
    ) async throws(StoreError) -> Volume {
        try await writing { executor in
            let now = self.now()
            var values = Self.volumeColumns(volume)
            values += [
                ("created_at", .date(SQLTimestamp.truncated(volume.createdAt))),
                ("updated_at", volume.updatedAt.map { .date(SQLTimestamp.truncated($0)) } ?? .null),
                ("deleted", .bool(false)),
            ]
            _ = try await executor.insert("volumes", values)
            for (kind, pairs) in [
                (VolumeMetadataKind.user, volume.metadata), (.admin, volume.adminMetadata),
                (.image, volume.imageMetadata),
            ] where !pairs.isEmpty {
                _ = try await executor.setKeyValues(
                    Self.metadataTable(kind),
                    owner: "volume_id",
                    id: volume.id,
                    pairs,
                    replace: false,
                    now: now
                )
            }
            if let reservation, !reservation.uuids.isEmpty {
                let uuids = SQL.list(reservation.uuids.map(SQLValue.text))
                _ = try await Self.settle(selection: "r.uuid IN \(uuids)", commit: true, now: now, executor: executor)
            }
            return try await Self.loadVolume(id: volume.id, scope: .allProjects, executor: executor)
        }
    }

    public func volume(id: String, scope: ProjectScope) async throws(StoreError) -> Volume {
        try await reading { executor in
            try await Self.loadVolume(id: id, scope: scope, executor: executor)
        }
    }

    public func listVolumes(_ query: ListQuery) async throws(StoreError) -> Page<Volume> {
        try await reading { executor in
            let (rows, count) = try await Self.listRows(query, spec: Self.volumeSpec, executor: executor)
            return Page(items: try await Self.volumes(from: rows, executor: executor), count: count)
        }
    }

    public func updateVolume(id: String, _ changes: [VolumeUpdate]) async throws(StoreError) -> Volume {
        try await writing { executor in
            guard
                try await Self.updateVolumeRow(id: id, changes, condition: nil, now: self.now(), executor: executor)
                    != nil
            else {
                throw StoreError.notFound(.volume, id: id)
            }
            return try await Self.loadVolume(id: id, scope: .allProjects, executor: executor)
        }
    }

    public func conditionalUpdateVolume(
        id: String,
        set changes: [VolumeUpdate],
        where condition: VolumeCondition
    )
        async throws(StoreError) -> Volume?
    {
        try await writing { executor in
            guard
                try await Self.updateVolumeRow(
                    id: id,
                    changes,
                    condition: condition,
                    now: self.now(),
                    executor: executor
                ) != nil
            else { return nil }
            return try await Self.loadVolume(id: id, scope: .allProjects, executor: executor)
        }
    }

    public func deleteVolume(id: String) async throws(StoreError) {
        try await writing { executor in
            let now = self.now()
            let deleted = try await executor.softDelete(
                "volumes",
                id: .text(id),
                now: now,
                extra: [("status", .text(VolumeStatus.deleted.rawValue)), ("migration_status", .null)]
            )
            guard deleted else { throw StoreError.notFound(.volume, id: id) }
            for table in ["volume_metadata", "volume_admin_metadata"] {
                try await executor.deleteAllKeyValues(table, owner: "volume_id", id: id, now: now)
            }
        }
    }

    public func volumeMetadata(id: String, kind: VolumeMetadataKind) async throws(StoreError) -> [String: String] {
        try await reading { executor in
            guard try await executor.first("SELECT id FROM volumes WHERE id = \(id) AND deleted = FALSE") != nil else {
                throw StoreError.notFound(.volume, id: id)
            }
            return try await executor.keyValues(Self.metadataTable(kind), owner: "volume_id", ids: [id])[id] ?? [:]
        }
    }

    public func updateVolumeMetadata(
        id: String,
        kind: VolumeMetadataKind,
        _ metadata: [String: String],
        replace: Bool
    )
        async throws(StoreError) -> [String: String]
    {
        try await writing { executor in
            guard
                try await executor.first(
                    "SELECT id FROM volumes WHERE id = \(id) AND deleted = FALSE\(raw: executor.dialect.forUpdate)"
                )
                    != nil
            else { throw StoreError.notFound(.volume, id: id) }
            let result = try await executor.setKeyValues(
                Self.metadataTable(kind),
                owner: "volume_id",
                id: id,
                metadata,
                replace: replace,
                now: self.now()
            )
            try await executor.execute("UPDATE volumes SET updated_at = \(self.now()) WHERE id = \(id)")
            return result
        }
    }

    public func deleteVolumeMetadata(id: String, kind: VolumeMetadataKind, key: String) async throws(StoreError) {
        try await writing { executor in
            guard try await executor.first("SELECT id FROM volumes WHERE id = \(id) AND deleted = FALSE") != nil else {
                throw StoreError.notFound(.volume, id: id)
            }
            guard
                try await executor.deleteKeyValue(
                    Self.metadataTable(kind),
                    owner: "volume_id",
                    id: id,
                    key: key,
                    now: self.now()
                )
            else { throw StoreError.metadataKeyNotFound(.volume, id: id, key: key) }
        }
    }

    // MARK: - Rows

    static func updateVolumeRow(
        id: String,
        _ changes: [VolumeUpdate],
        condition: VolumeCondition?,
        now: Date,
        executor: any SQLExecutor
    ) async throws -> SQLRow? {
        var values: Assignments = []
        var setSQL: [SQL] = []
        for change in changes {
            if case .previousStatusFromStatus = change {
                // Evaluated against the row before the update on both backends.
                setSQL.append("previous_status = status")
            } else if let assignment = volumeAssignment(change) {
                values.append(assignment)
            }
        }
        values.append(("updated_at", .date(now)))
        return try await executor.update(
            "volumes",
            id: .text(id),
            values,
            extra: condition.map(volumeCondition),
            setSQL: setSQL
        )
    }

    static func volumeCondition(_ condition: VolumeCondition) -> SQL {
        var parts: [SQL] = ["TRUE"]
        if let status = condition.status {
            parts.append("status IN \(SQL.list(status.map { .text($0.rawValue) }))")
        }
        if let excluded = condition.statusNotIn, !excluded.isEmpty {
            parts.append("status NOT IN \(SQL.list(excluded.map { .text($0.rawValue) }))")
        }
        if let attach = condition.attachStatus {
            parts.append("attach_status IN \(SQL.list(attach.map { .text($0.rawValue) }))")
        }
        if let excluded = condition.attachStatusNotIn, !excluded.isEmpty {
            parts.append(
                "(attach_status IS NULL OR attach_status NOT IN \(SQL.list(excluded.map { .text($0.rawValue) })))"
            )
        }
        if let migration = condition.migrationStatus {
            let values = migration.compactMap { $0 }.map(SQLValue.text)
            var options: [SQL] = []
            if !values.isEmpty { options.append("migration_status IN \(SQL.list(values))") }
            if migration.contains(nil) { options.append("migration_status IS NULL") }
            parts.append(options.isEmpty ? "FALSE" : "(" + SQL.joined(options, separator: " OR ") + ")")
        }
        if let projectID = condition.projectID {
            parts.append("project_id = \(projectID)")
        }
        if condition.hasNoSnapshots {
            parts.append("NOT EXISTS (SELECT 1 FROM snapshots s WHERE s.volume_id = volumes.id AND s.deleted = FALSE)")
        }
        if condition.notInGroup {
            parts.append("group_id IS NULL AND consistencygroup_id IS NULL")
        }
        if let hasAttachments = condition.hasAttachments {
            let exists: SQL = """
                EXISTS (SELECT 1 FROM volume_attachment a WHERE a.volume_id = volumes.id AND a.deleted = FALSE \
                AND (a.attach_status IS NULL OR a.attach_status <> 'detached'))
                """
            parts.append(hasAttachments ? exists : "NOT " + exists)
        }
        if let typeID = condition.volumeTypeIDNot {
            parts.append("volume_type_id <> \(typeID)")
        }
        if let host = condition.hostNot {
            parts.append("(host IS NULL OR host <> \(host))")
        }
        return SQL.joined(parts, separator: " AND ")
    }

    static func loadVolume(id: String, scope: ProjectScope, executor: any SQLExecutor) async throws -> Volume {
        let rows = try await executor.query(
            "SELECT t.* FROM volumes t WHERE t.id = \(id) AND t.deleted = FALSE\(scope.condition(alias: "t"))"
        )
        guard let volume = try await volumes(from: rows, executor: executor).first else {
            throw StoreError.notFound(.volume, id: id)
        }
        return volume
    }

    /// Volumes for `rows` with their metadata (one query for the three tables) and attachments.
    static func volumes(from rows: [SQLRow], executor: any SQLExecutor) async throws -> [Volume] {
        guard !rows.isEmpty else { return [] }
        var volumes = try decodeVolumes(rows)
        // Bound the number of parameters per statement (PostgreSQL allows 65535). Rows name
        // their volume by its position in the chunk (`j.key`), not by id: no id strings to
        // read and hash. Metadata order does not matter (a key is stored once per owner);
        // attachments come oldest first.
        for start in stride(from: 0, to: volumes.count, by: 500) {
            let ids = SQL.textTable(volumes[start..<min(start + 500, volumes.count)].map(\.id), alias: "j")
            let pairs = try await executor.query(
                """
                SELECT 0 AS kind, j.key AS position, m.key AS key, m.value AS value FROM \(ids) \
                JOIN volume_metadata m ON m.volume_id = j.value WHERE m.deleted = FALSE \
                UNION ALL SELECT 1, j.key, m.key, m.value FROM \(ids) \
                JOIN volume_admin_metadata m ON m.volume_id = j.value WHERE m.deleted = FALSE \
                UNION ALL SELECT 2, j.key, m.key, m.value FROM \(ids) \
                JOIN volume_glance_metadata m ON m.volume_id = j.value WHERE m.deleted = FALSE
                """
            )
            let attachments = try await executor.query(
                """
                SELECT j.key AS position, a.* FROM \(ids) JOIN volume_attachment a ON a.volume_id = j.value \
                WHERE a.deleted = FALSE ORDER BY a.created_at, a.id
                """
            )
            try add(pairs: pairs, attachments: attachments, to: &volumes, from: start)
        }
        return volumes
    }

    /// The volume rows of a result, decoded outside any async frame so that nothing is copied.
    private static func decodeVolumes(_ rows: [SQLRow]) throws(StoreError) -> [Volume] {
        var cursor = ColumnCursor()
        var volumes: [Volume] = []
        volumes.reserveCapacity(rows.count)
        for row in rows { volumes.append(try volume(from: row, cursor: &cursor)) }
        return volumes
    }

    /// Metadata and attachment rows (each with the `position` of its volume among those from
    /// `start`) added to their volumes in place.
    private static func add(
        pairs: [SQLRow],
        attachments: [SQLRow],
        to volumes: inout [Volume],
        from start: Int
    ) throws(StoreError) {
        var cursor = ColumnCursor()
        for row in pairs {
            cursor.begin(row)
            let kind: Int = try row.read("kind", &cursor)
            let position: Int = try row.read("position", &cursor)
            let key: String = try row.read("key", &cursor)
            let value: String = try row.read("value", &cursor) ?? ""
            let index = start + position
            guard volumes.indices.contains(index) else { continue }
            switch kind {
            case 0: volumes[index].metadata[key] = value
            case 1: volumes[index].adminMetadata[key] = value
            default: volumes[index].imageMetadata[key] = value
            }
        }
        for row in attachments {
            let index = start + (try row["position"] as Int)
            guard volumes.indices.contains(index) else { continue }
            volumes[index].attachments.append(try attachment(from: row))
        }
    }

    /// A volume row, the column positions remembered across the rows of one result.
    static func volume(from row: SQLRow, cursor: inout ColumnCursor) throws(StoreError) -> Volume {
        cursor.begin(row)
        return Volume(
            id: try row.read("id", &cursor),
            userID: try row.read("user_id", &cursor),
            projectID: try row.read("project_id", &cursor),
            size: try row.read("size", &cursor) ?? 0,
            volumeTypeID: try row.read("volume_type_id", &cursor),
            status: try row.read("status", &cursor) ?? .error,
            attachStatus: try row.read("attach_status", &cursor) ?? .detached,
            displayName: try row.read("display_name", &cursor),
            displayDescription: try row.read("display_description", &cursor),
            availabilityZone: try row.read("availability_zone", &cursor),
            snapshotID: try row.read("snapshot_id", &cursor),
            sourceVolumeID: try row.read("source_volid", &cursor),
            host: try row.read("host", &cursor),
            clusterName: try row.read("cluster_name", &cursor),
            migrationStatus: try row.read("migration_status", &cursor),
            previousStatus: try row.read("previous_status", &cursor),
            providerLocation: try row.read("provider_location", &cursor),
            providerAuth: try row.read("provider_auth", &cursor),
            providerID: try row.read("provider_id", &cursor),
            encryptionKeyID: try row.read("encryption_key_id", &cursor),
            consistencyGroupID: try row.read("consistencygroup_id", &cursor),
            groupID: try row.read("group_id", &cursor),
            bootable: try row.read("bootable", &cursor) ?? false,
            multiattach: try row.read("multiattach", &cursor) ?? false,
            replicationStatus: try row.read("replication_status", &cursor),
            useQuota: try row.read("use_quota", &cursor),
            sharedTargets: try row.read("shared_targets", &cursor),
            serviceUUID: try row.read("service_uuid", &cursor),
            nameID: try row.read("_name_id", &cursor),
            scheduledAt: try row.read("scheduled_at", &cursor),
            launchedAt: try row.read("launched_at", &cursor),
            terminatedAt: try row.read("terminated_at", &cursor),
            createdAt: try row.read("created_at", &cursor),
            updatedAt: try row.read("updated_at", &cursor),
            deletedAt: try row.read("deleted_at", &cursor),
            deleted: try row.read("deleted", &cursor)
        )
    }

    static func volumeColumns(_ volume: Volume) -> Assignments {
        func date(_ value: Date?) -> SQLValue { value.map { .date(SQLTimestamp.truncated($0)) } ?? .null }
        return [
            ("id", .text(volume.id)),
            ("user_id", volume.userID.sqlValue),
            ("project_id", volume.projectID.sqlValue),
            ("snapshot_id", volume.snapshotID.sqlValue),
            ("source_volid", volume.sourceVolumeID.sqlValue),
            ("host", volume.host.sqlValue),
            ("cluster_name", volume.clusterName.sqlValue),
            ("size", .int(volume.size)),
            ("availability_zone", volume.availabilityZone.sqlValue),
            ("status", volume.status.sqlValue),
            ("attach_status", volume.attachStatus.sqlValue),
            ("migration_status", volume.migrationStatus.sqlValue),
            ("previous_status", volume.previousStatus.sqlValue),
            ("display_name", volume.displayName.sqlValue),
            ("display_description", volume.displayDescription.sqlValue),
            ("volume_type_id", .text(volume.volumeTypeID)),
            ("provider_location", volume.providerLocation.sqlValue),
            ("provider_auth", volume.providerAuth.sqlValue),
            ("provider_id", volume.providerID.sqlValue),
            ("encryption_key_id", volume.encryptionKeyID.sqlValue),
            ("consistencygroup_id", volume.consistencyGroupID.sqlValue),
            ("group_id", volume.groupID.sqlValue),
            ("bootable", .bool(volume.bootable)),
            ("multiattach", .bool(volume.multiattach)),
            ("replication_status", volume.replicationStatus.sqlValue),
            ("use_quota", .bool(volume.useQuota)),
            ("shared_targets", volume.sharedTargets.sqlValue),
            ("service_uuid", volume.serviceUUID.sqlValue),
            ("_name_id", volume.nameID.sqlValue),
            ("scheduled_at", date(volume.scheduledAt)),
            ("launched_at", date(volume.launchedAt)),
            ("terminated_at", date(volume.terminatedAt)),
        ]
    }

    static func volumeAssignment(_ change: VolumeUpdate) -> (column: String, value: SQLValue)? {
        func date(_ value: Date?) -> SQLValue { value.map { .date(SQLTimestamp.truncated($0)) } ?? .null }
        return switch change {
        case .status(let value): ("status", value.sqlValue)
        case .attachStatus(let value): ("attach_status", value.sqlValue)
        case .migrationStatus(let value): ("migration_status", value.sqlValue)
        case .previousStatus(let value): ("previous_status", value.sqlValue)
        case .previousStatusFromStatus: nil
        case .host(let value): ("host", value.sqlValue)
        case .clusterName(let value): ("cluster_name", value.sqlValue)
        case .size(let value): ("size", .int(value))
        case .availabilityZone(let value): ("availability_zone", value.sqlValue)
        case .displayName(let value): ("display_name", value.sqlValue)
        case .displayDescription(let value): ("display_description", value.sqlValue)
        case .volumeTypeID(let value): ("volume_type_id", .text(value))
        case .providerLocation(let value): ("provider_location", value.sqlValue)
        case .providerAuth(let value): ("provider_auth", value.sqlValue)
        case .providerID(let value): ("provider_id", value.sqlValue)
        case .encryptionKeyID(let value): ("encryption_key_id", value.sqlValue)
        case .bootable(let value): ("bootable", .bool(value))
        case .multiattach(let value): ("multiattach", .bool(value))
        case .replicationStatus(let value): ("replication_status", value.sqlValue)
        case .projectID(let value): ("project_id", .text(value))
        case .userID(let value): ("user_id", .text(value))
        case .groupID(let value): ("group_id", value.sqlValue)
        case .useQuota(let value): ("use_quota", .bool(value))
        case .serviceUUID(let value): ("service_uuid", value.sqlValue)
        case .sharedTargets(let value): ("shared_targets", value.sqlValue)
        case .scheduledAt(let value): ("scheduled_at", date(value))
        case .launchedAt(let value): ("launched_at", date(value))
        case .terminatedAt(let value): ("terminated_at", date(value))
        case .nameID(let value): ("_name_id", value.sqlValue)
        case .snapshotID(let value): ("snapshot_id", value.sqlValue)
        case .sourceVolumeID(let value): ("source_volid", value.sqlValue)
        }
    }
}

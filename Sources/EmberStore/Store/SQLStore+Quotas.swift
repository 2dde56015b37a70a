import EmberCore
import Foundation

extension SQLStore {
    public func projectQuotas(projectID: String) async throws(StoreError) -> [String: Int] {
        try await reading { executor in
            try await Self.limits(
                "SELECT resource, hard_limit FROM quotas WHERE project_id = \(projectID) AND deleted = FALSE ORDER BY id",
                executor: executor
            )
        }
    }

    public func setProjectQuota(projectID: String, resource: String, hardLimit: Int) async throws(StoreError) {
        try await writing { executor in
            try await Self.upsertLimit(
                table: "quotas",
                ownerColumn: "project_id",
                owner: projectID,
                resource: resource,
                hardLimit: hardLimit,
                now: self.now(),
                executor: executor
            )
        }
    }

    public func deleteProjectQuotas(projectID: String) async throws(StoreError) {
        try await writing { executor in
            try await executor.execute(
                """
                UPDATE quotas SET deleted = TRUE, deleted_at = \(self.now()) \
                WHERE project_id = \(projectID) AND deleted = FALSE
                """
            )
        }
    }

    public func quotaClass(name: String) async throws(StoreError) -> [String: Int] {
        try await reading { executor in
            try await Self.limits(
                "SELECT resource, hard_limit FROM quota_classes WHERE class_name = \(name) AND deleted = FALSE ORDER BY id",
                executor: executor
            )
        }
    }

    public func setQuotaClass(name: String, resource: String, hardLimit: Int) async throws(StoreError) {
        try await writing { executor in
            try await Self.upsertLimit(
                table: "quota_classes",
                ownerColumn: "class_name",
                owner: name,
                resource: resource,
                hardLimit: hardLimit,
                now: self.now(),
                executor: executor
            )
        }
    }

    public func quotaUsages(projectID: String) async throws(StoreError) -> [String: QuotaUsage] {
        try await reading { executor in
            let rows = try await executor.query(
                """
                SELECT resource, in_use, reserved FROM quota_usages \
                WHERE project_id = \(projectID) AND deleted = FALSE ORDER BY resource
                """
            )
            var usages: [String: QuotaUsage] = [:]
            for row in rows {
                let resource: String = try row["resource"]
                usages[resource] = QuotaUsage(
                    projectID: projectID,
                    resource: resource,
                    inUse: try row["in_use"],
                    reserved: try row["reserved"]
                )
            }
            return usages
        }
    }

    public func reserve(
        projectID: String,
        deltas: [String: Int],
        limits: [String: Int],
        expiresAt: Date
    )
        async throws(StoreError) -> QuotaReservation
    {
        let resources = deltas.keys.sorted()
        guard !resources.isEmpty else { return QuotaReservation(projectID: projectID, uuids: []) }
        return try await writing { executor in
            let now = self.now()
            var usages = try await Self.lockUsages(projectID: projectID, resources: resources, executor: executor)
            let missing = resources.filter { usages[$0] == nil }
            if !missing.isEmpty {
                for resource in missing {
                    let inUse = try await Self.currentUsage(
                        projectID: projectID,
                        resource: resource,
                        executor: executor
                    )
                    // Another transaction may be creating the same row: the unique key
                    // (project_id, resource, race_preventer) makes one insert win, and the
                    // second lock below waits for it.
                    try await executor.execute(
                        """
                        INSERT INTO quota_usages (project_id, resource, in_use, reserved, race_preventer, created_at, \
                        updated_at, deleted) VALUES (\(projectID), \(resource), \(inUse), 0, TRUE, \(now), \(now), FALSE) \
                        ON CONFLICT DO NOTHING
                        """
                    )
                }
                usages = try await Self.lockUsages(projectID: projectID, resources: resources, executor: executor)
            }
            var overs: [QuotaOverage] = []
            for resource in resources {
                guard let usage = usages[resource] else {
                    throw StoreError.internalError("quota usage row for \(resource) missing after creation")
                }
                let delta = deltas[resource] ?? 0
                if let limit = limits[resource], limit >= 0, delta >= 0, limit < delta + usage.inUse + usage.reserved {
                    overs.append(
                        QuotaOverage(
                            resource: resource,
                            requested: delta,
                            limit: limit,
                            inUse: usage.inUse,
                            reserved: usage.reserved
                        )
                    )
                }
            }
            guard overs.isEmpty else { throw StoreError.overQuota(overs) }
            var uuids: [String] = []
            for resource in resources {
                let usage = usages[resource]!
                let delta = deltas[resource] ?? 0
                let uuid = UUID().uuidString.lowercased()
                try await executor.execute(
                    """
                    INSERT INTO reservations (uuid, usage_id, project_id, resource, delta, expire, created_at, deleted) \
                    VALUES (\(uuid), \(usage.rowID), \(projectID), \(resource), \(delta), \
                    \(SQLTimestamp.truncated(expiresAt)), \(now), FALSE)
                    """
                )
                if delta > 0 {
                    try await executor.execute(
                        "UPDATE quota_usages SET reserved = reserved + \(delta), updated_at = \(now) WHERE id = \(usage.rowID)"
                    )
                }
                uuids.append(uuid)
            }
            return QuotaReservation(projectID: projectID, uuids: uuids)
        }
    }

    public func commit(_ reservation: QuotaReservation) async throws(StoreError) {
        guard !reservation.uuids.isEmpty else { return }
        _ = try await settle(reservation: SQL.list(reservation.uuids.map(SQLValue.text)), commit: true)
    }

    public func rollback(_ reservation: QuotaReservation) async throws(StoreError) {
        guard !reservation.uuids.isEmpty else { return }
        _ = try await settle(reservation: SQL.list(reservation.uuids.map(SQLValue.text)), commit: false)
    }

    public func expireReservations(now: Date) async throws(StoreError) -> Int {
        let cutoff = SQLTimestamp.truncated(now)
        return try await settle(expiredBefore: cutoff)
    }

    /// Commits or rolls back the live reservations with the given uuids.
    private func settle(reservation uuids: SQL, commit: Bool) async throws(StoreError) -> Int {
        try await settle(selection: "r.uuid IN \(uuids)", commit: commit)
    }

    /// Rolls back the live reservations that expired before `cutoff`.
    private func settle(expiredBefore cutoff: Date) async throws(StoreError) -> Int {
        try await settle(selection: "r.expire < \(cutoff)", commit: false)
    }

    /// Applies reservations to their usage rows and soft-deletes them. Usage rows are locked
    /// first, in resource order, as `reserve` locks them, so the two cannot deadlock.
    private func settle(selection: SQL, commit: Bool) async throws(StoreError) -> Int {
        try await writing { executor in
            try await Self.settle(selection: selection, commit: commit, now: self.now(), executor: executor)
        }
    }

    /// ``settle(selection:commit:)`` inside the caller's transaction (a transfer's accept
    /// commits its reservations with the ownership change, all or nothing).
    static func settle(selection: SQL, commit: Bool, now: Date, executor: any SQLExecutor) async throws -> Int {
        let forUpdate = executor.dialect.forUpdate
        let usageIDs = try await executor.query(
            "SELECT DISTINCT r.usage_id AS usage_id FROM reservations r WHERE r.deleted = FALSE AND \(selection)"
        )
        guard !usageIDs.isEmpty else { return 0 }
        let ids = try usageIDs.map { row throws(StoreError) -> SQLValue in .int(try row["usage_id"]) }
        let usageRows = try await executor.query(
            """
            SELECT id, in_use, reserved FROM quota_usages WHERE id IN \(SQL.list(ids)) \
            ORDER BY resource, project_id, id\(raw: forUpdate)
            """
        )
        var usages: [Int: (inUse: Int, reserved: Int)] = [:]
        for row in usageRows {
            usages[try row["id"]] = (try row["in_use"], try row["reserved"])
        }
        let reservations = try await executor.query(
            "SELECT r.id, r.usage_id, r.delta FROM reservations r WHERE r.deleted = FALSE AND \(selection) ORDER BY r.id\(raw: forUpdate)"
        )
        for row in reservations {
            let usageID: Int = try row["usage_id"]
            var delta: Int = try row["delta"]
            guard var usage = usages[usageID] else { continue }
            if delta >= 0 {
                usage.reserved -= min(delta, usage.reserved)
            }
            if commit {
                if delta < 0, -delta > usage.inUse { delta = -usage.inUse }
                usage.inUse += delta
            }
            usages[usageID] = usage
        }
        for (usageID, usage) in usages.sorted(by: { $0.key < $1.key }) {
            try await executor.execute(
                """
                UPDATE quota_usages SET in_use = \(usage.inUse), reserved = \(usage.reserved), updated_at = \(now) \
                WHERE id = \(usageID)
                """
            )
        }
        let ids2 = try reservations.map { row throws(StoreError) -> SQLValue in .int(try row["id"]) }
        if !ids2.isEmpty {
            try await executor.execute(
                "UPDATE reservations SET deleted = TRUE, deleted_at = \(now) WHERE id IN \(SQL.list(ids2))"
            )
        }
        return reservations.count
    }

    struct LockedUsage: Sendable {
        var rowID: Int
        var inUse: Int
        var reserved: Int
    }

    /// The live usage rows of `resources`, locked for this transaction.
    static func lockUsages(
        projectID: String,
        resources: [String],
        executor: any SQLExecutor
    ) async throws
        -> [String: LockedUsage]
    {
        let rows = try await executor.query(
            """
            SELECT id, resource, in_use, reserved FROM quota_usages WHERE project_id = \(projectID) \
            AND resource IN \(SQL.list(resources.map(SQLValue.text))) AND deleted = FALSE \
            ORDER BY resource\(raw: executor.dialect.forUpdate)
            """
        )
        var usages: [String: LockedUsage] = [:]
        for row in rows {
            usages[try row["resource"]] = LockedUsage(
                rowID: try row["id"],
                inUse: try row["in_use"],
                reserved: try row["reserved"]
            )
        }
        return usages
    }

    /// What a project uses of `resource` now, counted from the tables (cinder's `_sync_*`):
    /// `volumes`, `gigabytes` (volumes and snapshots), `snapshots`, `backups`,
    /// `backup_gigabytes`, `groups`, and the per-type `volumes_<type>`, `gigabytes_<type>`,
    /// `snapshots_<type>`. Other resources start at 0.
    static func currentUsage(projectID: String, resource: String, executor: any SQLExecutor) async throws -> Int {
        func scalar(_ sql: SQL) async throws -> Int {
            try await executor.first(sql)?["n"] ?? 0
        }
        func typeCondition(_ alias: String, _ typeName: String?) -> SQL {
            guard let typeName else { return "" }
            return
                " AND \(raw: alias).volume_type_id IN (SELECT id FROM volume_types WHERE name = \(typeName) AND deleted = FALSE)"
        }
        func volumes(_ type: String?) async throws -> Int {
            try await scalar(
                """
                SELECT COUNT(*) AS n FROM volumes v WHERE v.project_id = \(projectID) AND v.deleted = FALSE \
                AND v.use_quota = TRUE\(typeCondition("v", type))
                """
            )
        }
        func snapshots(_ type: String?) async throws -> Int {
            try await scalar(
                """
                SELECT COUNT(*) AS n FROM snapshots s WHERE s.project_id = \(projectID) AND s.deleted = FALSE \
                AND s.use_quota = TRUE\(typeCondition("s", type))
                """
            )
        }
        func gigabytes(_ type: String?) async throws -> Int {
            let volumeGB = try await scalar(
                """
                SELECT CAST(COALESCE(SUM(v.size), 0) AS INTEGER) AS n FROM volumes v WHERE v.project_id = \(projectID) \
                AND v.deleted = FALSE AND v.use_quota = TRUE\(typeCondition("v", type))
                """
            )
            let snapshotGB = try await scalar(
                """
                SELECT CAST(COALESCE(SUM(s.volume_size), 0) AS INTEGER) AS n FROM snapshots s \
                WHERE s.project_id = \(projectID) AND s.deleted = FALSE AND s.use_quota = TRUE\(typeCondition("s", type))
                """
            )
            return volumeGB + snapshotGB
        }
        switch resource {
        case "volumes": return try await volumes(nil)
        case "snapshots": return try await snapshots(nil)
        case "gigabytes": return try await gigabytes(nil)
        case "groups":
            return try await scalar(
                "SELECT COUNT(*) AS n FROM groups g WHERE g.project_id = \(projectID) AND g.deleted = FALSE"
            )
        case "backups":
            return try await scalar(
                "SELECT COUNT(*) AS n FROM backups b WHERE b.project_id = \(projectID) AND b.deleted = FALSE"
            )
        case "backup_gigabytes":
            return try await scalar(
                """
                SELECT CAST(COALESCE(SUM(b.size), 0) AS INTEGER) AS n FROM backups b \
                WHERE b.project_id = \(projectID) AND b.deleted = FALSE
                """
            )
        default:
            for (prefix, count) in [
                ("volumes_", volumes), ("snapshots_", snapshots), ("gigabytes_", gigabytes),
            ] as [(String, (String?) async throws -> Int)] where resource.hasPrefix(prefix) {
                return try await count(String(resource.dropFirst(prefix.count)))
            }
            return 0
        }
    }

    static func limits(_ sql: SQL, executor: any SQLExecutor) async throws -> [String: Int] {
        var limits: [String: Int] = [:]
        for row in try await executor.query(sql) {
            let limit: Int? = try row["hard_limit"]
            limits[try row["resource"]] = limit ?? -1
        }
        return limits
    }

    static func upsertLimit(
        table: String,
        ownerColumn: String,
        owner: String,
        resource: String,
        hardLimit: Int,
        now: Date,
        executor: any SQLExecutor
    ) async throws {
        let updated = try await executor.query(
            """
            UPDATE \(raw: table) SET hard_limit = \(hardLimit), updated_at = \(now) \
            WHERE \(raw: ownerColumn) = \(owner) AND resource = \(resource) AND deleted = FALSE RETURNING id
            """
        )
        if updated.isEmpty {
            try await executor.execute(
                """
                INSERT INTO \(raw: table) (\(raw: ownerColumn), resource, hard_limit, created_at, deleted) \
                VALUES (\(owner), \(resource), \(hardLimit), \(now), FALSE)
                """
            )
        }
    }
}

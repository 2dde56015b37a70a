import EmberCore
import Foundation

/// One usage row that does not match what the tables hold (`cinder-manage quota check`).
public struct QuotaUsageDiscrepancy: Sendable, Equatable {
    /// `usage` (the `in_use` column) or `reserved`.
    public var field: String
    public var resource: String
    public var saved: Int
    public var actual: Int

    public init(field: String, resource: String, saved: Int, actual: Int) {
        self.field = field
        self.resource = resource
        self.saved = saved
        self.actual = actual
    }
}

/// What `quota check` / `quota sync` found for one project.
public struct QuotaProjectCheck: Sendable, Equatable {
    public var projectID: String
    public var discrepancies: [QuotaUsageDiscrepancy]
}

/// The operator's database work (`cinder-manage db purge`, `db online_data_migrations`,
/// `quota check|sync`, `volume update_host`), on both dialects.
extension SQLStore {
    /// Every soft-deleting table, rows that reference others first (cinder's
    /// `reversed(sorted_tables)`): the schema's creation order, backwards.
    static let purgeOrder = EmberSchema.allTables.reversed().filter { $0.column("deleted") != nil }.map(\.name)

    /// `db.purge_deleted_rows`: removes for good the rows soft-deleted before `cutoff`, table
    /// by table in one transaction; returns the count per table that lost rows. A row still
    /// referenced by a live one fails the whole purge (cinder's `DBReferenceError`).
    public func purgeDeletedRows(before cutoff: Date) async throws(StoreError) -> [(table: String, rows: Int)] {
        let cutoff = SQLTimestamp.truncated(cutoff)
        return try await writing { executor in
            var purged: [(table: String, rows: Int)] = []
            for table in Self.purgeOrder {
                let condition: SQL = "deleted = TRUE AND deleted_at < \(cutoff)"
                if table == "quality_of_service_specs" {
                    // The specs' key rows first: they reference their specs row.
                    let keys: Int =
                        try await executor.first(
                            "SELECT COUNT(*) AS n FROM quality_of_service_specs WHERE specs_id IS NOT NULL AND \(condition)"
                        )?["n"] ?? 0
                    if keys > 0 {
                        try await executor.execute(
                            "DELETE FROM quality_of_service_specs WHERE specs_id IS NOT NULL AND \(condition)"
                        )
                        purged.append((table, keys))
                    }
                }
                let count: Int =
                    try await executor.first("SELECT COUNT(*) AS n FROM \(raw: table) WHERE \(condition)")?["n"] ?? 0
                guard count > 0 else { continue }
                try await executor.execute("DELETE FROM \(raw: table) WHERE \(condition)")
                if let index = purged.firstIndex(where: { $0.table == table }) {
                    purged[index].rows += count
                } else {
                    purged.append((table, count))
                }
            }
            return purged
        }
    }

    /// `remove_temporary_admin_metadata_data_migration`: soft-deletes up to `maxCount` live
    /// `temporary` admin metadata rows; returns how many there were and how many it removed.
    public func removeTemporaryAdminMetadata(maxCount: Int) async throws(StoreError) -> (found: Int, done: Int) {
        try await writing { executor in
            let rows = try await executor.query(
                "SELECT id FROM volume_admin_metadata WHERE key = 'temporary' AND deleted = FALSE ORDER BY id"
            )
            let ids = try rows.prefix(max(0, maxCount)).map { row throws(StoreError) -> SQLValue in .int(try row["id"])
            }
            if !ids.isEmpty {
                try await executor.execute(
                    """
                    UPDATE volume_admin_metadata SET deleted = TRUE, deleted_at = \(self.now()), \
                    updated_at = \(self.now()) WHERE id IN \(SQL.list(ids))
                    """
                )
            }
            return (rows.count, ids.count)
        }
    }

    /// `cinder-manage quota check` (`fix` false) and `quota sync` (`fix` true): each live usage
    /// row of the project (every project that has usage rows when nil) against what the
    /// tables hold (`in_use`) and what the live reservations hold (`reserved`, the positive
    /// deltas); with `fix` the row is corrected in the project's transaction. nil: the named
    /// project has no usage rows.
    public func checkQuotaUsage(projectID: String?, fix: Bool) async throws(StoreError) -> [QuotaProjectCheck]? {
        let projects: [String] = try await reading { executor in
            let rows: [SQLRow]
            if let projectID {
                rows = try await executor.query(
                    "SELECT DISTINCT project_id FROM quota_usages WHERE project_id = \(projectID) AND deleted = FALSE"
                )
            } else {
                rows = try await executor.query(
                    "SELECT DISTINCT project_id FROM quota_usages WHERE deleted = FALSE ORDER BY project_id"
                )
            }
            return try rows.map { row throws(StoreError) -> String in try row["project_id"] }
        }
        if projectID != nil && projects.isEmpty { return nil }
        var checks: [QuotaProjectCheck] = []
        for project in projects {
            let discrepancies = try await writing { executor in
                let forUpdate = executor.dialect.forUpdate
                let usages = try await executor.query(
                    """
                    SELECT id, resource, in_use, reserved FROM quota_usages \
                    WHERE project_id = \(project) AND deleted = FALSE ORDER BY resource, id\(raw: forUpdate)
                    """
                )
                var found: [QuotaUsageDiscrepancy] = []
                for usage in usages {
                    let id: Int = try usage["id"]
                    let resource: String = try usage["resource"]
                    let inUse: Int = try usage["in_use"]
                    let reserved: Int = try usage["reserved"]
                    let actualInUse = try await Self.currentUsage(
                        projectID: project,
                        resource: resource,
                        executor: executor
                    )
                    let actualReserved: Int =
                        try await executor.first(
                            """
                            SELECT CAST(COALESCE(SUM(delta), 0) AS INTEGER) AS n FROM reservations \
                            WHERE usage_id = \(id) AND project_id = \(project) AND deleted = FALSE AND delta > 0
                            """
                        )?["n"] ?? 0
                    if actualInUse != inUse {
                        found.append(.init(field: "usage", resource: resource, saved: inUse, actual: actualInUse))
                    }
                    if actualReserved != reserved {
                        found.append(
                            .init(field: "reserved", resource: resource, saved: reserved, actual: actualReserved)
                        )
                    }
                    if fix && (actualInUse != inUse || actualReserved != reserved) {
                        try await executor.execute(
                            """
                            UPDATE quota_usages SET in_use = \(actualInUse), reserved = \(actualReserved), \
                            updated_at = \(self.now()) WHERE id = \(id)
                            """
                        )
                    }
                }
                return found
            }
            checks.append(QuotaProjectCheck(projectID: project, discrepancies: discrepancies))
        }
        return checks
    }

    /// `volume update_host`: the live volumes whose host is `current` (a pool exactly; a
    /// backend also its pools; a bare host also its backends and pools, as cinder's
    /// `_filter_host`) get `new` as their host; returns their ids.
    public func moveVolumes(fromHost current: String, toHost new: String) async throws(StoreError) -> [String] {
        try await writing { executor in
            let rows = try await executor.query(
                "SELECT id FROM volumes WHERE deleted = FALSE AND \(Self.hostMatch("host", current)) ORDER BY id"
            )
            let ids = try rows.map { row throws(StoreError) -> String in try row["id"] }
            if !ids.isEmpty {
                try await executor.execute(
                    """
                    UPDATE volumes SET host = \(new), updated_at = \(self.now()) \
                    WHERE id IN \(SQL.list(ids.map(SQLValue.text)))
                    """
                )
            }
            return ids
        }
    }
}

import EmberCore
import Foundation

/// What `cluster remove` did (`cinder-manage cluster remove`).
public enum ClusterRemoval: Sendable, Equatable {
    /// No live cluster of that binary matches the name.
    case notFound(name: String)
    /// The cluster still has live services (and `--recursive` was not given).
    case hasHosts(name: String)
    /// The cluster is gone, and this many of its services with it.
    case removed(name: String, services: Int)
}

/// The operator's cluster work (`cinder-manage cluster remove|rename`), on both dialects.
extension SQLStore {
    /// cinder's `_filter_host` in SQL: `column` equals `value`; at backend level (an `@`, no
    /// `#`) also its pools; at host level (neither) also its backends and pools. As in cinder,
    /// `LIKE` follows the database's own case rules and treats `%` and `_` as wildcards.
    static func hostMatch(_ column: String, _ value: String) -> SQL {
        var condition: SQL = "\(raw: column) = \(value)"
        if !value.contains("#") {
            condition.append(" OR \(raw: column) LIKE \(value + "#%")")
            if !value.contains("@") {
                condition.append(" OR \(raw: column) LIKE \(value + "@%")")
            }
        }
        return "(\(condition))"
    }

    /// `cluster remove [--recursive] BINARY NAME`: the first live cluster of `binary` whose
    /// name matches `name` (at the level it names, as cinder's `Cluster.get_by_id`) is
    /// soft-deleted when no live service belongs to it any more; with `recursive` its services
    /// are soft-deleted first, in the same transaction. The deleted row's `race_preventer`
    /// becomes its id, so a cluster of the same name can be created again.
    public func removeCluster(
        name: String,
        binary: String,
        recursive: Bool
    ) async throws(StoreError)
        -> ClusterRemoval
    {
        try await writing { executor in
            let now = self.now()
            guard
                let row = try await executor.first(
                    """
                    SELECT * FROM clusters WHERE deleted = FALSE AND "binary" = \(binary) \
                    AND \(Self.hostMatch("name", name)) ORDER BY id LIMIT 1\(raw: executor.dialect.forUpdate)
                    """
                )
            else { return .notFound(name: name) }
            let cluster = try Self.cluster(from: row)
            var services = 0
            if recursive {
                services = try await executor.query(
                    """
                    UPDATE services SET deleted = TRUE, deleted_at = \(now) \
                    WHERE cluster_name = \(cluster.name) AND deleted = FALSE RETURNING id
                    """
                ).count
            }
            let removed = try await executor.first(
                """
                UPDATE clusters SET deleted = TRUE, deleted_at = \(now), race_preventer = id \
                WHERE id = \(cluster.id) AND deleted = FALSE AND NOT EXISTS \
                (SELECT 1 FROM services WHERE services.cluster_name = clusters.name AND services.deleted = FALSE) \
                RETURNING id
                """
            )
            return removed == nil ? .hasHosts(name: name) : .removed(name: name, services: services)
        }
    }

    /// `cluster rename [--full-rename] CURRENT NEW` (cinder's `volume_include_in_cluster`):
    /// the live volumes whose `cluster_name` matches `current` at the level it names get
    /// `new` as their cluster; a partial rename replaces only `current` in the name (SQL
    /// `REPLACE`, every occurrence, as cinder), keeping the backend and pool. No `current`
    /// puts every live volume in `new`; no `new` clears the cluster. Returns how many
    /// volumes changed.
    public func includeVolumesInCluster(
        _ new: String?,
        partialRename: Bool,
        clusterName current: String?
    )
        async throws(StoreError) -> Int
    {
        try await writing { executor in
            let value = SQL.bind(new.sqlValue)
            var sql: SQL = "UPDATE volumes SET cluster_name = "
            if let current, partialRename {
                sql.append("REPLACE(cluster_name, \(current), \(value))")
            } else {
                sql.append(value)
            }
            sql.append(", updated_at = \(self.now()) WHERE deleted = FALSE")
            if let current { sql.append(" AND " + Self.hostMatch("cluster_name", current)) }
            sql.append(raw: " RETURNING id")
            return try await executor.query(sql).count
        }
    }
}

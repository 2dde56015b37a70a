import EmberCore
import Foundation

/// Generic volume groups (cinder's `group_*` db API): the group row with its volume types
/// (`group_volume_type_mapping`), its member volumes (`volumes.group_id`), and the
/// conditional update its status machine needs.
public protocol GroupStore: Sendable {
    /// `group_create`: the group and its volume type mappings in one transaction.
    func createGroup(_ group: VolumeGroup) async throws(StoreError) -> VolumeGroup
    /// A live group visible in `scope`. Throws `.notFound(.group)`.
    func group(id: String, scope: ProjectScope) async throws(StoreError) -> VolumeGroup
    /// Groups in `query.scope`, paged and sorted on the group columns.
    func listGroups(_ query: ListQuery) async throws(StoreError) -> Page<VolumeGroup>
    /// Applies `changes` only if `condition` holds at that moment; nil when it did not (or
    /// the group is gone).
    func conditionalUpdateGroup(
        id: String,
        set changes: [GroupUpdate],
        where condition: GroupCondition
    ) async throws(StoreError) -> VolumeGroup?
    /// `group_destroy`: soft-deletes the group (status `deleted`) and its type mappings.
    func deleteGroup(id: String) async throws(StoreError)
    /// `volume_get_all_by_generic_group`: the group's live volumes, oldest first.
    func groupVolumes(groupID: String) async throws(StoreError) -> [Volume]
    /// The volumes `add` join the group and `remove` leave it, in one transaction.
    func changeGroupMembership(groupID: String, add: [String], remove: [String]) async throws(StoreError)
    /// Whether the group has a live group snapshot.
    func hasGroupSnapshots(groupID: String) async throws(StoreError) -> Bool
    /// Live groups in one of `statuses` whose host is on `backend` (`HOST@BACKEND`).
    func groups(onBackend backend: String, statuses: Set<GroupStatus>) async throws(StoreError) -> [VolumeGroup]
}

extension GroupStore {
    /// Moves group `id` through `transition` in one conditional update; nil when the row
    /// does not meet it.
    @discardableResult
    public func apply(
        _ transition: GroupTransition,
        toGroup id: String,
        given: GroupStatus? = nil,
        also: [GroupUpdate] = []
    ) async throws(StoreError) -> VolumeGroup? {
        try await conditionalUpdateGroup(
            id: id,
            set: transition.changes(given: given, also: also),
            where: transition.condition
        )
    }
}

extension SQLStore {
    static let groupSpec = ListSpec(table: EmberSchema.groups)

    public func createGroup(_ group: VolumeGroup) async throws(StoreError) -> VolumeGroup {
        try await writing { executor in
            let created = SQLTimestamp.truncated(group.createdAt)
            _ = try await executor.insert(
                "groups",
                [
                    ("id", .text(group.id)), ("user_id", group.userID.sqlValue),
                    ("project_id", group.projectID.sqlValue), ("cluster_name", group.clusterName.sqlValue),
                    ("host", group.host.sqlValue), ("availability_zone", group.availabilityZone.sqlValue),
                    ("name", group.name.sqlValue), ("description", group.description.sqlValue),
                    ("status", .text(group.status.rawValue)), ("group_type_id", .text(group.groupTypeID)),
                    ("group_snapshot_id", group.groupSnapshotID.sqlValue),
                    ("source_group_id", group.sourceGroupID.sqlValue),
                    ("replication_status", group.replicationStatus.sqlValue), ("created_at", .date(created)),
                    ("deleted", .bool(false)),
                ]
            )
            for typeID in group.volumeTypeIDs {
                try await executor.execute(
                    """
                    INSERT INTO group_volume_type_mapping (volume_type_id, group_id, created_at, deleted) \
                    VALUES (\(typeID), \(group.id), \(created), FALSE)
                    """
                )
            }
            return try await Self.loadGroup(id: group.id, scope: .allProjects, executor: executor)
        }
    }

    public func group(id: String, scope: ProjectScope) async throws(StoreError) -> VolumeGroup {
        try await reading { executor in try await Self.loadGroup(id: id, scope: scope, executor: executor) }
    }

    public func listGroups(_ query: ListQuery) async throws(StoreError) -> Page<VolumeGroup> {
        try await reading { executor in
            let (rows, count) = try await Self.listRows(query, spec: Self.groupSpec, executor: executor)
            return Page(items: try await Self.groups(from: rows, executor: executor), count: count)
        }
    }

    public func conditionalUpdateGroup(
        id: String,
        set changes: [GroupUpdate],
        where condition: GroupCondition
    ) async throws(StoreError) -> VolumeGroup? {
        try await writing { executor in
            var parts: [SQL] = ["TRUE"]
            if let status = condition.status {
                parts.append("status IN \(SQL.list(status.map { .text($0.rawValue) }))")
            }
            if condition.hasNoGroupSnapshots {
                parts.append(
                    "NOT EXISTS (SELECT 1 FROM group_snapshots s WHERE s.group_id = groups.id AND s.deleted = FALSE)"
                )
            }
            if condition.hasNoVolumes {
                parts.append(
                    "NOT EXISTS (SELECT 1 FROM volumes v WHERE v.group_id = groups.id AND v.deleted = FALSE)"
                )
            }
            if condition.hasNoAttachedOrSnapshottedVolumes {
                parts.append(
                    """
                    NOT EXISTS (SELECT 1 FROM volumes v WHERE v.group_id = groups.id AND v.deleted = FALSE \
                    AND (v.attach_status = 'attached' OR EXISTS (SELECT 1 FROM snapshots n \
                    WHERE n.volume_id = v.id AND n.deleted = FALSE)))
                    """
                )
            }
            if condition.notSourceOfCreatingGroup {
                parts.append(
                    """
                    NOT EXISTS (SELECT 1 FROM groups g WHERE g.deleted = FALSE AND g.status = 'creating' \
                    AND (g.source_group_id = groups.id OR g.group_snapshot_id IN (SELECT s.id FROM group_snapshots s \
                    WHERE s.group_id = groups.id AND s.deleted = FALSE)))
                    """
                )
            }
            var values = changes.map(Self.groupAssignment)
            if !changes.contains(where: { if case .updatedAt = $0 { true } else { false } }) {
                values.append(("updated_at", .date(self.now())))
            }
            guard
                try await executor.update("groups", id: .text(id), values, extra: SQL.joined(parts, separator: " AND "))
                    != nil
            else { return nil }
            return try await Self.loadGroup(id: id, scope: .allProjects, executor: executor)
        }
    }

    public func deleteGroup(id: String) async throws(StoreError) {
        try await writing { executor in
            let now = self.now()
            guard
                try await executor.softDelete(
                    "groups",
                    id: .text(id),
                    now: now,
                    extra: [("status", .text(GroupStatus.deleted.rawValue))]
                )
            else { throw StoreError.notFound(.group, id: id) }
            try await executor.execute(
                """
                UPDATE group_volume_type_mapping SET deleted = TRUE, deleted_at = \(now) \
                WHERE group_id = \(id) AND deleted = FALSE
                """
            )
        }
    }

    public func groupVolumes(groupID: String) async throws(StoreError) -> [Volume] {
        try await reading { executor in
            let rows = try await executor.query(
                "SELECT t.* FROM volumes t WHERE t.group_id = \(groupID) AND t.deleted = FALSE ORDER BY t.created_at, t.id"
            )
            return try await Self.volumes(from: rows, executor: executor)
        }
    }

    public func changeGroupMembership(groupID: String, add: [String], remove: [String]) async throws(StoreError) {
        try await writing { executor in
            let now = self.now()
            for id in add {
                try await executor.execute(
                    "UPDATE volumes SET group_id = \(groupID), updated_at = \(now) WHERE id = \(id) AND deleted = FALSE"
                )
            }
            for id in remove {
                try await executor.execute(
                    """
                    UPDATE volumes SET group_id = NULL, updated_at = \(now) \
                    WHERE id = \(id) AND group_id = \(groupID) AND deleted = FALSE
                    """
                )
            }
        }
    }

    public func hasGroupSnapshots(groupID: String) async throws(StoreError) -> Bool {
        try await reading { executor in
            try await executor.first(
                "SELECT id FROM group_snapshots WHERE group_id = \(groupID) AND deleted = FALSE LIMIT 1"
            ) != nil
        }
    }

    public func groups(
        onBackend backend: String,
        statuses: Set<GroupStatus>
    ) async throws(StoreError)
        -> [VolumeGroup]
    {
        try await reading { executor in
            let rows = try await executor.query(
                """
                SELECT * FROM groups WHERE deleted = FALSE AND (host = \(backend) OR host LIKE \(backend + "#%")) \
                AND status IN \(SQL.list(statuses.map { .text($0.rawValue) })) ORDER BY created_at, id
                """
            )
            return try await Self.groups(from: rows, executor: executor)
        }
    }

    static func groupAssignment(_ change: GroupUpdate) -> (column: String, value: SQLValue) {
        switch change {
        case .status(let status): ("status", .text(status.rawValue))
        case .host(let host): ("host", host.sqlValue)
        case .clusterName(let name): ("cluster_name", name.sqlValue)
        case .name(let name): ("name", name.sqlValue)
        case .description(let text): ("description", text.sqlValue)
        case .updatedAt(let date): ("updated_at", .date(date))
        }
    }

    static func loadGroup(id: String, scope: ProjectScope, executor: any SQLExecutor) async throws -> VolumeGroup {
        let rows = try await executor.query(
            "SELECT t.* FROM groups t WHERE t.id = \(id) AND t.deleted = FALSE\(scope.condition(alias: "t"))"
        )
        guard let group = try await groups(from: rows, executor: executor).first else {
            throw StoreError.notFound(.group, id: id)
        }
        return group
    }

    static func groups(from rows: [SQLRow], executor: any SQLExecutor) async throws -> [VolumeGroup] {
        var groups = try rows.map { row throws(StoreError) in
            VolumeGroup(
                id: try row["id"],
                userID: try row["user_id"],
                projectID: try row["project_id"],
                clusterName: try row["cluster_name"],
                host: try row["host"],
                availabilityZone: try row["availability_zone"],
                name: try row["name"],
                description: try row["description"],
                status: GroupStatus(rawValue: try row["status"] ?? "") ?? .error,
                groupTypeID: try row["group_type_id"] ?? "",
                groupSnapshotID: try row["group_snapshot_id"],
                sourceGroupID: try row["source_group_id"],
                replicationStatus: try row["replication_status"],
                createdAt: try row["created_at"],
                updatedAt: try row["updated_at"]
            )
        }
        guard !groups.isEmpty else { return groups }
        let mappings = try await executor.query(
            """
            SELECT group_id, volume_type_id FROM group_volume_type_mapping \
            WHERE deleted = FALSE AND group_id IN \(SQL.list(groups.map { .text($0.id) })) ORDER BY id
            """
        )
        var types: [String: [String]] = [:]
        for row in mappings {
            types[try row["group_id"], default: []].append(try row["volume_type_id"])
        }
        for index in groups.indices { groups[index].volumeTypeIDs = types[groups[index].id] ?? [] }
        return groups
    }
}

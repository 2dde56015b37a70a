import EmberCore
import Foundation

/// Group snapshots (cinder's `group_snapshot_*` db API); the member snapshots are rows of
/// `snapshots` whose `group_snapshot_id` names the group snapshot.
public protocol GroupSnapshotStore: Sendable {
    func createGroupSnapshot(_ groupSnapshot: GroupSnapshot) async throws(StoreError) -> GroupSnapshot
    /// A live group snapshot visible in `scope`. Throws `.notFound(.groupSnapshot)`.
    func groupSnapshot(id: String, scope: ProjectScope) async throws(StoreError) -> GroupSnapshot
    func listGroupSnapshots(_ query: ListQuery) async throws(StoreError) -> Page<GroupSnapshot>
    /// Applies `changes` only if `condition` holds at that moment; nil when it did not.
    func conditionalUpdateGroupSnapshot(
        id: String,
        set changes: [GroupSnapshotUpdate],
        where condition: GroupSnapshotCondition
    ) async throws(StoreError) -> GroupSnapshot?
    /// Soft-deletes the group snapshot (status `deleted`).
    func deleteGroupSnapshot(id: String) async throws(StoreError)
    /// `SnapshotList.get_all_for_group_snapshot`: the live member snapshots.
    func groupSnapshotMembers(id: String) async throws(StoreError) -> [Snapshot]
}

extension GroupSnapshotStore {
    /// Moves group snapshot `id` through `transition` in one conditional update; nil when the
    /// row does not meet it.
    @discardableResult
    public func apply(
        _ transition: GroupSnapshotTransition,
        toGroupSnapshot id: String,
        given: GroupSnapshotStatus? = nil
    ) async throws(StoreError) -> GroupSnapshot? {
        try await conditionalUpdateGroupSnapshot(
            id: id,
            set: transition.changes(given: given),
            where: transition.condition
        )
    }
}

extension SQLStore {
    static let groupSnapshotSpec = ListSpec(table: EmberSchema.groupSnapshots)

    public func createGroupSnapshot(_ groupSnapshot: GroupSnapshot) async throws(StoreError) -> GroupSnapshot {
        try await writing { executor in
            _ = try await executor.insert(
                "group_snapshots",
                [
                    ("id", .text(groupSnapshot.id)), ("group_id", .text(groupSnapshot.groupID)),
                    ("user_id", groupSnapshot.userID.sqlValue), ("project_id", groupSnapshot.projectID.sqlValue),
                    ("name", groupSnapshot.name.sqlValue), ("description", groupSnapshot.description.sqlValue),
                    ("status", .text(groupSnapshot.status.rawValue)),
                    ("group_type_id", groupSnapshot.groupTypeID.sqlValue),
                    ("created_at", .date(SQLTimestamp.truncated(groupSnapshot.createdAt))), ("deleted", .bool(false)),
                ]
            )
            return try await Self.loadGroupSnapshot(id: groupSnapshot.id, scope: .allProjects, executor: executor)
        }
    }

    public func groupSnapshot(id: String, scope: ProjectScope) async throws(StoreError) -> GroupSnapshot {
        try await reading { executor in try await Self.loadGroupSnapshot(id: id, scope: scope, executor: executor) }
    }

    public func listGroupSnapshots(_ query: ListQuery) async throws(StoreError) -> Page<GroupSnapshot> {
        try await reading { executor in
            let (rows, count) = try await Self.listRows(query, spec: Self.groupSnapshotSpec, executor: executor)
            return Page(items: try rows.map(Self.groupSnapshot(from:)), count: count)
        }
    }

    public func conditionalUpdateGroupSnapshot(
        id: String,
        set changes: [GroupSnapshotUpdate],
        where condition: GroupSnapshotCondition
    ) async throws(StoreError) -> GroupSnapshot? {
        try await writing { executor in
            var parts: [SQL] = ["TRUE"]
            if let status = condition.status {
                parts.append("status IN \(SQL.list(status.map { .text($0.rawValue) }))")
            }
            if condition.notSourceOfCreatingGroup {
                parts.append(
                    """
                    NOT EXISTS (SELECT 1 FROM groups g WHERE g.deleted = FALSE AND g.status = 'creating' \
                    AND g.group_snapshot_id = group_snapshots.id)
                    """
                )
            }
            var values: Assignments = changes.map { change in
                switch change {
                case .status(let status): ("status", .text(status.rawValue))
                }
            }
            values.append(("updated_at", .date(self.now())))
            guard
                try await executor.update(
                    "group_snapshots",
                    id: .text(id),
                    values,
                    extra: SQL.joined(parts, separator: " AND ")
                ) != nil
            else { return nil }
            return try await Self.loadGroupSnapshot(id: id, scope: .allProjects, executor: executor)
        }
    }

    public func deleteGroupSnapshot(id: String) async throws(StoreError) {
        try await writing { executor in
            guard
                try await executor.softDelete(
                    "group_snapshots",
                    id: .text(id),
                    now: self.now(),
                    extra: [("status", .text(GroupSnapshotStatus.deleted.rawValue))]
                )
            else { throw StoreError.notFound(.groupSnapshot, id: id) }
        }
    }

    public func groupSnapshotMembers(id: String) async throws(StoreError) -> [Snapshot] {
        try await reading { executor in
            let rows = try await executor.query(
                "SELECT t.* FROM snapshots t WHERE t.group_snapshot_id = \(id) AND t.deleted = FALSE ORDER BY t.created_at, t.id"
            )
            return try await Self.snapshots(from: rows, executor: executor)
        }
    }

    static func loadGroupSnapshot(
        id: String,
        scope: ProjectScope,
        executor: any SQLExecutor
    ) async throws
        -> GroupSnapshot
    {
        let rows = try await executor.query(
            "SELECT t.* FROM group_snapshots t WHERE t.id = \(id) AND t.deleted = FALSE\(scope.condition(alias: "t"))"
        )
        guard let row = rows.first else { throw StoreError.notFound(.groupSnapshot, id: id) }
        return try groupSnapshot(from: row)
    }

    static func groupSnapshot(from row: SQLRow) throws(StoreError) -> GroupSnapshot {
        GroupSnapshot(
            id: try row["id"],
            groupID: try row["group_id"],
            userID: try row["user_id"],
            projectID: try row["project_id"],
            name: try row["name"],
            description: try row["description"],
            status: GroupSnapshotStatus(rawValue: try row["status"] ?? "") ?? .error,
            groupTypeID: try row["group_type_id"],
            createdAt: try row["created_at"]
        )
    }
}

import EmberCore
import Foundation

/// Group types, their group specs and their project access (cinder's `group_type_*` and
/// `group_type_specs_*` db API). A spec's value may be null (the specs API allows it).
public protocol GroupTypeStore: Sendable {
    /// `group_type_create`: the type and its specs in one transaction. Throws
    /// `.groupTypeExists` when a live type has the name.
    func createGroupType(_ type: GroupType) async throws(StoreError) -> GroupType
    /// A live type visible in `scope` (`.project`: public, or private with the project's
    /// access, as cinder's `_group_type_get_query` for non-admins). Throws
    /// `.notFound(.groupType)`.
    func groupType(id: String, scope: ProjectScope) async throws(StoreError) -> GroupType
    /// Throws `.groupTypeNameNotFound`.
    func groupType(name: String) async throws(StoreError) -> GroupType
    /// Types visible in `query.scope`, paged and sorted on the type columns; the filter
    /// `is_public` narrows to public or private types.
    func listGroupTypes(_ query: ListQuery) async throws(StoreError) -> Page<GroupType>
    /// `group_type_update`: the fields given; a name another live type has is
    /// `.groupTypeExists`. Throws `.notFound(.groupType)`.
    func updateGroupType(id: String, _ update: GroupTypeUpdate) async throws(StoreError) -> GroupType
    /// `group_type_destroy`: the type and its specs, unless live groups use it
    /// (`.groupTypeInUse`). Throws `.notFound(.groupType)`.
    func deleteGroupType(id: String) async throws(StoreError)
    /// `group_type_specs_update_or_create`: sets the given keys (null values stored as null);
    /// the others stay. Throws `.notFound(.groupType)`.
    func setGroupSpecs(groupTypeID: String, _ specs: [String: String?]) async throws(StoreError)
    /// `group_type_specs_get`: the live specs. Throws `.notFound(.groupType)`.
    func groupSpecs(groupTypeID: String) async throws(StoreError) -> [String: String?]
    /// `group_type_specs_delete`. Throws `.groupSpecNotFound` when the key is not set.
    func deleteGroupSpec(groupTypeID: String, key: String) async throws(StoreError)
}

extension SQLStore {
    static let groupTypeSpec = ListSpec(
        table: EmberSchema.groupTypes,
        projectColumn: nil,
        scopeCondition: { scope in groupTypeScope(scope, alias: "t") },
        metadataTables: [("group_type_specs", "group_type_id")]
    )

    /// Public types, and private ones the project has access to.
    static func groupTypeScope(_ scope: ProjectScope, alias: String) -> SQL {
        switch scope {
        case .allProjects:
            return ""
        case .project(let projectID):
            return """
                 AND (\(raw: alias).is_public = TRUE OR EXISTS (SELECT 1 FROM group_type_projects p \
                WHERE p.group_type_id = \(raw: alias).id AND p.deleted = FALSE AND p.project_id = \(projectID)))
                """
        }
    }

    public func createGroupType(_ type: GroupType) async throws(StoreError) -> GroupType {
        do {
            return try await writing { executor in
                let existing = try await executor.first(
                    "SELECT id FROM group_types WHERE (name = \(type.name) OR id = \(type.id)) AND deleted = FALSE"
                )
                guard existing == nil else { throw StoreError.groupTypeExists(type.name) }
                let created = SQLTimestamp.truncated(type.createdAt)
                _ = try await executor.insert(
                    "group_types",
                    [
                        ("id", .text(type.id)), ("name", .text(type.name)), ("description", type.description.sqlValue),
                        ("is_public", .bool(type.isPublic)), ("created_at", .date(created)), ("deleted", .bool(false)),
                    ]
                )
                try await Self.writeGroupSpecs(type.id, type.groupSpecs, now: created, executor: executor)
                return try await Self.loadGroupType(id: type.id, scope: .allProjects, executor: executor)
            }
        } catch .internalError(let reason) where reason.contains("unique") {
            // Two creators raced past the check; the partial unique index on live names decided.
            throw .groupTypeExists(type.name)
        }
    }

    public func groupType(id: String, scope: ProjectScope) async throws(StoreError) -> GroupType {
        try await reading { executor in try await Self.loadGroupType(id: id, scope: scope, executor: executor) }
    }

    public func groupType(name: String) async throws(StoreError) -> GroupType {
        try await reading { executor in
            let rows = try await executor.query("SELECT * FROM group_types WHERE name = \(name) AND deleted = FALSE")
            guard let type = try await Self.groupTypes(from: rows, executor: executor).first else {
                throw StoreError.groupTypeNameNotFound(name)
            }
            return type
        }
    }

    public func listGroupTypes(_ query: ListQuery) async throws(StoreError) -> Page<GroupType> {
        try await reading { executor in
            let (rows, count) = try await Self.listRows(query, spec: Self.groupTypeSpec, executor: executor)
            return Page(items: try await Self.groupTypes(from: rows, executor: executor), count: count)
        }
    }

    public func updateGroupType(id: String, _ update: GroupTypeUpdate) async throws(StoreError) -> GroupType {
        try await writing { executor in
            var values: Assignments = []
            if let name = update.name {
                let clash = try await executor.first(
                    "SELECT id FROM group_types WHERE name = \(name) AND deleted = FALSE AND id <> \(id)"
                )
                guard clash == nil else { throw StoreError.groupTypeExists(name) }
                values.append(("name", .text(name)))
            }
            if let description = update.description { values.append(("description", .text(description))) }
            if let isPublic = update.isPublic { values.append(("is_public", .bool(isPublic))) }
            values.append(("updated_at", .date(self.now())))
            guard try await executor.update("group_types", id: .text(id), values) != nil else {
                throw StoreError.notFound(.groupType, id: id)
            }
            return try await Self.loadGroupType(id: id, scope: .allProjects, executor: executor)
        }
    }

    public func deleteGroupType(id: String) async throws(StoreError) {
        try await writing { executor in
            try await Self.requireGroupType(id, executor: executor)
            let inUse = try await executor.first(
                "SELECT id FROM groups WHERE group_type_id = \(id) AND deleted = FALSE LIMIT 1"
            )
            guard inUse == nil else { throw StoreError.groupTypeInUse(id) }
            let now = self.now()
            _ = try await executor.softDelete("group_types", id: .text(id), now: now)
            try await executor.deleteAllKeyValues("group_type_specs", owner: "group_type_id", id: id, now: now)
            try await executor.execute(
                """
                UPDATE group_type_projects SET deleted = TRUE, deleted_at = \(now) \
                WHERE group_type_id = \(id) AND deleted = FALSE
                """
            )
        }
    }

    public func setGroupSpecs(groupTypeID: String, _ specs: [String: String?]) async throws(StoreError) {
        try await writing { executor in
            try await Self.requireGroupType(groupTypeID, executor: executor)
            try await Self.writeGroupSpecs(groupTypeID, specs, now: self.now(), executor: executor)
        }
    }

    public func groupSpecs(groupTypeID: String) async throws(StoreError) -> [String: String?] {
        try await reading { executor in
            try await Self.requireGroupType(groupTypeID, executor: executor)
            return try await Self.groupSpecs(of: [groupTypeID], executor: executor)[groupTypeID] ?? [:]
        }
    }

    public func deleteGroupSpec(groupTypeID: String, key: String) async throws(StoreError) {
        try await writing { executor in
            try await Self.requireGroupType(groupTypeID, executor: executor)
            let deleted = try await executor.deleteKeyValue(
                "group_type_specs",
                owner: "group_type_id",
                id: groupTypeID,
                key: key,
                now: self.now()
            )
            guard deleted else { throw StoreError.groupSpecNotFound(groupTypeID: groupTypeID, key: key) }
        }
    }

    /// Updates the live row of each key, or adds one.
    static func writeGroupSpecs(
        _ typeID: String,
        _ specs: [String: String?],
        now: Date,
        executor: any SQLExecutor
    ) async throws {
        for (key, value) in specs.sorted(by: { $0.key < $1.key }) {
            let updated = try await executor.query(
                """
                UPDATE group_type_specs SET value = \(value.sqlValue), updated_at = \(now) \
                WHERE group_type_id = \(typeID) AND key = \(key) AND deleted = FALSE RETURNING id
                """
            )
            if updated.isEmpty {
                try await executor.execute(
                    """
                    INSERT INTO group_type_specs (key, value, group_type_id, created_at, deleted) \
                    VALUES (\(key), \(value.sqlValue), \(typeID), \(now), FALSE)
                    """
                )
            }
        }
    }

    static func requireGroupType(_ id: String, executor: any SQLExecutor) async throws {
        guard try await executor.first("SELECT id FROM group_types WHERE id = \(id) AND deleted = FALSE") != nil else {
            throw StoreError.notFound(.groupType, id: id)
        }
    }

    static func loadGroupType(id: String, scope: ProjectScope, executor: any SQLExecutor) async throws -> GroupType {
        let rows = try await executor.query(
            "SELECT * FROM group_types t WHERE t.id = \(id) AND t.deleted = FALSE\(groupTypeScope(scope, alias: "t"))"
        )
        guard let type = try await groupTypes(from: rows, executor: executor).first else {
            throw StoreError.notFound(.groupType, id: id)
        }
        return type
    }

    static func groupSpecs(of ids: [String], executor: any SQLExecutor) async throws -> [String: [String: String?]] {
        var result: [String: [String: String?]] = [:]
        guard !ids.isEmpty else { return result }
        let rows = try await executor.query(
            """
            SELECT group_type_id, key, value FROM group_type_specs \
            WHERE deleted = FALSE AND group_type_id IN \(SQL.list(ids.map(SQLValue.text))) ORDER BY id
            """
        )
        for row in rows {
            let owner: String = try row["group_type_id"]
            let key: String = try row["key"]
            let value: String? = try row["value"]
            result[owner, default: [:]][key] = .some(value)
        }
        return result
    }

    static func groupTypes(from rows: [SQLRow], executor: any SQLExecutor) async throws -> [GroupType] {
        var types = try rows.map { row throws(StoreError) in
            GroupType(
                id: try row["id"],
                name: try row["name"] ?? "",
                description: try row["description"],
                isPublic: try row["is_public"] ?? true,
                createdAt: try row["created_at"],
                updatedAt: try row["updated_at"]
            )
        }
        let specs = try await groupSpecs(of: types.map(\.id), executor: executor)
        for index in types.indices { types[index].groupSpecs = specs[types[index].id] ?? [:] }
        return types
    }
}

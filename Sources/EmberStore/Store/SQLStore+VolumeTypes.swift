import EmberCore
import Foundation

extension SQLStore {
    static let volumeTypeSpec = ListSpec(
        table: EmberSchema.volumeTypes,
        projectColumn: nil,
        scopeCondition: { scope in
            switch scope {
            case .allProjects:
                ""
            case .project(let projectID):
                """
                 AND (t.is_public = TRUE OR EXISTS (SELECT 1 FROM volume_type_projects p \
                WHERE p.volume_type_id = t.id AND p.deleted = FALSE AND p.project_id = \(projectID)))
                """
            }
        },
        metadataTables: [("volume_type_extra_specs", "volume_type_id")]
    )

    public func createVolumeType(_ type: VolumeType) async throws(StoreError) -> VolumeType {
        do {
            return try await writing { executor in
                let values: Assignments = [
                    ("id", .text(type.id)),
                    ("name", .text(type.name)),
                    ("description", type.description.sqlValue),
                    ("is_public", .bool(type.isPublic)),
                    ("qos_specs_id", type.qosSpecsID.sqlValue),
                    ("created_at", .date(SQLTimestamp.truncated(type.createdAt))),
                    ("deleted", .bool(false)),
                ]
                let existing = try await executor.first(
                    "SELECT id FROM volume_types WHERE name = \(type.name) AND deleted = FALSE"
                )
                guard existing == nil else { throw StoreError.volumeTypeExists(type.name) }
                _ = try await executor.insert("volume_types", values)
                if !type.extraSpecs.isEmpty {
                    _ = try await executor.setKeyValues(
                        "volume_type_extra_specs",
                        owner: "volume_type_id",
                        id: type.id,
                        type.extraSpecs,
                        replace: false,
                        now: self.now()
                    )
                }
                return try await Self.loadVolumeType(column: "id", value: type.id, executor: executor)
            }
        } catch .internalError(let reason) where reason.contains("unique") {
            // Two creators raced past the check; the partial unique index on live names decided.
            throw .volumeTypeExists(type.name)
        }
    }

    public func volumeType(id: String) async throws(StoreError) -> VolumeType {
        try await reading { executor in
            try await Self.loadVolumeType(column: "id", value: id, executor: executor)
        }
    }

    public func volumeType(name: String) async throws(StoreError) -> VolumeType {
        try await reading { executor in
            try await Self.loadVolumeType(column: "name", value: name, executor: executor)
        }
    }

    public func listVolumeTypes(_ query: ListQuery) async throws(StoreError) -> Page<VolumeType> {
        try await reading { executor in
            let (rows, count) = try await Self.listRows(query, spec: Self.volumeTypeSpec, executor: executor)
            return Page(items: try await Self.volumeTypes(from: rows, executor: executor), count: count)
        }
    }

    public func updateVolumeType(id: String, _ changes: [VolumeTypeUpdate]) async throws(StoreError) -> VolumeType {
        try await writing { executor in
            var values: Assignments = []
            for change in changes {
                switch change {
                case .name(let name):
                    let clash = try await executor.first(
                        "SELECT id FROM volume_types WHERE name = \(name) AND deleted = FALSE AND id <> \(id)"
                    )
                    guard clash == nil else { throw StoreError.volumeTypeExists(name) }
                    values.append(("name", .text(name)))
                case .description(let text): values.append(("description", text.sqlValue))
                case .isPublic(let flag): values.append(("is_public", .bool(flag)))
                case .qosSpecsID(let specs): values.append(("qos_specs_id", specs.sqlValue))
                }
            }
            values.append(("updated_at", .date(self.now())))
            guard try await executor.update("volume_types", id: .text(id), values) != nil else {
                throw StoreError.notFound(.volumeType, id: id)
            }
            return try await Self.loadVolumeType(column: "id", value: id, executor: executor)
        }
    }

    public func deleteVolumeType(id: String) async throws(StoreError) {
        try await writing { executor in
            // cinder's `volume_types.destroy` looks at the project defaults first.
            let projectDefault = try await executor.first(
                "SELECT project_id FROM default_volume_types WHERE volume_type_id = \(id) AND deleted = FALSE LIMIT 1"
            )
            guard projectDefault == nil else { throw StoreError.volumeTypeIsProjectDefault(id) }
            let inUse = try await executor.first(
                "SELECT id FROM volumes WHERE volume_type_id = \(id) AND deleted = FALSE LIMIT 1"
            )
            guard inUse == nil else { throw StoreError.volumeTypeInUse(id) }
            let now = self.now()
            guard try await executor.softDelete("volume_types", id: .text(id), now: now) else {
                throw StoreError.notFound(.volumeType, id: id)
            }
            try await executor.deleteAllKeyValues("volume_type_extra_specs", owner: "volume_type_id", id: id, now: now)
            try await executor.execute(
                """
                UPDATE volume_type_projects SET deleted = TRUE, deleted_at = \(now) \
                WHERE volume_type_id = \(id) AND deleted = FALSE
                """
            )
            // cinder's `volume_type_destroy` takes the type's encryption with it.
            try await executor.execute(
                "UPDATE encryption SET deleted = TRUE, deleted_at = \(now) WHERE volume_type_id = \(id) AND deleted = FALSE"
            )
        }
    }

    public func updateExtraSpecs(
        volumeTypeID: String,
        _ specs: [String: String]
    ) async throws(StoreError)
        -> [String: String]
    {
        try await writing { executor in
            try await Self.requireVolumeType(volumeTypeID, executor: executor)
            return try await executor.setKeyValues(
                "volume_type_extra_specs",
                owner: "volume_type_id",
                id: volumeTypeID,
                specs,
                replace: false,
                now: self.now()
            )
        }
    }

    public func deleteExtraSpec(volumeTypeID: String, key: String) async throws(StoreError) {
        try await writing { executor in
            try await Self.requireVolumeType(volumeTypeID, executor: executor)
            guard
                try await executor.deleteKeyValue(
                    "volume_type_extra_specs",
                    owner: "volume_type_id",
                    id: volumeTypeID,
                    key: key,
                    now: self.now()
                )
            else { throw StoreError.extraSpecNotFound(volumeTypeID: volumeTypeID, key: key) }
        }
    }

    public func addVolumeTypeAccess(volumeTypeID: String, projectID: String) async throws(StoreError) {
        try await writing { executor in
            try await Self.requireVolumeType(volumeTypeID, executor: executor)
            let existing = try await executor.first(
                """
                SELECT id FROM volume_type_projects WHERE volume_type_id = \(volumeTypeID) \
                AND project_id = \(projectID) AND deleted = FALSE
                """
            )
            guard existing == nil else {
                throw StoreError.volumeTypeAccessExists(volumeTypeID: volumeTypeID, projectID: projectID)
            }
            _ = try await executor.insert(
                "volume_type_projects",
                [
                    ("volume_type_id", .text(volumeTypeID)), ("project_id", .text(projectID)),
                    ("created_at", .date(self.now())), ("deleted", .bool(false)),
                ]
            )
        }
    }

    public func removeVolumeTypeAccess(volumeTypeID: String, projectID: String) async throws(StoreError) {
        try await writing { executor in
            let rows = try await executor.query(
                """
                UPDATE volume_type_projects SET deleted = TRUE, deleted_at = \(self.now()) \
                WHERE volume_type_id = \(volumeTypeID) AND project_id = \(projectID) AND deleted = FALSE RETURNING id
                """
            )
            guard !rows.isEmpty else {
                throw StoreError.volumeTypeAccessNotFound(volumeTypeID: volumeTypeID, projectID: projectID)
            }
        }
    }

    public func volumeTypeAccess(volumeTypeID: String) async throws(StoreError) -> [String] {
        try await reading { executor in
            try await Self.requireVolumeType(volumeTypeID, executor: executor)
            let rows = try await executor.query(
                """
                SELECT project_id FROM volume_type_projects WHERE volume_type_id = \(volumeTypeID) \
                AND deleted = FALSE ORDER BY project_id
                """
            )
            return try rows.map { row throws(StoreError) in try row["project_id"] }
        }
    }

    static func requireVolumeType(_ id: String, executor: any SQLExecutor) async throws {
        guard try await executor.first("SELECT id FROM volume_types WHERE id = \(id) AND deleted = FALSE") != nil else {
            throw StoreError.notFound(.volumeType, id: id)
        }
    }

    static func loadVolumeType(column: String, value: String, executor: any SQLExecutor) async throws -> VolumeType {
        let rows = try await executor.query(
            "SELECT * FROM volume_types WHERE \(raw: column) = \(value) AND deleted = FALSE"
        )
        guard let type = try await volumeTypes(from: rows, executor: executor).first else {
            throw column == "name"
                ? StoreError.volumeTypeNameNotFound(value) : StoreError.notFound(.volumeType, id: value)
        }
        return type
    }

    static func volumeTypes(from rows: [SQLRow], executor: any SQLExecutor) async throws -> [VolumeType] {
        var types = try rows.map { row throws(StoreError) in
            VolumeType(
                id: try row["id"],
                name: try row["name"] ?? "",
                description: try row["description"],
                isPublic: try row["is_public"] ?? true,
                qosSpecsID: try row["qos_specs_id"],
                createdAt: try row["created_at"],
                updatedAt: try row["updated_at"],
                deletedAt: try row["deleted_at"],
                deleted: try row["deleted"]
            )
        }
        let specs = try await executor.keyValues(
            "volume_type_extra_specs",
            owner: "volume_type_id",
            ids: types.map(\.id)
        )
        for index in types.indices { types[index].extraSpecs = specs[types[index].id] ?? [:] }
        return types
    }
}

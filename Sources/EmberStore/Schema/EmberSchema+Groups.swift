/// The generic volume group tables (schema version 5), as cinder 29.0.0's `groups`,
/// `group_types`, `group_type_specs`, `group_type_projects`, `group_volume_type_mapping` and
/// `group_snapshots`. The volumes' `group_id` and the snapshots' `group_snapshot_id` columns
/// were in the first schema already.
extension EmberSchema {
    static let groupTypes = TableDefinition(
        "group_types",
        columns: [
            .id(),
            .string("name", nullable: false),
            .string("description"),
            .boolean("is_public", default: "TRUE"),
        ],
        indexes: [
            IndexDefinition(
                name: "group_types_live_name_idx",
                columns: ["name"],
                unique: true,
                predicate: "deleted = FALSE"
            )
        ]
    )

    static let groupTypeSpecs = keyValueTable("group_type_specs", owner: "group_type_id", ownerTable: "group_types")

    static let groupTypeProjects = TableDefinition(
        "group_type_projects",
        columns: [
            .serial(),
            .uuid("group_type_id", nullable: false, references: "group_types(id)"),
            .string("project_id"),
        ],
        indexes: [
            IndexDefinition(
                name: "group_type_projects_live_idx",
                columns: ["group_type_id", "project_id"],
                unique: true,
                predicate: "deleted = FALSE"
            )
        ]
    )

    static let groups = TableDefinition(
        "groups",
        columns: [
            .id(),
            .string("user_id"),
            .string("project_id"),
            .string("cluster_name"),
            .string("host"),
            .string("availability_zone"),
            .string("name"),
            .string("description"),
            .string("status"),
            .uuid("group_type_id"),
            .uuid("group_snapshot_id"),
            .uuid("source_group_id"),
            .string("replication_status"),
        ],
        indexes: [
            IndexDefinition(name: "groups_deleted_project_id_idx", columns: ["deleted", "project_id"]),
            IndexDefinition(name: "groups_page_idx", columns: ["deleted", "created_at", "id"]),
        ]
    )

    static let groupVolumeTypeMapping = TableDefinition(
        "group_volume_type_mapping",
        columns: [
            .serial(),
            .uuid("volume_type_id", nullable: false, references: "volume_types(id)"),
            .uuid("group_id", nullable: false, references: "groups(id)"),
        ],
        indexes: [
            IndexDefinition(name: "group_volume_type_mapping_group_id_idx", columns: ["group_id"]),
            IndexDefinition(name: "group_volume_type_mapping_volume_type_id_idx", columns: ["volume_type_id"]),
        ]
    )

    static let groupSnapshots = TableDefinition(
        "group_snapshots",
        columns: [
            .id(),
            .uuid("group_id", nullable: false, references: "groups(id)"),
            .string("user_id"),
            .string("project_id"),
            .string("name"),
            .string("description"),
            .string("status"),
            .uuid("group_type_id"),
        ],
        indexes: [
            IndexDefinition(name: "group_snapshots_deleted_project_id_idx", columns: ["deleted", "project_id"]),
            IndexDefinition(name: "group_snapshots_group_id_idx", columns: ["group_id"]),
        ]
    )

    /// The tables of schema version 5, referenced tables first.
    static let groupTables: [TableDefinition] = [
        groupTypes, groupTypeSpecs, groupTypeProjects, groups, groupVolumeTypeMapping, groupSnapshots,
    ]

    /// cinder's initial migration creates the group type the legacy consistency-group API
    /// maps to (`volume/group_types.py:DEFAULT_CGSNAPSHOT_TYPE`), with its one spec.
    static let defaultCGSnapshotTypeName = "default_cgsnapshot_type"

    static func defaultCGSnapshotTypeStatements(id: String, now: String) -> [String] {
        [
            """
            INSERT INTO group_types (id, name, description, is_public, created_at, updated_at, deleted) \
            VALUES ('\(id)', '\(defaultCGSnapshotTypeName)', 'Default group type for migrating cgsnapshot', \
            TRUE, '\(now)', '\(now)', FALSE)
            """,
            """
            INSERT INTO group_type_specs (key, value, group_type_id, created_at, updated_at, deleted) \
            VALUES ('consistent_group_snapshot_enabled', '<is> True', '\(id)', '\(now)', '\(now)', FALSE)
            """,
        ]
    }
}

/// Ember's tables, modelled on cinder 29.0.0's `cinder/db/models.py` (same table and column
/// names, uuid string ids, soft-delete columns). Both dialects render from these definitions.
enum EmberSchema {
    static let services = TableDefinition(
        "services",
        columns: [
            .serial(),
            .uuid("uuid"),
            .string("cluster_name"),
            .string("host"),
            .string("binary"),
            .string("topic"),
            .integer("report_count", nullable: false, default: "0"),
            .boolean("disabled", default: "FALSE"),
            .string("availability_zone", default: "'cinder'"),
            .string("disabled_reason"),
            .timestamp("modified_at"),
            .string("rpc_current_version", 36),
            .string("object_current_version", 36),
            .string("replication_status", 36, default: "'not-capable'"),
            .string("active_backend_id"),
            .boolean("frozen", default: "FALSE"),
        ],
        indexes: [
            IndexDefinition(name: "services_uuid_idx", columns: ["uuid"], unique: true),
            IndexDefinition(name: "services_host_binary_idx", columns: ["host", "binary"]),
        ]
    )

    static let qualityOfServiceSpecs = TableDefinition(
        "quality_of_service_specs",
        columns: [
            .id(),
            .uuid("specs_id", references: "quality_of_service_specs(id)"),
            .string("key"),
            .string("value"),
        ],
        indexes: [IndexDefinition(name: "qos_specs_specs_id_idx", columns: ["specs_id"])]
    )

    static let volumeTypes = TableDefinition(
        "volume_types",
        columns: [
            .id(),
            .string("name"),
            .string("description"),
            .uuid("qos_specs_id", references: "quality_of_service_specs(id)"),
            .boolean("is_public", default: "TRUE"),
        ],
        indexes: [
            IndexDefinition(
                name: "volume_types_live_name_idx",
                columns: ["name"],
                unique: true,
                predicate: "deleted = FALSE"
            )
        ]
    )

    static let volumeTypeExtraSpecs = TableDefinition(
        "volume_type_extra_specs",
        columns: [
            .serial(),
            .string("key"),
            .string("value"),
            .uuid("volume_type_id", nullable: false, references: "volume_types(id)"),
        ],
        indexes: [
            IndexDefinition(name: "volume_type_extra_specs_type_key_idx", columns: ["volume_type_id", "key"])
        ]
    )

    static let volumeTypeProjects = TableDefinition(
        "volume_type_projects",
        columns: [
            .serial(),
            .uuid("volume_type_id", nullable: false, references: "volume_types(id)"),
            .string("project_id"),
        ],
        indexes: [
            IndexDefinition(
                name: "volume_type_projects_live_idx",
                columns: ["volume_type_id", "project_id"],
                unique: true,
                predicate: "deleted = FALSE"
            )
        ]
    )

    static let volumes = TableDefinition(
        "volumes",
        columns: [
            .id(),
            .uuid("_name_id"),
            .boolean("use_quota", nullable: false, default: "TRUE"),
            .string("ec2_id"),
            .string("user_id"),
            .string("project_id"),
            .uuid("snapshot_id"),
            .string("cluster_name"),
            .string("host"),
            .integer("size"),
            .string("availability_zone"),
            .string("status"),
            .string("attach_status"),
            .string("migration_status"),
            .timestamp("scheduled_at"),
            .timestamp("launched_at"),
            .timestamp("terminated_at"),
            .string("display_name"),
            .string("display_description"),
            .string("provider_location", 256),
            .string("provider_auth", 256),
            .string("provider_geometry"),
            .string("provider_id"),
            .uuid("volume_type_id", nullable: false),
            .uuid("source_volid"),
            .uuid("encryption_key_id"),
            .uuid("consistencygroup_id"),
            .uuid("group_id"),
            .boolean("bootable", default: "FALSE"),
            .boolean("multiattach", default: "FALSE"),
            .string("replication_status"),
            .string("replication_extended_status"),
            .string("replication_driver_data"),
            .string("previous_status"),
            .uuid("service_uuid"),
            .boolean("shared_targets", default: "TRUE"),
        ],
        indexes: [
            IndexDefinition(name: "volumes_service_uuid_idx", columns: ["service_uuid", "deleted"]),
            IndexDefinition(name: "volumes_deleted_project_id_idx", columns: ["deleted", "project_id"]),
            IndexDefinition(name: "volumes_deleted_host_idx", columns: ["deleted", "host"]),
        ]
    )

    static func keyValueTable(
        _ name: String,
        owner: String,
        ownerTable: String,
        valueType: ColumnType = .string(255)
    )
        -> TableDefinition
    {
        TableDefinition(
            name,
            columns: [
                .serial(),
                .string("key"),
                ColumnDefinition(name: "value", type: valueType),
                .uuid(owner, nullable: false, references: "\(ownerTable)(id)"),
            ],
            indexes: [IndexDefinition(name: "\(name)_\(owner)_idx", columns: [owner, "key"])]
        )
    }

    static let volumeMetadata = keyValueTable("volume_metadata", owner: "volume_id", ownerTable: "volumes")
    static let volumeAdminMetadata = keyValueTable("volume_admin_metadata", owner: "volume_id", ownerTable: "volumes")

    static let volumeGlanceMetadata = TableDefinition(
        "volume_glance_metadata",
        columns: [
            .serial(),
            .uuid("volume_id", references: "volumes(id)"),
            .uuid("snapshot_id", references: "snapshots(id)"),
            .string("key"),
            .text("value"),
        ],
        indexes: [
            IndexDefinition(name: "volume_glance_metadata_volume_id_idx", columns: ["volume_id", "key"]),
            IndexDefinition(name: "volume_glance_metadata_snapshot_id_idx", columns: ["snapshot_id"]),
        ]
    )

    static let volumeAttachment = TableDefinition(
        "volume_attachment",
        columns: [
            .id(),
            .uuid("volume_id", nullable: false, references: "volumes(id)"),
            .string("instance_uuid", 36),
            .string("attached_host"),
            .string("mountpoint"),
            .timestamp("attach_time"),
            .timestamp("detach_time"),
            .string("attach_status"),
            .string("attach_mode", 36),
            .text("connection_info"),
            .text("connector"),
        ],
        indexes: [IndexDefinition(name: "volume_attachment_volume_id_idx", columns: ["volume_id"])]
    )

    static let snapshots = TableDefinition(
        "snapshots",
        columns: [
            .id(),
            .boolean("use_quota", nullable: false, default: "TRUE"),
            .string("user_id"),
            .string("project_id"),
            .uuid("volume_id", nullable: false, references: "volumes(id)"),
            .uuid("cgsnapshot_id"),
            .uuid("group_snapshot_id"),
            .string("status"),
            .string("progress"),
            .integer("volume_size"),
            .timestamp("scheduled_at"),
            .string("display_name"),
            .string("display_description"),
            .uuid("encryption_key_id"),
            .uuid("volume_type_id", nullable: false),
            .string("provider_location"),
            .string("provider_id"),
            .string("provider_auth"),
        ],
        indexes: [
            IndexDefinition(name: "snapshots_deleted_project_id_idx", columns: ["deleted", "project_id"]),
            IndexDefinition(name: "snapshots_volume_id_idx", columns: ["volume_id"]),
        ]
    )

    static let snapshotMetadata = keyValueTable("snapshot_metadata", owner: "snapshot_id", ownerTable: "snapshots")

    static let quotas = TableDefinition(
        "quotas",
        columns: [
            .serial(),
            .string("project_id"),
            ColumnDefinition(name: "resource", type: .string(300), nullable: false),
            .integer("hard_limit"),
        ],
        indexes: [IndexDefinition(name: "quotas_project_id_idx", columns: ["project_id", "resource"])]
    )

    static let quotaClasses = TableDefinition(
        "quota_classes",
        columns: [
            .serial(),
            .string("class_name"),
            .string("resource", 300),
            .integer("hard_limit"),
        ],
        indexes: [IndexDefinition(name: "quota_classes_class_name_idx", columns: ["class_name"])]
    )

    static let quotaUsages = TableDefinition(
        "quota_usages",
        columns: [
            .serial(),
            .string("project_id"),
            .string("resource", 300),
            .integer("in_use", nullable: false),
            .integer("reserved", nullable: false),
            .integer("until_refresh"),
            .boolean("race_preventer", default: "TRUE"),
        ],
        indexes: [IndexDefinition(name: "quota_usage_project_resource_idx", columns: ["project_id", "resource"])],
        uniqueConstraints: [["project_id", "resource", "race_preventer"]]
    )

    static let reservations = TableDefinition(
        "reservations",
        columns: [
            .serial(),
            .uuid("uuid", nullable: false),
            ColumnDefinition(name: "usage_id", type: .integer, references: "quota_usages(id)"),
            .string("project_id"),
            .string("resource", 300),
            .integer("delta", nullable: false),
            .timestamp("expire"),
        ],
        indexes: [
            IndexDefinition(name: "reservations_deleted_expire_idx", columns: ["deleted", "expire"]),
            IndexDefinition(name: "reservations_deleted_uuid_idx", columns: ["deleted", "uuid"]),
            IndexDefinition(name: "reservations_usage_id_idx", columns: ["usage_id"]),
        ]
    )

    static let backups = TableDefinition(
        "backups",
        columns: [
            .id(),
            .string("user_id"),
            .string("project_id"),
            .uuid("volume_id", nullable: false),
            .string("host"),
            .string("availability_zone"),
            .string("display_name"),
            .string("display_description"),
            .string("container"),
            .uuid("parent_id"),
            .string("status"),
            .string("fail_reason"),
            .string("service_metadata"),
            .string("service"),
            .integer("size"),
            .integer("object_count"),
            .uuid("temp_volume_id"),
            .uuid("temp_snapshot_id"),
            .integer("num_dependent_backups", default: "0"),
            .uuid("snapshot_id"),
            .timestamp("data_timestamp"),
            .uuid("restore_volume_id"),
            .uuid("encryption_key_id"),
        ],
        indexes: [IndexDefinition(name: "backups_deleted_project_id_idx", columns: ["deleted", "project_id"])]
    )

    /// `backup_metadata` (schema version 3).
    static let backupMetadata = keyValueTable("backup_metadata", owner: "backup_id", ownerTable: "backups")

    /// cinder's `default_volume_types` (3.62): one row per project that has its own default
    /// type; unsetting deletes the row (cinder's hard delete).
    static let defaultVolumeTypes = TableDefinition(
        "default_volume_types",
        primaryKey: "project_id",
        columns: [
            .uuid("volume_type_id", references: "volume_types(id)"),
            .string("project_id", nullable: false),
        ],
        indexes: [IndexDefinition(name: "default_volume_types_volume_type_id_idx", columns: ["volume_type_id"])]
    )

    static let transfers = TableDefinition(
        "transfers",
        columns: [
            .id(),
            .uuid("volume_id", nullable: false, references: "volumes(id)"),
            .string("display_name"),
            .string("salt"),
            .string("crypt_hash"),
            .timestamp("expires_at"),
            .boolean("no_snapshots", default: "FALSE"),
            .string("source_project_id"),
            .string("destination_project_id"),
            .boolean("accepted", default: "FALSE"),
        ],
        indexes: [IndexDefinition(name: "transfers_volume_id_idx", columns: ["volume_id"])]
    )

    static let messages = TableDefinition(
        "messages",
        columns: [
            .id(),
            ColumnDefinition(name: "project_id", type: .string(255), nullable: false),
            ColumnDefinition(name: "message_level", type: .string(255), nullable: false),
            .string("request_id"),
            .string("resource_type", 36),
            .string("resource_uuid"),
            ColumnDefinition(name: "event_id", type: .string(255), nullable: false),
            .string("detail_id", 10),
            .string("action_id", 10),
            .timestamp("expires_at"),
        ],
        indexes: [IndexDefinition(name: "messages_expires_at_idx", columns: ["expires_at"])]
    )

    /// `encryption` (schema version 6): the encryption of a volume type, at most one live row
    /// per type (cinder's models.Encryption; `encryption_id` is the key).
    static let encryption = TableDefinition(
        "encryption",
        primaryKey: "encryption_id",
        columns: [
            .id("encryption_id"),
            .string("cipher"),
            .integer("key_size"),
            .string("provider"),
            .string("control_location"),
            .uuid("volume_type_id", nullable: false),
        ],
        indexes: [
            IndexDefinition(
                name: "encryption_live_volume_type_idx",
                columns: ["volume_type_id"],
                unique: true,
                predicate: "deleted = FALSE"
            )
        ]
    )

    /// `clusters` (schema version 7): cinder's clusters of services that serve one backend
    /// active-active; hosts, heartbeats and down hosts are read from `services`.
    static let clusters = TableDefinition(
        "clusters",
        columns: [
            .serial(),
            .string("name", nullable: false),
            .string("binary", nullable: false),
            .boolean("disabled", default: "FALSE"),
            .string("disabled_reason"),
            .integer("race_preventer", nullable: false, default: "0"),
            .string("replication_status", 36, default: "'not-capable'"),
            .string("active_backend_id"),
            .boolean("frozen", nullable: false, default: "FALSE"),
        ],
        indexes: [IndexDefinition(name: "clusters_name_binary_idx", columns: ["name", "binary"])],
        uniqueConstraints: [["name", "\"binary\"", "race_preventer"]]
    )

    /// `workers` (schema version 7): cinder's in-flight operations on cleanable resources
    /// (`cinder/objects/cleanable.py`), one row per resource, owned by a service.
    static let workers = TableDefinition(
        "workers",
        columns: [
            .serial(),
            .string("resource_type", 40, nullable: false),
            .string("resource_id", 36, nullable: false),
            .string("status", nullable: false),
            ColumnDefinition(name: "service_id", type: .integer, references: "services(id)"),
            .integer("race_preventer", nullable: false, default: "0"),
        ],
        indexes: [IndexDefinition(name: "workers_service_id_idx", columns: ["service_id"])],
        uniqueConstraints: [["resource_type", "resource_id"]]
    )

    /// Every table of the first schema version, in creation order (referenced tables first).
    static let initialTables: [TableDefinition] = [
        services, qualityOfServiceSpecs, volumeTypes, volumeTypeExtraSpecs, volumeTypeProjects, volumes,
        volumeMetadata, volumeAdminMetadata, volumeAttachment, snapshots, snapshotMetadata, volumeGlanceMetadata,
        quotas, quotaClasses, quotaUsages, reservations, backups, transfers, messages,
    ]

    /// Indexes that keep keyset pagination cheap at any depth (schema version 2): the default
    /// `created_at, id` order, scoped by project and across projects.
    static let paginationIndexes: [(table: String, index: IndexDefinition)] = [
        ("volumes", IndexDefinition(name: "volumes_page_idx", columns: ["deleted", "created_at", "id"])),
        (
            "volumes",
            IndexDefinition(name: "volumes_project_page_idx", columns: ["deleted", "project_id", "created_at", "id"])
        ),
        ("snapshots", IndexDefinition(name: "snapshots_page_idx", columns: ["deleted", "created_at", "id"])),
        (
            "snapshots",
            IndexDefinition(
                name: "snapshots_project_page_idx",
                columns: ["deleted", "project_id", "created_at", "id"]
            )
        ),
        ("backups", IndexDefinition(name: "backups_page_idx", columns: ["deleted", "created_at", "id"])),
        (
            "backups",
            IndexDefinition(name: "backups_project_page_idx", columns: ["deleted", "project_id", "created_at", "id"])
        ),
        (
            "messages",
            IndexDefinition(name: "messages_project_page_idx", columns: ["deleted", "project_id", "created_at", "id"])
        ),
        ("volume_metadata", IndexDefinition(name: "volume_metadata_key_value_idx", columns: ["key", "value"])),
    ]

    /// Every table the migrations create, in creation order (referenced tables first).
    static let allTables: [TableDefinition] =
        initialTables + [backupMetadata, defaultVolumeTypes] + groupTables + [encryption, clusters, workers]
}

import EmberCore

/// `cinder/api/schemas/backups.py` and `admin_actions.py` (`reset_status_backup`,
/// `force_delete_backup`).
enum BackupSchemas {
    static let nameAllowZeroMinLength = Schema.value(types: [.string, .null], minLength: 0, maxLength: 255)
    static let container = Schema.value(types: [.string, .null], minLength: 0, maxLength: 255)
    static let uuid = Schema.value(types: [.string], format: "uuid")
    static let uuidAllowNull = Schema.oneOf([.value(types: [.string], format: "uuid"), .value(types: [.null])])

    /// The create schema at a microversion (the controller and the OpenAPI document use it).
    static func create(version: APIVersionRequest) -> Schema {
        create(
            metadata: version >= APIVersionRequest(major: 3, minor: 43),
            availabilityZone: version >= APIVersionRequest(major: 3, minor: 51)
        )
    }

    /// The update schema at a microversion.
    static func update(version: APIVersionRequest) -> Schema {
        update(metadata: version >= APIVersionRequest(major: 3, minor: 43))
    }

    /// `create` (3.0), `create_backup_v343` (+ `metadata`), `create_backup_v351`
    /// (+ `availability_zone`).
    static func create(metadata: Bool, availabilityZone: Bool) -> Schema {
        var properties: [(String, Schema)] = [
            ("volume_id", uuid), ("container", container), ("description", ParameterTypes.description),
            ("incremental", ParameterTypes.boolean), ("force", ParameterTypes.boolean),
            ("name", nameAllowZeroMinLength), ("snapshot_id", uuidAllowNull),
        ]
        if metadata { properties.append(("metadata", ParameterTypes.metadata(nullable: true))) }
        if availabilityZone { properties.append(("availability_zone", ParameterTypes.nullableString255)) }
        return .object(
            properties: [
                ("backup", .object(properties: properties, required: ["volume_id"], additionalProperties: false))
            ],
            required: ["backup"],
            additionalProperties: false
        )
    }

    /// `update` (3.9) and `update_backup_v343` (+ `metadata`).
    static func update(metadata: Bool) -> Schema {
        var properties: [(String, Schema)] = [
            ("name", nameAllowZeroMinLength), ("description", ParameterTypes.description),
        ]
        if metadata { properties.append(("metadata", ParameterTypes.metadata(nullable: false))) }
        return .object(
            properties: [("backup", .object(nullable: true, properties: properties, additionalProperties: false))],
            required: ["backup"],
            additionalProperties: false
        )
    }

    static let restore = Schema.object(
        properties: [
            (
                "restore",
                .object(
                    nullable: true,
                    properties: [("name", nameAllowZeroMinLength), ("volume_id", uuidAllowNull)],
                    additionalProperties: false
                )
            )
        ],
        required: ["restore"],
        additionalProperties: false
    )

    static let importRecord = Schema.object(
        properties: [
            (
                "backup-record",
                .object(
                    properties: [
                        ("backup_service", .value(types: [.string], minLength: 0, maxLength: 255)),
                        // `format: base64` only rejects non-strings; decoding errors come later.
                        ("backup_url", .value(types: [.string], minLength: 1)),
                    ],
                    required: ["backup_service", "backup_url"],
                    additionalProperties: false
                )
            )
        ],
        required: ["backup-record"],
        additionalProperties: false
    )

    /// `{"os-reset_status": {"status": <backup_status>}}`.
    static let resetStatus = Schema.object(
        properties: [
            (
                "os-reset_status",
                .object(
                    properties: [("status", .value(types: [.string], format: "backup_status"))],
                    required: ["status"],
                    additionalProperties: false
                )
            )
        ],
        required: ["os-reset_status"],
        additionalProperties: false
    )

    /// `{"os-force_delete": <anything>}`.
    static let forceDelete = Schema.object(
        properties: [("os-force_delete", .value(types: []))],
        required: ["os-force_delete"],
        additionalProperties: false
    )
}

import EmberCore

/// `cinder/api/schemas/volume_manage.py`, `snapshot_manage.py`, `volume_unmanage.py` and
/// `snapshot_unmanage.py`.
enum ManageSchemas {
    /// `parameter_types.cinder_host`: a host, `host@backend` or `host@backend#pool`.
    static let cinderHost = Schema.value(
        types: [.string, .null],
        minLength: 1,
        maxLength: 255,
        pattern: "^[a-zA-Z0-9-._#@:/+\\[\\]]*$"
    )
    static let nameAllowZeroMinLength = ParameterTypes.nullableString255

    /// `volume_manage_create` (`cluster` from 3.16: `volume_manage_create_v316`).
    /// The volume manage schema at a microversion (`cluster` from 3.16); the controller and
    /// the OpenAPI document use it.
    static func volumeManage(version: APIVersionRequest) -> Schema {
        volumeManage(cluster: version >= APIVersionRequest(major: 3, minor: 16))
    }

    static func volumeManage(cluster: Bool) -> Schema {
        var properties: [(String, Schema)] = [
            ("description", ParameterTypes.description),
            ("availability_zone", nameAllowZeroMinLength),
            ("bootable", ParameterTypes.boolean),
            ("volume_type", nameAllowZeroMinLength),
            ("name", nameAllowZeroMinLength),
            ("host", cinderHost),
            ("ref", .value(types: [.object, .string])),
            ("metadata", ParameterTypes.metadata(nullable: true)),
        ]
        if cluster { properties.append(("cluster", .value(types: [.string, .null], minLength: 0, maxLength: 255))) }
        return .object(
            properties: [("volume", .object(properties: properties, required: ["ref"], additionalProperties: false))],
            required: ["volume"],
            additionalProperties: false
        )
    }

    /// `snapshot_manage.create`.
    static let snapshotManage = Schema.object(
        properties: [
            (
                "snapshot",
                .object(
                    properties: [
                        ("description", ParameterTypes.description),
                        ("metadata", ParameterTypes.metadata(nullable: true)),
                        ("name", nameAllowZeroMinLength),
                        ("volume_id", .value(types: [.string], format: "uuid")),
                        ("ref", .value(types: [.object, .null, .string])),
                    ],
                    required: ["ref", "volume_id"],
                    additionalProperties: false
                )
            )
        ],
        required: ["snapshot"],
        additionalProperties: false
    )

    /// `volume_unmanage.unmanage` / `snapshot_unmanage.unmanage`: `{"os-unmanage": …}`, any
    /// value.
    static let unmanage = Schema.object(
        properties: [("os-unmanage", .value(types: []))],
        required: ["os-unmanage"],
        additionalProperties: false
    )
}

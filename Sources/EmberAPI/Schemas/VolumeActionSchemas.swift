import EmberCore

/// `cinder/api/schemas/volume_actions.py` and the `revert` schema of `volumes.py`: each
/// action body is `{"<action>": …}` with nothing else.
enum VolumeActionSchemas {
    /// `{"<action>": <schema>}` with the key required and no other keys.
    static func action(_ name: String, _ schema: Schema) -> Schema {
        .object(properties: [(name, schema)], required: [name], additionalProperties: false)
    }

    /// `{}`: any value (`os-reserve`, `os-unreserve`, `os-begin_detaching`, `os-roll_detaching`).
    static let anything = Schema.value(types: [])

    static let uuid = Schema.value(types: [.string], format: "uuid")
    static let uuidAllowNull = Schema.oneOf([uuid, .value(types: [.null])])

    static let attach = action(
        "os-attach",
        .object(
            properties: [
                ("instance_uuid", uuid), ("mountpoint", .value(types: [.string], minLength: 1, maxLength: 255)),
                ("host_name", .value(types: [.string], maxLength: 255)),
                ("mode", .value(types: [.string], choices: ["rw", "ro"])),
            ],
            required: ["mountpoint"],
            additionalProperties: false,
            anyOfRequired: ["instance_uuid", "host_name"]
        )
    )

    static let detach = action(
        "os-detach",
        .object(nullable: true, properties: [("attachment_id", uuidAllowNull)], additionalProperties: false)
    )

    /// `volume_upload_image` (3.0) and `volume_upload_image_v31` (3.1: `visibility`, `protected`).
    static func uploadImage(version: APIVersionRequest) -> Schema {
        var properties: [(String, Schema)] = [
            ("image_name", .value(types: [.string], minLength: 1, maxLength: 255)),
            ("force", ParameterTypes.boolean),
            (
                "disk_format",
                .value(types: [.string], choices: ["raw", "vmdk", "vdi", "qcow2", "vhd", "vhdx", "ploop"])
            ),
            ("container_format", ParameterTypes.description),
        ]
        if version >= APIVersionRequest(major: 3, minor: 1) {
            properties.append(
                ("visibility", .value(types: [.string], choices: ["community", "public", "private", "shared"]))
            )
            properties.append(("protected", ParameterTypes.boolean))
        }
        return action(
            "os-volume_upload_image",
            .object(properties: properties, required: ["image_name"], additionalProperties: false)
        )
    }

    static let reimage = action(
        "os-reimage",
        .object(
            properties: [("image_id", uuid), ("reimage_reserved", ParameterTypes.boolean)],
            required: ["image_id"],
            additionalProperties: false
        )
    )

    static let reserve = action("os-reserve", anything)
    static let unreserve = action("os-unreserve", anything)
    static let beginDetaching = action("os-begin_detaching", anything)
    static let rollDetaching = action("os-roll_detaching", anything)

    static let extend = action(
        "os-extend",
        .object(
            properties: [
                (
                    "new_size",
                    .value(types: [.integer, .string], pattern: "^[0-9]+$", minimum: 1, maximum: 2_147_483_647)
                )
            ],
            required: ["new_size"],
            additionalProperties: false
        )
    )

    static let setBootable = action(
        "os-set_bootable",
        .object(properties: [("bootable", ParameterTypes.boolean)], required: ["bootable"], additionalProperties: false)
    )

    static let initializeConnection = action(
        "os-initialize_connection",
        .object(
            properties: [("connector", .value(types: [.object, .string]))],
            required: ["connector"],
            additionalProperties: false
        )
    )

    static let terminateConnection = action(
        "os-terminate_connection",
        .object(
            properties: [("connector", .value(types: [.string, .object, .null]))],
            required: ["connector"],
            additionalProperties: false
        )
    )

    static let readonlyUpdate = action(
        "os-update_readonly_flag",
        .object(properties: [("readonly", ParameterTypes.boolean)], required: ["readonly"], additionalProperties: false)
    )

    static let retype = action(
        "os-retype",
        .object(
            properties: [
                ("new_type", .value(types: [.string])),
                ("migration_policy", .value(types: [.string, .null], choices: ["on-demand", "never"])),
            ],
            required: ["new_type"],
            additionalProperties: false
        )
    )

    /// `volumes.revert`: `snapshot_id` may be a string or null; other keys are allowed.
    static let revert = action(
        "revert",
        .object(properties: [("snapshot_id", .value(types: [.string, .null]))])
    )
}

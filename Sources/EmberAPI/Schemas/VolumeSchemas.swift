import EmberCore

/// `cinder/api/schemas/volumes.py` and `volume_metadata.py`.
enum VolumeSchemas {
    static func create(version: APIVersionRequest) -> Schema {
        var volume: [(String, Schema)] = [
            ("name", ParameterTypes.volumeName), ("description", ParameterTypes.volumeDescription),
            ("display_name", ParameterTypes.volumeName), ("display_description", ParameterTypes.volumeDescription),
            ("volume_type", ParameterTypes.nullableString255), ("metadata", ParameterTypes.metadata(nullable: true)),
            ("snapshot_id", ParameterTypes.optionalUUID), ("source_volid", ParameterTypes.optionalUUID),
            ("consistencygroup_id", ParameterTypes.optionalUUID), ("size", ParameterTypes.volumeSizeAllowsNull),
            ("availability_zone", ParameterTypes.availabilityZone), ("multiattach", ParameterTypes.optionalBoolean),
            ("image_id", ParameterTypes.nullableString255), ("imageRef", ParameterTypes.nullableString255),
        ]
        if version >= APIVersionRequest(major: 3, minor: 13) {
            volume.append(("group_id", ParameterTypes.nullableString255))
        }
        if version >= APIVersionRequest(major: 3, minor: 47) {
            volume.append(("backup_id", ParameterTypes.optionalUUID))
        }
        return .object(
            properties: [
                (
                    "volume",
                    .object(properties: volume, additionalProperties: version < APIVersionRequest(major: 3, minor: 53))
                ),
                ("OS-SCH-HNT:scheduler_hints", .object(nullable: true, properties: [])),
            ],
            required: ["volume"],
            additionalProperties: false
        )
    }

    static func update(version: APIVersionRequest) -> Schema {
        let volume: [(String, Schema)] = [
            ("name", ParameterTypes.volumeName), ("description", ParameterTypes.volumeDescription),
            ("display_name", ParameterTypes.volumeName), ("display_description", ParameterTypes.volumeDescription),
            ("metadata", ParameterTypes.metadata(nullable: false)),
        ]
        let anyOf =
            version >= APIVersionRequest(major: 3, minor: 53)
            ? ["name", "description", "display_name", "display_description", "metadata"] : nil
        return .object(
            properties: [("volume", .object(properties: volume, additionalProperties: false, anyOfRequired: anyOf))],
            required: ["volume"],
            additionalProperties: false
        )
    }

    /// `{"metadata": {…}}` for POST/PUT on `/metadata`.
    static let metadata = Schema.object(
        properties: [("metadata", ParameterTypes.metadata(nullable: false))],
        required: ["metadata"],
        additionalProperties: false
    )

    /// `{"meta": {key: value}}` for PUT on `/metadata/{key}`.
    /// `metadata_restricted_properties` with `maxProperties: 1` (cinder's `update` schema).
    static let metadataItem = Schema.object(
        properties: [
            (
                "meta",
                .object(
                    properties: [],
                    additionalProperties: false,
                    patternKey: "^[a-zA-Z0-9-_:. /]{1,255}$",
                    additional: .value(types: [.string], minLength: 0, maxLength: 255),
                    maxProperties: 1
                )
            )
        ],
        required: ["meta"],
        additionalProperties: false
    )
}

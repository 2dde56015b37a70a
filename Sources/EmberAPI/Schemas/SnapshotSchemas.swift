import EmberCore

/// `cinder/api/schemas/snapshots.py` and `snapshot_metadata.py`.
enum SnapshotSchemas {
    static let nameAllowZeroMinLength = Schema.value(types: [.string, .null], minLength: 0, maxLength: 255)
    static let uuidAllowNull = Schema.oneOf([.value(types: [.string], format: "uuid"), .value(types: [.null])])

    static let create = Schema.object(
        properties: [
            (
                "snapshot",
                .object(
                    properties: [
                        ("name", nameAllowZeroMinLength), ("display_name", nameAllowZeroMinLength),
                        ("description", ParameterTypes.description), ("volume_id", uuidAllowNull),
                        ("force", ParameterTypes.boolean), ("metadata", ParameterTypes.metadata(nullable: true)),
                    ],
                    required: ["volume_id"],
                    additionalProperties: false
                )
            )
        ],
        required: ["snapshot"],
        additionalProperties: false
    )

    static let update = Schema.object(
        properties: [
            (
                "snapshot",
                .object(
                    properties: [
                        ("name", nameAllowZeroMinLength), ("description", ParameterTypes.description),
                        ("display_name", nameAllowZeroMinLength), ("display_description", ParameterTypes.description),
                    ],
                    additionalProperties: false,
                    anyOfRequired: ["name", "description", "display_name", "display_description"]
                )
            )
        ],
        required: ["snapshot"],
        additionalProperties: false
    )

    /// Snapshot metadata keys: `^[a-zA-Z0-9-_:. ]{1,255}$` (no `/`, unlike volume metadata).
    static func metadataProperties(single: Bool) -> Schema {
        .object(
            properties: [],
            additionalProperties: false,
            patternKey: "^[a-zA-Z0-9-_:. ]{1,255}$",
            additional: .value(types: [.string], maxLength: 255),
            minProperties: single ? 1 : nil,
            maxProperties: single ? 1 : nil
        )
    }

    /// `{"metadata": {…}}` for POST and PUT on `/metadata` (other top-level keys are allowed).
    static let metadata = Schema.object(
        properties: [("metadata", metadataProperties(single: false))],
        required: ["metadata"]
    )

    /// `{"meta": {key: value}}` (exactly one pair) for PUT on `/metadata/{key}`.
    static let metadataItem = Schema.object(
        properties: [("meta", metadataProperties(single: true))],
        required: ["meta"]
    )
}

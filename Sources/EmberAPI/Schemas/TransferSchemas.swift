import EmberCore

/// `cinder/api/schemas/volume_transfer.py`.
enum TransferSchemas {
    static let name = Schema.oneOf([
        .value(types: [.string], format: "name_skip_leading_trailing_spaces"), .value(types: [.null]),
    ])
    static let volumeID = Schema.value(types: [.string], format: "uuid")

    /// `create`: the legacy route, and v3 before 3.55.
    /// The create schema of the v3 transfers API at a microversion (`no_snapshots` from 3.55);
    /// the controller and the OpenAPI document use it.
    static func create(version: APIVersionRequest) -> Schema {
        version >= APIVersionRequest(major: 3, minor: 55) ? createV355 : create
    }

    static let create = Schema.object(
        properties: [
            (
                "transfer",
                .object(
                    properties: [("volume_id", volumeID), ("name", name)],
                    required: ["volume_id"],
                    additionalProperties: false
                )
            )
        ],
        required: ["transfer"],
        additionalProperties: false
    )

    /// `create_v355`: `no_snapshots` from 3.55.
    static let createV355 = Schema.object(
        properties: [
            (
                "transfer",
                .object(
                    properties: [("volume_id", volumeID), ("name", name), ("no_snapshots", ParameterTypes.boolean)],
                    required: ["volume_id"],
                    additionalProperties: false
                )
            )
        ],
        required: ["transfer"],
        additionalProperties: false
    )

    /// `accept`: the auth key as a string or an integer.
    static let accept = Schema.object(
        properties: [
            (
                "accept",
                .object(
                    properties: [("auth_key", .value(types: [.string, .integer]))],
                    required: ["auth_key"],
                    additionalProperties: false
                )
            )
        ],
        required: ["accept"],
        additionalProperties: false
    )
}

import EmberCore

/// `cinder/api/schemas/attachments.py`.
enum AttachmentSchemas {
    static let uuid = Schema.value(types: [.string], format: "uuid")

    /// `create` (3.27–3.53); `mode` (`rw`/`ro`) joins at 3.54 (`create_v354`).
    static func create(mode: Bool) -> Schema {
        var properties: [(String, Schema)] = [
            ("instance_uuid", uuid), ("connector", .value(types: [.object, .null])), ("volume_uuid", uuid),
        ]
        if mode { properties.append(("mode", .value(types: [.string], choices: ["rw", "ro"]))) }
        return .object(
            properties: [
                ("attachment", .object(properties: properties, required: ["volume_uuid"], additionalProperties: false))
            ],
            required: ["attachment"],
            additionalProperties: false
        )
    }

    /// The create schema at a microversion (the controller and the OpenAPI document use it).
    static func create(version: APIVersionRequest) -> Schema {
        version >= APIVersionRequest(major: 3, minor: 54) ? create354 : createBefore354
    }

    static let createBefore354 = create(mode: false)
    static let create354 = create(mode: true)

    /// `update`: a connector with at least one property.
    static let update = Schema.object(
        properties: [
            (
                "attachment",
                .object(
                    properties: [("connector", .object(properties: [], minProperties: 1))],
                    required: ["connector"],
                    additionalProperties: false
                )
            )
        ],
        required: ["attachment"],
        additionalProperties: false
    )

    /// `complete`: `{"os-complete": <anything>}` and nothing else.
    static let complete = Schema.object(
        properties: [("os-complete", .value(types: []))],
        required: ["os-complete"],
        additionalProperties: false
    )
}

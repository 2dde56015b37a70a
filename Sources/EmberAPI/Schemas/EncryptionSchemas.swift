import EmberCore

/// `cinder/api/schemas/volume_type_encryption.py`.
enum EncryptionSchemas {
    /// `parameter_types.key_size`: an integer or its text (or null), 0 to the database's
    /// largest integer, checked by the `key_size` format.
    static let keySize = Schema.value(
        types: [.string, .integer, .null],
        minimum: 0,
        maximum: 2_147_483_647,
        format: "key_size"
    )

    static func encryption(required: [String]) -> Schema {
        .object(
            properties: [
                ("key_size", keySize),
                ("provider", .value(types: [.string], minLength: 0, maxLength: 255)),
                ("control_location", .value(types: [], choices: [.string("front-end"), .string("back-end")])),
                ("cipher", .value(types: [.string, .null], minLength: 0, maxLength: 255)),
            ],
            required: required,
            additionalProperties: true
        )
    }

    /// `create`: `provider` and `control_location` are required; other keys are allowed.
    static let create = Schema.object(
        properties: [("encryption", encryption(required: ["provider", "control_location"]))],
        required: ["encryption"],
        additionalProperties: false
    )

    /// `update`: the same fields, none required.
    static let update = Schema.object(
        properties: [("encryption", encryption(required: []))],
        required: ["encryption"],
        additionalProperties: false
    )

    /// The `key_size` cinder keeps and echoes: `int(key_size)` when given and not null.
    static func keySize(_ value: JSONValue?) -> JSONValue? {
        switch value {
        case .string(let text)?: Int(text).map(JSONValue.int)
        default: value
        }
    }
}

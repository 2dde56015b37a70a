import EmberCore

/// `cinder/api/schemas/volume_types.py`, `types_extra_specs.py` and `volume_type_access.py`.
enum TypeSchemas {
    /// `parameter_types.name`: a string of 1–255 characters that is not only whitespace.
    static let name = Schema.value(types: [.string], minLength: 1, maxLength: 255, format: "name")
    static let updateName = Schema.value(types: [.string, .null], minLength: 1, maxLength: 255)

    /// `extra_specs_with_null`: keys `^[a-zA-Z0-9-_:. /]{1,255}$`, string or null values.
    static let extraSpecsWithNull = Schema.object(
        properties: [],
        additionalProperties: false,
        patternKey: "^[a-zA-Z0-9-_:. /]{1,255}$",
        additional: .value(types: [.string, .null], maxLength: 255)
    )

    /// `extra_specs_with_no_spaces_key`.
    static func extraSpecsNoSpaces(minProperties: Int? = nil, maxProperties: Int? = nil) -> Schema {
        .object(
            properties: [],
            additionalProperties: false,
            patternKey: "^[a-zA-Z0-9-_:.]{1,255}$",
            additional: .value(types: [.string, .null], minLength: 0, maxLength: 255),
            minProperties: minProperties,
            maxProperties: maxProperties
        )
    }

    static let create = Schema.object(
        properties: [
            (
                "volume_type",
                .object(
                    properties: [
                        ("name", name), ("description", ParameterTypes.description),
                        ("extra_specs", extraSpecsWithNull),
                        ("os-volume-type-access:is_public", ParameterTypes.boolean),
                    ],
                    required: ["name"],
                    additionalProperties: false
                )
            )
        ],
        required: ["volume_type"],
        additionalProperties: false
    )

    /// The 2013 v1 `os-types-manage` create: a name, and extra specs of any JSON value.
    static let createV1 = Schema.object(
        properties: [
            (
                "volume_type",
                .object(
                    properties: [
                        ("name", name), ("description", ParameterTypes.description),
                        (
                            "extra_specs",
                            .object(
                                properties: [],
                                additionalProperties: true,
                                patternKey: nil,
                                additional: .value(types: [.string, .number, .boolean, .null])
                            )
                        ),
                        ("os-volume-type-access:is_public", ParameterTypes.boolean),
                    ],
                    required: ["name"],
                    additionalProperties: true
                )
            )
        ],
        required: ["volume_type"],
        additionalProperties: true
    )

    static let update = Schema.object(
        properties: [
            (
                "volume_type",
                .object(
                    properties: [
                        ("name", updateName), ("description", ParameterTypes.description),
                        ("is_public", ParameterTypes.boolean),
                    ],
                    additionalProperties: false
                )
            )
        ],
        required: ["volume_type"],
        additionalProperties: false
    )

    static let extraSpecsCreate = Schema.object(
        properties: [("extra_specs", extraSpecsNoSpaces())],
        required: ["extra_specs"],
        additionalProperties: false
    )

    static let extraSpecsUpdate = extraSpecsNoSpaces(minProperties: 1, maxProperties: 1)

    /// `{"addProjectAccess": {"project": …}}` and `removeProjectAccess`.
    static func projectAccess(_ action: String) -> Schema {
        .object(
            properties: [
                (
                    action,
                    .object(
                        properties: [("project", .value(types: [.string], minLength: 1, maxLength: 255))],
                        required: ["project"],
                        additionalProperties: false
                    )
                )
            ],
            required: [action],
            additionalProperties: false
        )
    }
}

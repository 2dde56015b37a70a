import EmberCore

/// `cinder/api/schemas/group_types.py` and `group_specs.py`.
enum GroupTypeSchemas {
    static let create = Schema.object(
        properties: [
            (
                "group_type",
                .object(
                    properties: [
                        ("name", TypeSchemas.name), ("description", ParameterTypes.description),
                        ("is_public", ParameterTypes.boolean), ("group_specs", ParameterTypes.metadata(nullable: true)),
                    ],
                    required: ["name"],
                    additionalProperties: false
                )
            )
        ],
        required: ["group_type"],
        additionalProperties: false
    )

    /// `name_allow_zero_min_length`: a string (empty allowed) or null.
    static let updateName = Schema.value(types: [.string, .null], minLength: 0, maxLength: 255)

    static let update = Schema.object(
        properties: [
            (
                "group_type",
                .object(
                    properties: [
                        ("name", updateName), ("description", ParameterTypes.description),
                        ("is_public", ParameterTypes.boolean),
                    ],
                    additionalProperties: false
                )
            )
        ],
        required: ["group_type"],
        additionalProperties: false
    )

    /// `group_specs_with_no_spaces_key_and_value_null`.
    static let specsCreate = Schema.object(
        properties: [("group_specs", TypeSchemas.extraSpecsNoSpaces())],
        required: ["group_specs"],
        additionalProperties: false
    )

    static let specsUpdate = TypeSchemas.extraSpecsNoSpaces(minProperties: 1, maxProperties: 1)
}

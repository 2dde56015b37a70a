import EmberCore

/// `cinder/api/schemas/qos_specs.py`.
enum QoSSpecsSchemas {
    /// `create`: a `name` (the `name_skip_leading_trailing_spaces` format) and any other keys,
    /// which `validate_dictionary_string_length` checks after the schema.
    static let create = Schema.object(
        properties: [
            (
                "qos_specs",
                .object(
                    properties: [("name", .value(types: [.string], format: "name_skip_leading_trailing_spaces"))],
                    required: ["name"],
                    additionalProperties: true
                )
            )
        ],
        required: ["qos_specs"],
        additionalProperties: false
    )

    /// `set`: `extra_specs_with_null`.
    static let set = Schema.object(
        properties: [("qos_specs", TypeSchemas.extraSpecsWithNull)],
        required: ["qos_specs"],
        additionalProperties: false
    )

    /// `unset`: `keys`, an array of unique strings of 1–255 characters (the items are checked
    /// by ``keys(_:)``, the `Schema` subset having no arrays).
    static let unset = Schema.object(
        properties: [("keys", .value(types: [.array]))],
        required: ["keys"],
        additionalProperties: false
    )

    static let keyItem = Schema.value(types: [.string], minLength: 1, maxLength: 255)

    /// The `keys` of an `unset` body, with jsonschema's texts for a bad item (its index is the
    /// field, as cinder's validator pops the last element of the error's path) and for
    /// repeated items.
    static func keys(_ body: JSONValue) throws -> [String] {
        if let error = unset.validate(body) { throw EmberError.badRequest(error) }
        guard case .array(let items)? = body["keys"] else { return [] }
        var keys: [String] = []
        for (index, item) in items.enumerated() {
            if let error = Schema.object(properties: [("\(index)", keyItem)]).validate(
                .object(JSONObject(uniqueEntries: [("\(index)", item)]))
            ) {
                throw EmberError.badRequest(error)
            }
            keys.append(item.stringValue ?? "")
        }
        if Set(keys).count != keys.count {
            let value = JSONValue.array(items)
            throw EmberError.badRequest(
                "Invalid input for field/attribute keys. Value: \(value.pythonStr). \(value.pythonRepr) has non-unique elements"
            )
        }
        return keys
    }
}

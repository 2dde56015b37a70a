import EmberCore

extension Schema {
    /// The schema as JSON Schema (draft 2020-12, OpenAPI 3.1's dialect), for the OpenAPI
    /// document: the same constraints ``validate(_:)`` checks.
    ///
    /// cinder's own format checkers (`name`, `key_size`, `…_remove_white_spaces`) are no JSON
    /// Schema formats: they are kept as `x-cinder-format`, and `uuid` as the standard `format`.
    var jsonSchema: JSONValue {
        switch self {
        case .value(
            let types,
            let minLength,
            let maxLength,
            let pattern,
            let minimum,
            let maximum,
            let choices,
            let format
        ):
            var schema = JSONObject()
            if types.count == 1 {
                schema["type"] = .string(types[0].rawValue)
            } else if !types.isEmpty {
                schema["type"] = .array(types.map { .string($0.rawValue) })
            }
            if let choices { schema["enum"] = .array(choices) }
            if let minLength { schema["minLength"] = .int(minLength) }
            if let maxLength { schema["maxLength"] = .int(maxLength) }
            if let pattern { schema["pattern"] = .string(pattern) }
            if let minimum { schema["minimum"] = .int(minimum) }
            if let maximum { schema["maximum"] = .int(maximum) }
            if let format {
                schema[format == "uuid" ? "format" : "x-cinder-format"] = .string(format)
            }
            return .object(schema)
        case .object(
            let nullable,
            let properties,
            let required,
            let additionalProperties,
            let patternKey,
            let additional,
            let anyOfRequired,
            let minProperties,
            let maxProperties
        ):
            var schema: JSONObject = [
                "type": nullable ? JSONValue.array(["object", "null"]) : JSONValue.string("object")
            ]
            if !properties.isEmpty {
                schema["properties"] = .object(JSONObject(properties.map { ($0.0, $0.1.jsonSchema) }))
            }
            if !required.isEmpty { schema["required"] = .array(required.map(JSONValue.string)) }
            if let patternKey, let additional {
                // ``validate(_:)`` refuses any other key, whatever `additionalProperties` says.
                schema["patternProperties"] = .object([patternKey: additional.jsonSchema])
                schema["additionalProperties"] = false
            } else if !additionalProperties {
                schema["additionalProperties"] = false
            }
            if let anyOfRequired {
                schema["anyOf"] = .array(anyOfRequired.map { ["required": [.string($0)]] })
            }
            if let minProperties { schema["minProperties"] = .int(minProperties) }
            if let maxProperties { schema["maxProperties"] = .int(maxProperties) }
            return .object(schema)
        case .oneOf(let schemas):
            return ["oneOf": .array(schemas.map(\.jsonSchema))]
        }
    }
}

import EmberCore

/// `cinder/api/schemas/consistencygroups.py` and `cgsnapshots.py`: the legacy consistency
/// group bodies. Unlike the groups schemas they allow other properties, and `volume_types`
/// and `availability_zone` may be anything (the controller reads them).
enum ConsistencyGroupSchemas {
    static let create = Schema.object(
        properties: [
            (
                "consistencygroup",
                .object(
                    properties: [
                        ("name", GroupTypeSchemas.updateName), ("description", ParameterTypes.description),
                        ("volume_types", .value(types: [])), ("availability_zone", .value(types: [])),
                    ],
                    required: ["volume_types"]
                )
            )
        ],
        required: ["consistencygroup"]
    )

    static let createFromSource = Schema.object(
        properties: [
            (
                "consistencygroup-from-src",
                .object(
                    properties: [
                        ("name", GroupTypeSchemas.updateName), ("description", ParameterTypes.description),
                        ("cgsnapshot_id", .value(types: [.string])), ("source_cgid", .value(types: [.string])),
                    ]
                )
            )
        ],
        required: ["consistencygroup-from-src"]
    )

    /// An object with `consistencygroup` (`force` a boolean), an empty object, or null.
    static let delete = Schema.oneOf([
        .object(
            properties: [("consistencygroup", .object(properties: [("force", ParameterTypes.boolean)]))],
            required: ["consistencygroup"]
        ),
        .object(properties: [], additionalProperties: false),
        .value(types: [.null]),
    ])

    static let update = Schema.object(
        properties: [
            (
                "consistencygroup",
                .object(
                    properties: [
                        ("name", GroupTypeSchemas.updateName), ("description", ParameterTypes.description),
                        ("add_volumes", .value(types: [.string, .null])),
                        ("remove_volumes", .value(types: [.string, .null])),
                    ]
                )
            )
        ],
        required: ["consistencygroup"]
    )

    static let createSnapshot = Schema.object(
        properties: [
            (
                "cgsnapshot",
                .object(
                    properties: [
                        ("consistencygroup_id", .value(types: [.string])), ("name", .value(types: [.string])),
                        ("description", .value(types: [.string])),
                    ],
                    required: ["consistencygroup_id"]
                )
            )
        ],
        required: ["cgsnapshot"]
    )

    /// `volume_types.rstrip(',').split(',')`: the comma-separated names or ids. Empty (or
    /// absent, null, false, 0) is cinder's 400 naming the group. cinder fails with a 500 on a
    /// value that is not text (it calls `rstrip` on it); Ember answers 400.
    static func volumeTypes(_ value: JSONValue?, name: String?) throws -> [String] {
        let shownName = name ?? "None"
        switch value {
        case .string(let text) where !text.isEmpty:
            var trimmed = Substring(text)
            while trimmed.last == "," { trimmed = trimmed.dropLast() }
            return trimmed.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        case nil, .null?, .string?, .bool(false)?, .int(0)?:
            throw EmberError.badRequest(
                "volume_types must be provided to create consistency group \(shownName)."
            )
        case .array(let items)? where items.isEmpty:
            throw EmberError.badRequest(
                "volume_types must be provided to create consistency group \(shownName)."
            )
        case .object(let object)? where object.isEmpty:
            throw EmberError.badRequest(
                "volume_types must be provided to create consistency group \(shownName)."
            )
        default:
            throw EmberError.badRequest(
                "Invalid input for field/attribute volume_types. Value: \(value?.pythonStr ?? ""). \(value?.pythonRepr ?? "") is not of type 'string'"
            )
        }
    }

    /// The `availability_zone` of a create as cinder's zone check sees it: none, or the
    /// value's text (cinder compares any value with its zone names).
    static func availabilityZone(_ value: JSONValue?) -> String? {
        guard let value, value != .null else { return nil }
        return value.pythonStr
    }

    /// `strutils.bool_from_string(force, strict=True)` of a value the schema admitted.
    static func force(_ body: JSONValue) -> Bool {
        ParameterTypes.bool(body["consistencygroup"]?["force"]) ?? false
    }
}

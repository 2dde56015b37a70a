import EmberCore

/// `cinder/api/schemas/groups.py` (the `volume_types` array and the `group_type`,
/// `availability_zone` and `group_status` formats are checked by ``GroupSchemas`` helpers,
/// the `Schema` subset having no arrays or custom formats).
enum GroupSchemas {
    static let create = Schema.object(
        properties: [
            (
                "group",
                .object(
                    properties: [
                        ("description", ParameterTypes.description),
                        ("group_type", .value(types: [.string])),
                        ("name", GroupTypeSchemas.updateName),
                        ("volume_types", .value(types: [.array])),
                        ("availability_zone", .value(types: [.string, .null])),
                    ],
                    required: ["group_type", "volume_types"],
                    additionalProperties: false
                )
            )
        ],
        required: ["group"],
        additionalProperties: false
    )

    /// `create_from_source` (the `oneOf` of the two ids is checked by the controller).
    static let createFromSource = Schema.object(
        properties: [
            (
                "create-from-src",
                .object(
                    properties: [
                        ("description", ParameterTypes.description), ("name", GroupTypeSchemas.updateName),
                        ("source_group_id", .value(types: [.string], format: "uuid")),
                        ("group_snapshot_id", .value(types: [.string], format: "uuid")),
                    ],
                    additionalProperties: false
                )
            )
        ],
        required: ["create-from-src"],
        additionalProperties: false
    )

    static let update = Schema.object(
        properties: [
            (
                "group",
                .object(
                    properties: [
                        ("description", ParameterTypes.description), ("name", GroupTypeSchemas.updateName),
                        ("add_volumes", ParameterTypes.description), ("remove_volumes", ParameterTypes.description),
                    ],
                    additionalProperties: false,
                    anyOfRequired: ["name", "description", "add_volumes", "remove_volumes"]
                )
            )
        ],
        required: ["group"],
        additionalProperties: false
    )

    static let delete = Schema.object(
        properties: [
            (
                "delete",
                .object(properties: [("delete-volumes", ParameterTypes.boolean)], additionalProperties: false)
            )
        ],
        required: ["delete"],
        additionalProperties: false
    )

    static let resetStatus = Schema.object(
        properties: [
            (
                "reset_status",
                .object(
                    properties: [("status", .value(types: [.string]))],
                    required: ["status"],
                    additionalProperties: false
                )
            )
        ],
        required: ["reset_status"],
        additionalProperties: false
    )

    /// `enable_replication`, `disable_replication`, `list_replication_targets`: an object.
    static func replication(_ action: String) -> Schema {
        .object(properties: [(action, .object(properties: []))], required: [action], additionalProperties: false)
    }

    static let failoverReplication = Schema.object(
        properties: [
            (
                "failover_replication",
                .object(
                    properties: [
                        ("allow_attached_volume", ParameterTypes.boolean),
                        ("secondary_backend_id", ParameterTypes.nullableString255),
                    ],
                    additionalProperties: false
                )
            )
        ],
        required: ["failover_replication"],
        additionalProperties: false
    )

    /// The `volume_types` array: at least one item, strings of at most 255 characters, no
    /// repeats, with jsonschema's texts.
    static func volumeTypes(_ value: JSONValue?) throws -> [String] {
        guard case .array(let items)? = value else { return [] }
        if items.isEmpty {
            throw EmberError.badRequest(
                "Invalid input for field/attribute volume_types. Value: []. [] should be non-empty"
            )
        }
        var result: [String] = []
        for (index, item) in items.enumerated() {
            let schema = Schema.object(properties: [("\(index)", .value(types: [.string], maxLength: 255))])
            if let error = schema.validate(.object(JSONObject(uniqueEntries: [("\(index)", item)]))) {
                throw EmberError.badRequest(error)
            }
            result.append(item.stringValue ?? "")
        }
        if Set(result).count != result.count {
            let text = JSONValue.array(items)
            throw EmberError.badRequest(
                "Invalid input for field/attribute volume_types. Value: \(text.pythonStr). \(text.pythonRepr) has non-unique elements"
            )
        }
        return result
    }

    /// The `group_type` format: the stripped text must have 1–255 characters.
    static func groupType(_ text: String) throws -> String {
        let stripped = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if stripped.isEmpty || stripped.count > 255 {
            throw EmberError.badRequest(
                "Invalid input for field/attribute group_type. Value: \(text). '\(text)' is not a 'group_type'"
            )
        }
        return text
    }

    /// The `availability_zone` format: empty is "can not be None", otherwise the stripped
    /// text must have 1–255 characters.
    static func availabilityZone(_ text: String?) throws -> String? {
        guard let text else { return nil }
        if text.isEmpty { throw EmberError.badRequest("The 'availability_zone' can not be None.") }
        let length = text.trimmingCharacters(in: .whitespacesAndNewlines).count
        if length < 1 {
            throw EmberError.badRequest("Invalid input received: availability_zone has 0 characters, less than 1.")
        }
        if length > 255 {
            throw EmberError.badRequest(
                "Invalid input received: availability_zone has \(length) characters, more than 255."
            )
        }
        return text
    }

    /// The `group_status` format (cinder checks it against the group snapshot statuses and
    /// prints the group statuses).
    static func status(_ text: String) throws -> GroupStatus {
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw EmberError.badRequest("Invalid Group Status: The 'status' can not be empty.")
        }
        let snapshotStatuses: Set<String> = [
            "error", "available", "creating", "deleting", "deleted", "updating", "error_deleting",
        ]
        guard snapshotStatuses.contains(text.lowercased()), let status = GroupStatus(rawValue: text.lowercased())
        else {
            let all = "(" + GroupStatus.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ") + ")"
            throw EmberError.badRequest(
                "Invalid Group Status: Group status: \(text) is invalid, valid status are: \(all)."
            )
        }
        return status
    }
}

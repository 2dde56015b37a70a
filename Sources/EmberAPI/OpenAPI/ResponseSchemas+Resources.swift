import EmberCore

/// The answers of the resources past the priority ones, field by field, as cinder 29.0.0's
/// views and controllers build them (closed where the view is a fixed dict; open where a
/// driver, a caller's body or the configuration decides the keys).
extension ResponseSchemas {
    /// A list without `with_count` (`{"<key>": [items]}`, and the next link when the page is
    /// full if the list pages).
    static func list(_ key: String, _ item: JSONValue, linksKey: String? = nil) -> JSONValue {
        object([(key, array(item))], optional: linksKey.map { [($0, ref("NextLinks"))] } ?? [])
    }

    /// An object whose keys the caller, a driver or the configuration decides; `why` says which
    /// (the document check refuses a bare `{"type": "object"}` without a description).
    static func open(_ why: String) -> JSONValue { ["type": "object", "description": .string(why)] }

    /// `{"<key>": <value>}`: one key of a map (an extra spec, an encryption field).
    static func oneKey(_ value: JSONValue) -> JSONValue {
        ["type": "object", "minProperties": 1, "maxProperties": 1, "additionalProperties": value]
    }

    // MARK: - Volume actions

    /// `os-initialize_connection`: what the driver answers (`driver_volume_type`, `data`).
    static let connectionInfo = open("The driver's connection properties (`driver_volume_type`, `data`).")

    /// `os-volume_upload_image`: the volume, its type's row (or null) and the new image.
    static let imageUpload = object(
        [
            ("id", string), ("updated_at", nullableTime), ("status", string),
            ("display_description", nullableString), ("size", integer),
            (
                "volume_type",
                orNull(
                    object([
                        ("created_at", nullableTime), ("updated_at", nullableTime), ("deleted_at", nullableTime),
                        ("deleted", boolean), ("id", string), ("name", string), ("description", nullableString),
                        ("is_public", boolean), ("projects", array(string)), ("extra_specs", stringMap),
                        ("qos_specs_id", nullableString),
                    ])
                )
            ),
            ("image_id", string), ("container_format", nullableString), ("disk_format", nullableString),
            ("image_name", nullableString),
        ],
        optional: [("protected", boolean), ("visibility", string)]
    )

    /// `schema`, an object, or null.
    static func orNull(_ schema: JSONValue) -> JSONValue {
        guard case .object(var fields) = schema else { return schema }
        fields["type"] = ["object", "null"]
        return .object(fields)
    }

    // MARK: - Group snapshots

    /// `cinder/api/v3/views/group_snapshots.py` `summary` (create; the index leaves out
    /// `group_type_id`) and `detail` (`project_id` from 3.58 for callers the policy allows).
    static let groupSnapshotSummary = object([("id", string), ("name", nullableString)])
    static let groupSnapshotCreated = object([
        ("id", string), ("name", nullableString), ("group_type_id", nullableString),
    ])
    static let groupSnapshot = object(
        [
            ("id", string), ("group_id", string), ("group_type_id", nullableString), ("status", string),
            ("created_at", nullableTime), ("name", nullableString), ("description", nullableString),
        ],
        optional: [("project_id", nullableString)]
    )

    // MARK: - Consistency groups and cgsnapshots (legacy)

    /// `cinder/api/views/consistencygroups.py` `summary` (lists, create, create_from_src) and
    /// `detail` (the volume type ids, no group type).
    static let consistencyGroupSummary = object([("id", string), ("name", nullableString)])
    static let consistencyGroup = object([
        ("id", string), ("status", string), ("availability_zone", nullableString), ("created_at", nullableTime),
        ("name", nullableString), ("description", nullableString), ("volume_types", array(string)),
    ])

    /// `cinder/api/views/cgsnapshots.py` `summary` and `detail` (the group as
    /// `consistencygroup_id`).
    static let cgsnapshotSummary = object([("id", string), ("name", nullableString)])
    static let cgsnapshot = object([
        ("id", string), ("consistencygroup_id", nullableString), ("status", string), ("created_at", nullableTime),
        ("name", nullableString), ("description", nullableString),
    ])

    // MARK: - Manage existing

    /// `cinder/api/views/manageable_volumes.py` and `manageable_snapshots.py`: a driver's
    /// reference (`{"source-name": …}`), the size in GiB, and in the detailed list why it is
    /// not safe, its owner and the driver's extra information.
    static func manageable(detailed: Bool, snapshots: Bool) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("reference", open("The driver's reference to the object (`{\"source-name\": …}`).")),
            ("size", integer), ("safe_to_manage", boolean),
        ]
        if detailed {
            fields += [
                ("reason_not_safe", nullableString), ("cinder_id", nullableString),
                ("extra_info", ["description": "Whatever the driver adds (often null)."]),
            ]
        }
        if snapshots {
            fields.append(
                (
                    "source_reference",
                    ["type": ["object", "null"], "description": "The driver's reference to the volume."]
                )
            )
        }
        return object(fields)
    }

    // MARK: - Clusters, workers, default types, messages

    /// `cinder/api/v3/views/clusters.py` `summary` (lists, and with `disabled_reason` the
    /// enable and disable answers) and `detail`; the replication fields from 3.26. An absent
    /// date is `""`.
    static func cluster(detailed: Bool, disabledReason: Bool = false) -> JSONValue {
        var required: [(String, JSONValue)] = [
            ("name", string), ("binary", string), ("state", ["enum": ["up", "down"]]),
            ("status", ["enum": ["enabled", "disabled"]]),
        ]
        var optional: [(String, JSONValue)] = [("replication_status", nullableString)]
        if detailed {
            required += [
                ("num_hosts", integer), ("num_down_hosts", integer), ("last_heartbeat", string),
                ("created_at", string), ("updated_at", string), ("disabled_reason", nullableString),
            ]
            optional += [("frozen", boolean), ("active_backend_id", nullableString)]
        }
        if disabledReason { required.append(("disabled_reason", nullableString)) }
        return object(required, optional: optional)
    }

    /// `cinder/api/v3/views/workers.py` `service_list`, for `cleaning` and `unavailable`.
    static let cleanup: JSONValue = {
        let services = array(
            object([("id", integer), ("host", string), ("binary", string), ("cluster_name", nullableString)])
        )
        return object([("cleaning", services), ("unavailable", services)])
    }()

    /// `cinder/api/v3/views/default_types.py`.
    static let defaultType = object([("project_id", string), ("volume_type_id", string)])

    /// `cinder/api/v3/views/messages.py` `detail`: `resource_type` and `resource_uuid` only
    /// when the message has them.
    static let message = object(
        [
            ("id", string), ("event_id", string), ("user_message", nullableString), ("message_level", string),
            ("created_at", nullableTime), ("guaranteed_until", nullableTime), ("request_id", nullableString),
            ("links", ref("Links")),
        ],
        optional: [("resource_type", string), ("resource_uuid", string)]
    )

    // MARK: - Encryption

    /// `volume_type_encryption` `index`: every column of the row (`{}` when the type is not
    /// encrypted).
    static let encryptionRow = object([
        ("volume_type_id", string), ("encryption_id", string), ("provider", nullableString),
        ("cipher", nullableString), ("key_size", nullableInteger),
        ("control_location", ["enum": ["front-end", "back-end", .null]]), ("created_at", nullableTime),
        ("updated_at", nullableTime), ("deleted_at", nullableTime), ("deleted", boolean),
    ])
    static let encryptionIndex: JSONValue = ["anyOf": [encryptionRow, ["type": "object", "maxProperties": 0]]]

    /// `show`: `{"<field>": value}`, one column of the row.
    static let encryptionField = oneKey(["type": ["string", "integer", "boolean", "null"]])

    /// `create` and `update` answer the body they were given (the schema lets any other key
    /// through), `key_size` made an integer; `create` adds the type's and the new row's ids.
    static func encryption(created: Bool) -> JSONValue {
        let fields: [(String, JSONValue)] = [
            ("provider", string), ("control_location", ["enum": ["front-end", "back-end"]]),
            ("cipher", nullableString), ("key_size", nullableInteger),
            // The type's and the new row's ids, unless the body gave its own (of any type).
            ("volume_type_id", ["description": "The volume type's id, or the body's own value."]),
            ("encryption_id", ["description": "The new row's id, or the body's own value."]),
        ]
        let required: Set<String> =
            created ? ["provider", "control_location", "volume_type_id", "encryption_id"] : []
        return object(
            fields.filter { required.contains($0.0) },
            optional: fields.filter { !required.contains($0.0) },
            closed: false
        )
    }

    /// `volume_encryption_metadata_get`: the volume's key id, and the type's fields when the
    /// type is encrypted.
    static let encryptionMetadata = object(
        [("encryption_key_id", nullableString)],
        optional: [
            ("control_location", ["enum": ["front-end", "back-end", .null]]), ("cipher", nullableString),
            ("key_size", nullableInteger), ("provider", nullableString),
        ]
    )

    // MARK: - QoS specs

    /// `cinder/api/views/qos_specs.py` `detail` (a spec's value may be null).
    static let qosSpecs = object([
        ("id", string), ("name", string), ("consumer", ["enum": ["front-end", "back-end", "both"]]),
        ("specs", ["type": "object", "additionalProperties": nullableString]),
    ])
    static let qosSpecsDetail = object([("qos_specs", qosSpecs), ("links", ref("Links"))])
    /// `update` answers the body it was given.
    static let qosSpecsSet = wrapped("qos_specs", ["type": "object", "additionalProperties": nullableString])
    static let qosAssociations = wrapped(
        "qos_associations",
        array(object([("association_type", ["const": "volume_type"]), ("name", string), ("id", string)]))
    )

    // MARK: - Services' operations, hosts, zones, pools, capabilities, extensions, filters

    /// `enable`, `disable` (`cinder/api/v3/services.py`) and `disable-log-reason`.
    static func serviceUpdate(reason: Bool) -> JSONValue {
        object(
            [
                ("host", string), ("service", string), ("binary", string),
                ("status", ["enum": ["enabled", "disabled"]]), ("disabled", boolean),
            ] + (reason ? [("disabled_reason", nullableString)] : [])
        )
    }

    /// `get-log`: each service's logger prefixes and their levels.
    static let logLevels = wrapped(
        "log_levels",
        array(
            object([
                ("host", string), ("binary", string),
                ("levels", ["type": "object", "additionalProperties": string]),
            ])
        )
    )

    /// `cinder/api/contrib/hosts.py` `_list_hosts`, `show` (counts as text) and `update`.
    static let hosts = wrapped(
        "hosts",
        array(
            object([
                ("host_name", string), ("service", string), ("zone", string),
                ("service-status", ["enum": ["available", "unavailable"]]),
                ("service-state", ["enum": ["enabled", "disabled"]]), ("last-update", nullableTime),
            ])
        )
    )
    static let hostResources = wrapped(
        "host",
        array(
            wrapped(
                "resource",
                object([
                    ("host", string), ("project", string), ("volume_count", string), ("total_volume_gb", string),
                    ("snapshot_count", string), ("total_snapshot_gb", string),
                ])
            )
        )
    )
    /// `{}` when the body names no setting.
    static let hostUpdate = object([], optional: [("host", string), ("status", ["enum": ["enabled", "disabled"]])])

    /// `cinder/api/views/availability_zones.py`.
    static let availabilityZones = wrapped(
        "availabilityZoneInfo",
        array(object([("zoneName", string), ("zoneState", object([("available", boolean)]))]))
    )

    /// `cinder/api/views/scheduler_stats.py`: names, or with `detail` the backends'
    /// capabilities (`storage_protocol` its preferred variant).
    static let pools = wrapped(
        "pools",
        array(
            object(
                [("name", string)],
                optional: [
                    ("capabilities", ["type": ["object", "null"], "description": "What the backend reports."])
                ]
            )
        )
    )

    /// `cinder/api/views/capabilities.py` `summary`.
    static let capabilities = object([
        ("namespace", string), ("vendor_name", nullableString), ("volume_backend_name", nullableString),
        ("pool_name", nullableString), ("driver_version", nullableString), ("storage_protocol", nullableString),
        ("display_name", nullableString), ("description", nullableString), ("visibility", nullableString),
        ("replication_targets", array([:])),
        ("properties", ["type": ["object", "null"], "description": "The backend's well-known properties."]),
    ])

    /// `cinder/api/extensions.py` `_translate`.
    static let extensionView = object([
        ("name", string), ("alias", string), ("description", string), ("updated", string),
        ("links", ["type": "array", "maxItems": 0]),
    ])

    /// `cinder/api/v3/views/resource_filters.py`.
    static let resourceFilters = wrapped(
        "resource_filters",
        array(object([("resource", string), ("filters", array(string))]))
    )
}

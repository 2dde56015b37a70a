import EmberCore

/// The response bodies of the OpenAPI document: the fields cinder 29.0.0's views return
/// (`cinder/api/v3/views/*.py`, `cinder/api/views/*.py` and the controllers' inline views),
/// as JSON Schema. A view cinder closes is closed here (`additionalProperties: false`): a
/// field Ember adds, drops or retypes without the document fails the API tests, which check
/// every answer against the document.
///
/// A field a microversion, a policy or an extension adds is a property that is not required;
/// the fields every caller gets at 3.0 are required.
enum ResponseSchemas {
    // MARK: - Building blocks

    static let string: JSONValue = ["type": "string"]
    static let nullableString: JSONValue = ["type": ["string", "null"]]
    static let integer: JSONValue = ["type": "integer"]
    static let nullableInteger: JSONValue = ["type": ["integer", "null"]]
    static let boolean: JSONValue = ["type": "boolean"]
    /// oslo's datetimes (`2024-01-01T00:00:00.000000`), or null.
    static let nullableTime: JSONValue = ["type": ["string", "null"]]
    /// A string-to-string map (metadata, extra specs).
    static let stringMap: JSONValue = ["type": "object", "additionalProperties": ["type": "string"]]

    static func ref(_ name: String) -> JSONValue { ["$ref": .string("#/components/schemas/\(name)")] }

    static func array(_ items: JSONValue) -> JSONValue { ["type": "array", "items": items] }

    /// An object with `required` fields (all of them always present) and `optional` ones.
    static func object(
        _ required: [(String, JSONValue)],
        optional: [(String, JSONValue)] = [],
        closed: Bool = true
    ) -> JSONValue {
        var schema: JSONObject = [
            "type": "object",
            "properties": .object(JSONObject(required + optional)),
        ]
        if !required.isEmpty { schema["required"] = .array(required.map { .string($0.0) }) }
        if closed { schema["additionalProperties"] = false }
        return .object(schema)
    }

    /// `{"<key>": <schema>}`.
    static func wrapped(_ key: String, _ schema: JSONValue) -> JSONValue {
        object([(key, schema)])
    }

    /// A list page: `{"<key>": [items], "<key>_links": [next], "count": n}` (`count` with
    /// `with_count` from 3.45, the links when the page is full).
    static func page(_ key: String, _ item: JSONValue, linksKey: String? = nil) -> JSONValue {
        object(
            [(key, array(item))],
            optional: [(linksKey ?? "\(key)_links", ref("NextLinks")), ("count", integer)]
        )
    }

    // MARK: - Components

    static let components: JSONValue = [
        "Fault": [
            "description": "cinder's fault: `{\"itemNotFound\": {\"code\": 404, \"message\": …}}`.",
            "type": "object",
            "minProperties": 1,
            "maxProperties": 1,
            "additionalProperties": object(
                [("code", integer), ("message", string)],
                optional: [("retryAfter", string)]
            ),
        ],
        "WebObError": object([("message", string), ("code", string), ("title", string)]),
        "KeystoneError": object([("error", object([("code", integer), ("title", string), ("message", string)]))]),
        "Links": array(object([("rel", string), ("href", string)])),
        "NextLinks": array(object([("rel", ["const": "next"]), ("href", string)])),
        "Versions": object([("versions", array(version))]),
        "Volume": volume,
        "VolumeSummary": object([("id", string), ("name", nullableString), ("links", ref("Links"))]),
        "Snapshot": snapshot,
        "Backup": backup,
        "BackupSummary": object([("id", string), ("name", nullableString), ("links", ref("Links"))]),
        "Attachment": attachment,
        "AttachmentSummary": attachmentSummary,
        "VolumeType": volumeType,
        "Service": service,
    ]

    static let version = object(
        [
            ("id", string), ("status", string), ("version", string), ("min_version", string), ("updated", string),
            ("links", array(object([("rel", string), ("href", string)], optional: [("type", string)]))),
            ("media-types", array(object([("base", string), ("type", string)]))),
        ]
    )

    /// `cinder/api/v3/views/volumes.py` `detail`, with the attribute extensions' fields.
    static let volume = object(volumeFields, optional: volumeOptionalFields)

    /// `cinder/api/views/volumes.py` `detail` (the manage answer): the 3.0 fields, and
    /// `migration_status` for admins.
    static let legacyVolume = object(volumeFields, optional: [("migration_status", nullableString)])

    /// The fields of every volume view at 3.0.
    static let volumeFields: [(String, JSONValue)] = [
        ("id", string), ("status", string), ("size", integer), ("availability_zone", nullableString),
        ("created_at", nullableTime), ("updated_at", nullableTime), ("name", nullableString),
        ("description", nullableString), ("volume_type", nullableString), ("snapshot_id", nullableString),
        ("source_volid", nullableString), ("metadata", stringMap), ("links", ref("Links")),
        ("user_id", nullableString), ("bootable", ["enum": ["true", "false"]]), ("encrypted", boolean),
        ("replication_status", nullableString), ("consistencygroup_id", nullableString),
        ("multiattach", boolean),
        (
            "attachments",
            array(
                object([
                    ("id", string), ("attachment_id", string), ("volume_id", string),
                    ("server_id", nullableString), ("host_name", nullableString), ("device", nullableString),
                    ("attached_at", nullableTime),
                ])
            )
        ),
    ]

    static let volumeOptionalFields: [(String, JSONValue)] = [
        ("migration_status", nullableString), ("group_id", nullableString), ("provider_id", nullableString),
        ("shared_targets", ["type": ["boolean", "null"]]), ("service_uuid", nullableString),
        ("cluster_name", nullableString), ("volume_type_id", string), ("encryption_key_id", string),
        ("consumes_quota", boolean), ("os-vol-host-attr:host", nullableString),
        ("os-vol-mig-status-attr:migstat", nullableString), ("os-vol-mig-status-attr:name_id", nullableString),
        ("os-vol-tenant-attr:tenant_id", nullableString), ("volume_image_metadata", stringMap),
    ]

    /// `cinder/api/v3/views/snapshots.py` `detail` (the summary is the same without the
    /// versioned fields), with `os-extended-snapshot-attributes`.
    static let snapshot = object(
        snapshotFields,
        optional: [
            ("group_snapshot_id", nullableString), ("user_id", nullableString), ("consumes_quota", boolean),
            ("os-extended-snapshot-attributes:project_id", nullableString),
            ("os-extended-snapshot-attributes:progress", nullableString),
        ]
    )

    /// The fields of every snapshot view; alone, `cinder/api/views/snapshots.py` `detail` (the
    /// manage answer).
    static let snapshotFields: [(String, JSONValue)] = [
        ("id", string), ("created_at", nullableTime), ("updated_at", nullableTime), ("name", nullableString),
        ("description", nullableString), ("volume_id", string), ("status", string),
        ("size", nullableInteger), ("metadata", stringMap),
    ]
    static let snapshotBase = object(snapshotFields)

    /// `cinder/api/v3/views/backups.py` `detail`.
    static let backup = object(
        [
            ("id", string), ("status", string), ("size", nullableInteger), ("object_count", nullableInteger),
            ("availability_zone", nullableString), ("container", nullableString), ("created_at", nullableTime),
            ("updated_at", nullableTime), ("name", nullableString), ("description", nullableString),
            ("fail_reason", nullableString), ("volume_id", string), ("links", ref("Links")),
            ("is_incremental", boolean), ("has_dependent_backups", boolean), ("snapshot_id", nullableString),
            ("data_timestamp", nullableTime),
        ],
        optional: [
            ("metadata", stringMap), ("encryption_key_id", string),
            ("os-backup-project-attr:project_id", nullableString), ("user_id", nullableString),
        ]
    )

    static let attachmentSummary = object([
        ("id", string), ("status", string), ("instance", nullableString), ("volume_id", string),
    ])

    /// `cinder/api/v3/views/attachments.py` `detail`.
    static let attachment = object([
        ("id", string), ("status", string), ("instance", nullableString), ("volume_id", string),
        ("attached_at", string), ("detached_at", string), ("attach_mode", nullableString),
        (
            "connection_info",
            ["type": ["object", "null"], "description": "The driver's connection properties (null until connected)."]
        ),
    ])

    /// `cinder/api/v3/views/types.py`, with the extra specs, QoS and access extensions.
    static let volumeType = object(
        [("id", string), ("name", string), ("is_public", boolean), ("description", nullableString)],
        optional: [
            ("extra_specs", stringMap), ("qos_specs_id", nullableString),
            ("os-volume-type-access:is_public", boolean),
        ]
    )

    /// `cinder/api/v3/views/group_types.py`; `group_specs` for callers
    /// `group:access_group_types_specs` allows (a spec may be null).
    static let groupType = object(
        [("id", string), ("name", string), ("description", nullableString), ("is_public", boolean)],
        optional: [("group_specs", ["type": "object", "additionalProperties": nullableString])]
    )

    /// `cinder/api/v3/views/groups.py` `summary` (lists, create) and `detail`.
    static let groupSummary = object([("id", string), ("name", nullableString)])
    static let group = object(
        [
            ("id", string), ("status", string), ("availability_zone", nullableString), ("created_at", nullableTime),
            ("name", nullableString), ("description", nullableString), ("group_type", string),
            ("volume_types", array(string)),
        ],
        optional: [
            ("group_snapshot_id", nullableString), ("source_group_id", nullableString), ("volumes", array(string)),
            ("replication_status", nullableString), ("project_id", nullableString),
        ]
    )

    /// `cinder/api/views/transfers.py` `summary` (lists, accept) and `detail` (show, create
    /// with the `auth_key` shown once; 3.55 and 3.57 fields).
    static let transferSummary = object([
        ("id", string), ("volume_id", string), ("name", nullableString), ("links", ref("Links")),
    ])
    static let transfer = object(
        [
            ("id", string), ("created_at", nullableTime), ("name", nullableString), ("volume_id", string),
            ("links", ref("Links")),
        ],
        optional: [
            ("auth_key", string), ("no_snapshots", boolean), ("destination_project_id", nullableString),
            ("source_project_id", nullableString), ("accepted", boolean),
        ]
    )

    /// `cinder/api/contrib/services.py` `index` entries.
    static let service = object(
        [
            ("binary", string), ("host", string), ("zone", string), ("status", ["enum": ["enabled", "disabled"]]),
            ("state", ["enum": ["up", "down"]]), ("updated_at", nullableTime),
        ],
        optional: [
            ("backend_state", ["enum": ["up", .null]]), ("cluster", nullableString),
            ("disabled_reason", nullableString), ("replication_status", nullableString),
            ("active_backend_id", nullableString), ("frozen", boolean),
        ]
    )

    /// `os-quota-sets`: every resource's limit (an integer), or with `usage=True` its
    /// `{limit, in_use, reserved}`; `id` is the project (absent from the update answer).
    static let quotaSet: JSONValue = [
        "type": "object",
        "properties": ["id": string],
        "additionalProperties": [
            "oneOf": [
                integer,
                object([("limit", integer), ("in_use", integer), ("reserved", integer)]),
            ]
        ],
    ]

    /// `GET /limits`: `rate` is always empty; `absolute` has the limits and, with
    /// `os-used-limits`, the usage.
    static let limits = wrapped(
        "limits",
        object([
            ("rate", ["type": "array", "maxItems": 0]),
            (
                "absolute",
                object(
                    [
                        ("maxTotalVolumes", integer), ("maxTotalSnapshots", integer),
                        ("maxTotalVolumeGigabytes", integer), ("maxTotalBackups", integer),
                        ("maxTotalBackupGigabytes", integer),
                    ],
                    optional: [
                        ("totalVolumesUsed", integer), ("totalGigabytesUsed", integer),
                        ("totalSnapshotsUsed", integer), ("totalBackupsUsed", integer),
                        ("totalBackupGigabytesUsed", integer),
                    ]
                )
            ),
        ])
    )

    // MARK: - Faults

    /// The faults every operation may answer, as cinder's `Fault` renders them (webob's own
    /// pages for the size-limit refusal, keystonemiddleware's `{"error": …}` for a missing or
    /// invalid token).
    static let faultResponses: JSONObject = {
        var responses = JSONObject()
        for status in [400, 401, 403, 404, 406, 409, 413, 415, 500, 503] {
            responses[String(status)] = ["$ref": .string("#/components/responses/Fault\(status)")]
        }
        return responses
    }()

    /// With `auth_strategy = noauth`, a request without `X-Auth-Token` is answered 204 with the
    /// token to use (cinder's `NoAuthMiddleware`), whatever the route.
    static let noAuthWithoutToken: JSONValue = [
        "description": "noauth: no X-Auth-Token was sent; the answer's X-Auth-Token is the one to use.",
        "headers": [
            "X-Auth-Token": ["schema": ["type": "string"]],
            "X-Server-Management-Url": ["schema": ["type": "string"]],
        ],
    ]

    /// `components/responses`: the faults ``faultResponses`` refers to.
    static let faultComponents: JSONValue = {
        let fault: JSONValue = ["application/json": ["schema": ref("Fault")]]
        let webOb: JSONValue = [
            "application/json": ["schema": ["anyOf": [ref("Fault"), ref("WebObError"), ref("KeystoneError")]]],
            "text/plain": ["schema": string], "text/html": ["schema": string],
        ]
        var responses = JSONObject()
        for status in [400, 401, 403, 404, 406, 409, 413, 415, 500, 503] {
            responses["Fault\(status)"] = [
                "description": .string(reason(String(status))),
                "content": [401, 413].contains(status) ? webOb : fault,
            ]
        }
        return .object(responses)
    }()

    static func reason(_ status: String) -> String {
        switch status {
        case "200": "OK"
        case "201": "Created"
        case "202": "Accepted"
        case "204": "No Content"
        case "300": "Multiple Choices"
        case "400": "Bad Request (badRequest)"
        case "401": "Unauthorized"
        case "403": "Forbidden (forbidden)"
        case "404": "Not Found (itemNotFound)"
        case "406": "Not Acceptable: an unsupported microversion"
        case "409": "Conflict"
        case "413": "Request Entity Too Large (overLimit, or the size limit)"
        case "415": "Unsupported Media Type (badMediaType)"
        case "500": "Internal Server Error (computeFault)"
        case "503": "Service Unavailable"
        default: "Status \(status)"
        }
    }
}

import EmberCore

/// A query parameter of an operation.
struct QueryParameter: Sendable {
    var name: String
    var schema: JSONValue
    var description: String

    init(_ name: String, _ schema: JSONValue = ["type": "string"], _ description: String) {
        self.name = name
        self.schema = schema
        self.description = description
    }

    var jsonValue: JSONValue {
        [
            "name": .string(name), "in": "query", "required": false, "schema": schema,
            "description": .string(description),
        ]
    }
}

/// What the OpenAPI document says of one controller method or action beyond its route and
/// microversions: the success status, the request body's schema (the same ``Schema`` the
/// controller validates with), the query parameters and the response body.
struct OperationSpec: Sendable {
    /// The success status; nil: not described yet (200, 201, 202 and 204 are listed).
    var status: Int?
    /// The body schema at a microversion: the controller's own ``Schema``.
    var request: (@Sendable (APIVersionRequest) -> Schema)?
    /// A body the controller reads without a ``Schema`` (checked by hand): any object.
    var acceptsAnyBody = false
    /// The success body; nil: none (or, with `status` nil, not described yet).
    var response: JSONValue?
    var query: [QueryParameter] = []
    /// Other statuses the method answers on success (`412` for a stale ETag at 3.15).
    var otherStatuses: [Int] = []
    /// The answer may also come as a bare webob response labelled `text/html` (the JSON text
    /// of the 3.15 ETag answers, an encryption metadata value).
    var bareWebOb = false

    static let undescribed = OperationSpec(status: nil, acceptsAnyBody: true)

    /// Whether the body is `{"<name>": …}`, as an action's (a group's `delete`).
    func isKeyedAction(_ name: String) -> Bool {
        guard case .array(let required)? = request?(.maximum).jsonSchema["required"] else { return false }
        return required.contains(.string(name))
    }

    /// The body schema over `range`: the latest version's, and when it changes with the
    /// microversion every form with its range (`x-openstack-request-schemas`).
    func requestSchemas(range: ClosedRange<APIVersionRequest>) -> (primary: JSONValue, variants: JSONValue?)? {
        guard let request else { return nil }
        var forms: [(min: APIVersionRequest, max: APIVersionRequest, schema: JSONValue)] = []
        var minor = range.lowerBound.minor
        while minor <= range.upperBound.minor {
            let version = APIVersionRequest(major: 3, minor: minor)
            let schema = request(version).jsonSchema
            if let last = forms.last, last.schema == schema {
                forms[forms.count - 1].max = version
            } else {
                forms.append((version, version, schema))
            }
            minor += 1
        }
        guard let latest = forms.last else { return nil }
        guard forms.count > 1 else { return (latest.schema, nil) }
        let variants = JSONValue.array(
            forms.map {
                ["min": .string($0.min.description), "max": .string($0.max.description), "schema": $0.schema]
            }
        )
        return (latest.schema, variants)
    }

    /// The success responses of the operation.
    func successResponses() -> JSONObject {
        guard let status else {
            var responses = JSONObject()
            for code in ["200", "201", "202", "204"] {
                responses[code] = ["description": .string(ResponseSchemas.reason(code) + " (not described yet)")]
            }
            return responses
        }
        var response: JSONObject = ["description": .string(ResponseSchemas.reason(String(status)))]
        if let body = self.response {
            var content: JSONObject = ["application/json": ["schema": body]]
            if bareWebOb { content["text/html"] = ["schema": ["type": "string"]] }
            response["content"] = .object(content)
        }
        var responses: JSONObject = [String(status): .object(response)]
        for other in otherStatuses {
            responses[String(other)] = ["description": .string(ResponseSchemas.reason(String(other)))]
        }
        return responses
    }
}

/// The operations the OpenAPI document describes, by the router's controller name and the
/// method or action name (`volumes` + `create`, `volumes` + `os-extend`). Routes come from the
/// router; an operation missing here is still listed, with its body and answer marked
/// undescribed (`OpenAPIDocumentTests` lists them).
enum OperationCatalog {
    static func spec(controller: String, action: String) -> OperationSpec {
        table["\(controller)#\(action)"] ?? .undescribed
    }

    typealias R = ResponseSchemas

    // MARK: - Query parameters

    static let paging: [QueryParameter] = [
        QueryParameter("limit", ["type": "string", "pattern": "^[0-9]+$"], "The largest number of items to return."),
        QueryParameter("marker", ["type": "string"], "The id of the last item of the previous page."),
        QueryParameter("offset", ["type": "string", "pattern": "^[0-9]+$"], "Items to skip."),
        QueryParameter("sort", ["type": "string"], "key[:asc|desc][,key…] (or sort_key and sort_dir)."),
        QueryParameter("sort_key", ["type": "string"], "Deprecated: the sort key."),
        QueryParameter("sort_dir", ["type": "string", "enum": ["asc", "desc"]], "Deprecated: the sort direction."),
    ]

    static let allTenants = QueryParameter("all_tenants", ["type": "string"], "Admins: list every project's.")
    static let withCount = QueryParameter("with_count", ["type": "string"], "3.45: add the total `count`.")

    /// A list's paging, `all_tenants`, `with_count` and the resource's filters.
    static func listQuery(_ filters: Set<String>, allTenants: Bool = true) -> [QueryParameter] {
        paging + (allTenants ? [Self.allTenants, withCount] : [withCount])
            + filters.sorted().map {
                QueryParameter($0, ["type": "string"], "Filter (3.34: `\($0)~` matches inexactly).")
            }
    }

    static let volumeList = listQuery(VolumesController.adminFilters)
    static let snapshotList = listQuery(SnapshotsController.adminFilters)
    static let backupList = listQuery(BackupsController.adminFilters)
    static let attachmentList = listQuery(["volume_id", "status", "instance_id", "attach_status"])

    // MARK: - The table

    static let table: [String: OperationSpec] = {
        var table: [String: OperationSpec] = [:]
        func add(_ controller: String, _ action: String, _ spec: OperationSpec) {
            table["\(controller)#\(action)"] = spec
        }
        let volume = R.wrapped("volume", R.ref("Volume"))
        // Volumes.
        add(
            "volumes",
            "index",
            OperationSpec(status: 200, response: R.page("volumes", R.ref("VolumeSummary")), query: volumeList)
        )
        add(
            "volumes",
            "detail",
            OperationSpec(status: 200, response: R.page("volumes", R.ref("Volume")), query: volumeList)
        )
        add("volumes", "show", OperationSpec(status: 200, response: volume))
        add(
            "volumes",
            "create",
            OperationSpec(status: 202, request: { VolumeSchemas.create(version: $0) }, response: volume)
        )
        add(
            "volumes",
            "update",
            OperationSpec(status: 200, request: { VolumeSchemas.update(version: $0) }, response: volume)
        )
        add(
            "volumes",
            "delete",
            OperationSpec(
                status: 202,
                query: [
                    QueryParameter("cascade", ["type": "string"], "Delete the volume's snapshots too."),
                    QueryParameter("force", ["type": "string"], "3.23: delete whatever the status."),
                ]
            )
        )
        add(
            "volumes",
            "summary",
            OperationSpec(
                status: 200,
                response: R.wrapped(
                    "volume-summary",
                    R.object(
                        [("total_size", R.integer), ("total_count", R.integer)],
                        optional: [("metadata", ["type": "object", "additionalProperties": R.array(R.string)])]
                    )
                ),
                query: [allTenants]
            )
        )
        // Volume actions (`os-volume-actions`, admin actions, image metadata, unmanage).
        let accepted = OperationSpec(status: 202)
        for (name, schema) in [
            ("os-attach", VolumeActionSchemas.attach), ("os-detach", VolumeActionSchemas.detach),
            ("os-reserve", VolumeActionSchemas.reserve), ("os-unreserve", VolumeActionSchemas.unreserve),
            ("os-begin_detaching", VolumeActionSchemas.beginDetaching),
            ("os-roll_detaching", VolumeActionSchemas.rollDetaching),
            ("os-terminate_connection", VolumeActionSchemas.terminateConnection),
            ("os-extend", VolumeActionSchemas.extend), ("os-retype", VolumeActionSchemas.retype),
            ("os-reimage", VolumeActionSchemas.reimage), ("revert", VolumeActionSchemas.revert),
        ] {
            var spec = accepted
            spec.request = { _ in schema }
            add("volumes", name, spec)
        }
        add("volumes", "os-set_bootable", OperationSpec(status: 200, request: { _ in VolumeActionSchemas.setBootable }))
        add(
            "volumes",
            "os-update_readonly_flag",
            OperationSpec(status: 202, request: { _ in VolumeActionSchemas.readonlyUpdate })
        )
        add(
            "volumes",
            "os-initialize_connection",
            OperationSpec(
                status: 200,
                request: { _ in VolumeActionSchemas.initializeConnection },
                response: R.wrapped("connection_info", R.connectionInfo)
            )
        )
        add(
            "volumes",
            "os-volume_upload_image",
            OperationSpec(
                status: 202,
                request: { VolumeActionSchemas.uploadImage(version: $0) },
                response: R.wrapped("os-volume_upload_image", R.imageUpload)
            )
        )
        for name in ["os-reset_status", "os-force_delete", "os-force_detach", "os-migrate_volume"] {
            add("volumes", name, OperationSpec(status: 202, acceptsAnyBody: true))
        }
        add(
            "volumes",
            "os-migrate_volume_completion",
            OperationSpec(status: 200, acceptsAnyBody: true, response: R.wrapped("save_volume_id", R.string))
        )
        add(
            "volumes",
            "os-show_image_metadata",
            OperationSpec(status: 200, acceptsAnyBody: true, response: R.wrapped("metadata", R.stringMap))
        )
        add(
            "volumes",
            "os-set_image_metadata",
            OperationSpec(status: 200, acceptsAnyBody: true, response: R.wrapped("metadata", R.stringMap))
        )
        add("volumes", "os-unset_image_metadata", OperationSpec(status: 200, acceptsAnyBody: true))

        // Volume and snapshot metadata.
        for controller in ["volume_metadata", "snapshot_metadata"] {
            let isVolume = controller == "volume_metadata"
            let metadata = isVolume ? VolumeSchemas.metadata : SnapshotSchemas.metadata
            let item = isVolume ? VolumeSchemas.metadataItem : SnapshotSchemas.metadataItem
            let map = R.wrapped("metadata", R.stringMap)
            // Volume metadata's 3.15 ETag answers are bare webob responses (`text/html`).
            var index = OperationSpec(status: 200, response: map, otherStatuses: isVolume ? [304] : [])
            index.bareWebOb = isVolume
            add(controller, "index", index)
            add(controller, "create", OperationSpec(status: 200, request: { _ in metadata }, response: map))
            var updateAll = OperationSpec(
                status: 200,
                request: { _ in metadata },
                response: map,
                otherStatuses: isVolume ? [412] : []
            )
            updateAll.bareWebOb = isVolume
            add(controller, "update_all", updateAll)
            add(controller, "show", OperationSpec(status: 200, response: R.wrapped("meta", R.stringMap)))
            add(
                controller,
                "update",
                OperationSpec(status: 200, request: { _ in item }, response: R.wrapped("meta", R.stringMap))
            )
            add(controller, "delete", OperationSpec(status: 200))
        }

        // Snapshots.
        let snapshot = R.wrapped("snapshot", R.ref("Snapshot"))
        add(
            "snapshots",
            "index",
            OperationSpec(status: 200, response: R.page("snapshots", R.ref("Snapshot")), query: snapshotList)
        )
        add(
            "snapshots",
            "detail",
            OperationSpec(status: 200, response: R.page("snapshots", R.ref("Snapshot")), query: snapshotList)
        )
        add("snapshots", "show", OperationSpec(status: 200, response: snapshot))
        add(
            "snapshots",
            "create",
            OperationSpec(status: 202, request: { _ in SnapshotSchemas.create }, response: snapshot)
        )
        add(
            "snapshots",
            "update",
            OperationSpec(status: 200, request: { _ in SnapshotSchemas.update }, response: snapshot)
        )
        add("snapshots", "delete", OperationSpec(status: 202))
        for name in ["os-reset_status", "os-force_delete", "os-update_snapshot_status"] {
            add("snapshots", name, OperationSpec(status: 202, acceptsAnyBody: true))
        }

        // Backups.
        let backupSummary = R.wrapped("backup", R.ref("BackupSummary"))
        add(
            "backups",
            "index",
            OperationSpec(status: 200, response: R.page("backups", R.ref("BackupSummary")), query: backupList)
        )
        add(
            "backups",
            "detail",
            OperationSpec(status: 200, response: R.page("backups", R.ref("Backup")), query: backupList)
        )
        add("backups", "show", OperationSpec(status: 200, response: R.wrapped("backup", R.ref("Backup"))))
        add(
            "backups",
            "create",
            OperationSpec(status: 202, request: { BackupSchemas.create(version: $0) }, response: backupSummary)
        )
        add(
            "backups",
            "update",
            OperationSpec(status: 200, request: { BackupSchemas.update(version: $0) }, response: backupSummary)
        )
        add("backups", "delete", OperationSpec(status: 202))
        add(
            "backups",
            "restore",
            OperationSpec(
                status: 202,
                request: { _ in BackupSchemas.restore },
                response: R.wrapped(
                    "restore",
                    R.object([("backup_id", R.string), ("volume_id", R.string), ("volume_name", R.nullableString)])
                )
            )
        )
        add(
            "backups",
            "export_record",
            OperationSpec(
                status: 200,
                response: R.wrapped(
                    "backup-record",
                    R.object([("backup_service", R.nullableString), ("backup_url", R.nullableString)])
                )
            )
        )
        add(
            "backups",
            "import_record",
            OperationSpec(status: 201, request: { _ in BackupSchemas.importRecord }, response: backupSummary)
        )
        add("backups", "os-reset_status", OperationSpec(status: 202, request: { _ in BackupSchemas.resetStatus }))
        add("backups", "os-force_delete", OperationSpec(status: 202, request: { _ in BackupSchemas.forceDelete }))

        // Attachments (3.27).
        let attachment = R.wrapped("attachment", R.ref("Attachment"))
        add(
            "attachments",
            "index",
            OperationSpec(
                status: 200,
                response: R.page("attachments", R.ref("AttachmentSummary")),
                query: attachmentList
            )
        )
        add(
            "attachments",
            "detail",
            OperationSpec(status: 200, response: R.page("attachments", R.ref("Attachment")), query: attachmentList)
        )
        add("attachments", "show", OperationSpec(status: 200, response: attachment))
        add(
            "attachments",
            "create",
            OperationSpec(
                status: 200,
                request: { AttachmentSchemas.create(version: $0) },
                response: attachment
            )
        )
        add(
            "attachments",
            "update",
            OperationSpec(status: 200, request: { _ in AttachmentSchemas.update }, response: attachment)
        )
        add(
            "attachments",
            "delete",
            OperationSpec(status: 200, response: R.page("attachments", R.ref("AttachmentSummary")))
        )
        add("attachments", "os-complete", OperationSpec(status: 204, request: { _ in AttachmentSchemas.complete }))

        // Volume types, their extra specs and access.
        let type = R.wrapped("volume_type", R.ref("VolumeType"))
        add(
            "types",
            "index",
            OperationSpec(
                status: 200,
                response: R.page("volume_types", R.ref("VolumeType"), linksKey: "volume_type_links"),
                query: paging + [QueryParameter("is_public", ["type": "string"], "Admins: true, false or none.")]
                    + TypesController.adminFilters.sorted().filter { $0 != "is_public" }.map {
                        QueryParameter($0, ["type": "string"], "Filter.")
                    }
            )
        )
        add("types", "show", OperationSpec(status: 200, response: type))
        add("types", "create", OperationSpec(status: 200, request: { _ in TypeSchemas.create }, response: type))
        add("types", "update", OperationSpec(status: 200, request: { _ in TypeSchemas.update }, response: type))
        add("types", "delete", OperationSpec(status: 202))
        add(
            "types",
            "addProjectAccess",
            OperationSpec(status: 202, request: { _ in TypeSchemas.projectAccess("addProjectAccess") })
        )
        add(
            "types",
            "removeProjectAccess",
            OperationSpec(status: 202, request: { _ in TypeSchemas.projectAccess("removeProjectAccess") })
        )
        add("types_extra_specs", "index", OperationSpec(status: 200, response: R.wrapped("extra_specs", R.stringMap)))
        add(
            "types_extra_specs",
            "show",
            OperationSpec(
                status: 200,
                response: ["type": "object", "maxProperties": 1, "additionalProperties": R.string]
            )
        )
        add(
            "types_extra_specs",
            "create",
            OperationSpec(
                status: 200,
                request: { _ in TypeSchemas.extraSpecsCreate },
                response: R.wrapped("extra_specs", R.stringMap)
            )
        )
        add(
            "types_extra_specs",
            "update",
            OperationSpec(
                status: 200,
                request: { _ in TypeSchemas.extraSpecsUpdate },
                response: ["type": "object", "maxProperties": 1, "additionalProperties": R.string]
            )
        )
        add("types_extra_specs", "delete", OperationSpec(status: 202))
        add(
            "volume_type_access",
            "index",
            OperationSpec(
                status: 200,
                response: R.wrapped(
                    "volume_type_access",
                    R.array(R.object([("volume_type_id", R.string), ("project_id", R.string)]))
                )
            )
        )

        // Quotas and limits.
        add(
            "quota_sets",
            "show",
            OperationSpec(
                status: 200,
                response: R.wrapped("quota_set", R.quotaSet),
                query: [QueryParameter("usage", ["type": "string"], "Show each resource's limit, in_use and reserved.")]
            )
        )
        add("quota_sets", "defaults", OperationSpec(status: 200, response: R.wrapped("quota_set", R.quotaSet)))
        add(
            "quota_sets",
            "update",
            OperationSpec(status: 200, acceptsAnyBody: true, response: R.wrapped("quota_set", R.quotaSet))
        )
        add("quota_sets", "delete", OperationSpec(status: 200))
        add("quota_class_sets", "show", OperationSpec(status: 200, response: R.wrapped("quota_class_set", R.quotaSet)))
        add(
            "quota_class_sets",
            "update",
            OperationSpec(status: 200, acceptsAnyBody: true, response: R.wrapped("quota_class_set", R.quotaSet))
        )
        add(
            "limits",
            "index",
            OperationSpec(
                status: 200,
                response: R.limits,
                query: [
                    QueryParameter("project_id", ["type": "string"], "3.39, admins: another project's limits."),
                    QueryParameter("tenant_id", ["type": "string"], "3.39, admins: as project_id."),
                ]
            )
        )

        // Services.
        add(
            "services",
            "index",
            OperationSpec(
                status: 200,
                response: R.wrapped("services", R.array(R.ref("Service"))),
                query: [
                    QueryParameter("host", ["type": "string"], "Only this host's services."),
                    QueryParameter("binary", ["type": "string"], "Only this binary's services."),
                ]
            )
        )
        addResources(add)
        return table
    }()
}

import EmberCore
import EmberVolume
import EmberWSGI

/// `cinder/api/v3/snapshots.py`: the `/snapshots` resource.
struct SnapshotsController {
    let api: VolumeAPI
    var flavor: APIFlavor = .v3
    var extensions: ExtensionSet = .standard

    /// Every filter an admin may use (the resource's columns and filters). Non-admins may use
    /// what `resource_query_filters_file` configures for `snapshot`.
    static let adminFilters: Set<String> = [
        "name", "status", "volume_id", "metadata", "availability_zone", "consumes_quota",
        "id", "description", "project_id", "user_id", "volume_type_id", "group_snapshot_id", "progress",
        "volume_size", "provider_id", "encryption_key_id",
    ]

    /// `SNAPSHOT_IN_USE_FLAG_MSG`: `force=false` from 3.66.
    static let forceFlagMessage =
        "Since microversion 3.66 the 'force' flag is invalid for this request.  For backward compatability, however, when the 'force' flag is passed with a value evaluating to True, it is silently ignored."

    /// The 2013 v1 snapshot view: `display_name` / `display_description`, no links.
    func legacy(_ response: APIResponse) -> APIResponse {
        guard flavor == .v1, case .object(var body)? = response.body else { return response }
        func rename(_ value: JSONValue) -> JSONValue {
            guard case .object(let fields) = value else { return value }
            var renamed = JSONObject()
            for (key, field) in fields.entries where key != "links" {
                switch key {
                case "name": renamed["display_name"] = field
                case "description": renamed["display_description"] = field
                default: renamed[key] = field
                }
            }
            return .object(renamed)
        }
        if let snapshot = body["snapshot"] { body["snapshot"] = rename(snapshot) }
        if case .array(let snapshots)? = body["snapshots"] { body["snapshots"] = .array(snapshots.map(rename)) }
        body["snapshots_links"] = nil
        var legacy = response
        legacy.body = .object(body)
        return legacy
    }

    func controller() -> APIController {
        var controller = APIController(name: "snapshots")
        controller.method("index") { request in legacy(try await list(request, detailed: false)) }
        controller.method("detail") { request in legacy(try await list(request, detailed: true)) }
        controller.method("show") { request in
            let snapshot = try await request.authorizedSnapshot(
                try request.id(),
                api: api,
                action: .volumeGetSnapshot
            )
            return legacy(
                APIResponse(body: [
                    "snapshot": SnapshotViewBuilder.detail(snapshot, request: request, extended: extendedAttributes)
                ])
            )
        }
        controller.method("create") { request in legacy(try await create(request)) }
        controller.method("update") { request in legacy(try await update(request)) }
        controller.method("delete") { request in
            _ = try await request.authorizedSnapshot(try request.id(), api: api, action: .volumeDeleteSnapshot)
            try await api.snapshots.delete(
                id: try request.id(),
                caller: request.identity,
                requestID: request.context.requestID
            )
            return .accepted
        }
        return controller
    }

    func list(_ request: APIRequest, detailed: Bool) async throws -> APIResponse {
        try request.authorize(.volumeGetAllSnapshots)
        let parameters = try ListParameters.parse(
            request,
            scope: api.scope(for: request.identity, allTenants: request.allTenants),
            maxLimit: api.configuration.maxLimit,
            resource: "snapshot",
            filters: api.configuration.resourceFilters,
            knownFilters: Self.adminFilters
        )
        let page = try await api.snapshots.list(parameters.query)
        let items: [JSONValue] = page.items.map {
            detailed
                ? SnapshotViewBuilder.detail($0, request: request, extended: extendedAttributes)
                : .object(SnapshotViewBuilder.summary($0))
        }
        return parameters.response(
            "snapshots",
            items: items,
            lastID: page.items.last?.id,
            count: page.count,
            request: request,
            detailed: detailed
        )
    }

    func create(_ request: APIRequest) async throws -> APIResponse {
        let body = request.body ?? .null
        if let error = SnapshotSchemas.create.validate(body) { throw EmberError.badRequest(error) }
        let snapshot = body["snapshot"]?.objectValue ?? JSONObject()
        let volumeID = snapshot["volume_id"]?.stringValue
        // cinder reads the volume first (404), then looks at `force`.
        _ = try await request.authorizedVolume(volumeID ?? "None", api: api, action: .volumeCreateSnapshot)
        var force = false
        if let flag = snapshot["force"] {
            force = ParameterTypes.bool(flag) ?? false
            if request.supports("3.66") && !force { throw EmberError.badRequest(Self.forceFlagMessage) }
        }
        func cleaned(_ key: String) -> String? {
            snapshot[key]?.stringValue?.trimmingWhitespace()
        }
        var metadata: [String: String] = [:]
        for entry in snapshot["metadata"]?.objectValue?.entries ?? [] { metadata[entry.key] = entry.value.stringValue }
        let created = try await api.snapshots.create(
            SnapshotCreateRequest(
                volumeID: volumeID,
                name: snapshot["name"] != nil ? cleaned("name") : cleaned("display_name"),
                description: cleaned("description"),
                metadata: metadata,
                force: force,
                allowInUse: request.supports("3.66")
            ),
            caller: request.identity,
            requestID: request.context.requestID
        )
        // The 2013 v1 controller had no @wsgi.response(202): its creates answered 200.
        return APIResponse(
            status: flavor == .v1 ? .ok : .accepted,
            body: ["snapshot": SnapshotViewBuilder.detail(created, request: request)]
        )
    }

    func update(_ request: APIRequest) async throws -> APIResponse {
        let body = request.body ?? .null
        if let error = SnapshotSchemas.update.validate(body) { throw EmberError.badRequest(error) }
        _ = try await request.authorizedSnapshot(try request.id(), api: api, action: .volumeUpdateSnapshot)
        let snapshot = body["snapshot"]?.objectValue ?? JSONObject()
        /// `name` wins over `display_name` and `description` over `display_description`, as
        /// cinder pops the short names over the long ones.
        func field(_ short: String, _ long: String) -> String?? {
            for name in [short, long] {
                if let value = snapshot[name] { return .some(value.stringValue?.trimmingWhitespace()) }
            }
            return nil
        }
        let updated = try await api.snapshots.update(
            id: try request.id(),
            name: field("name", "display_name"),
            description: field("description", "display_description"),
            caller: request.identity
        )
        return APIResponse(body: ["snapshot": SnapshotViewBuilder.detail(updated, request: request)])
    }

    /// `os-extended-snapshot-attributes` adds its fields on show and detail.
    var extendedAttributes: Bool { extensions.isLoaded("os-extended-snapshot-attributes") }
}

import EmberCore
import EmberVolume
import EmberWSGI

/// `cinder/api/contrib/qos_specs_manage.py` (the `qos-specs` extension): QoS specs and their
/// association with volume types, every call admin-only by cinder's default policies. The
/// member actions `associations`, `associate`, `disassociate` and `disassociate_all` are
/// GETs (the three changes included, as in cinder), `delete_keys` a PUT.
struct QoSSpecsController {
    let api: VolumeAPI

    func controller() -> APIController {
        var controller = APIController(name: "qos-specs")
        controller.method("index") { request in try await index(request) }
        controller.method("show") { request in
            try request.authorize(.volumeExtensionQosSpecsManageGet)
            let specs = try await api.qosSpecs.get(id: try request.id())
            return APIResponse(body: QoSSpecsViewBuilder.detail(specs, request: request))
        }
        controller.method("create") { request in try await create(request) }
        controller.method("update") { request in
            try request.authorize(.volumeExtensionQosSpecsManageUpdate)
            let body = try request.validatedBody(QoSSpecsSchemas.set)
            let specs = body["qos_specs"]?.objectValue ?? JSONObject()
            _ = try await api.qosSpecs.update(id: try request.id(), specs: specs)
            // cinder answers with the body it was given.
            return APIResponse(body: body)
        }
        controller.method("delete") { request in
            try request.authorize(.volumeExtensionQosSpecsManageDelete)
            let force = try Self.strictBool("force", request.queryValue("force"))
            try await api.qosSpecs.delete(id: try request.id(), force: force)
            return APIResponse(status: .accepted)
        }
        controller.method("delete_keys") { request in
            try request.authorize(.volumeExtensionQosSpecsManageDelete)
            let keys = try QoSSpecsSchemas.keys(request.body ?? .null)
            try await api.qosSpecs.deleteKeys(id: try request.id(), keys: keys)
            return APIResponse(status: .accepted)
        }
        controller.method("associations") { request in
            try request.authorize(.volumeExtensionQosSpecsManageGetAll)
            let types = try await api.qosSpecs.associations(id: try request.id())
            return APIResponse(body: QoSSpecsViewBuilder.associations(types))
        }
        controller.method("associate") { request in
            try request.authorize(.volumeExtensionQosSpecsManageUpdate)
            let typeID = try Self.volumeTypeID(request)
            try await api.qosSpecs.associate(id: try request.id(), volumeTypeID: typeID)
            return APIResponse(status: .accepted)
        }
        controller.method("disassociate") { request in
            try request.authorize(.volumeExtensionQosSpecsManageUpdate)
            let typeID = try Self.volumeTypeID(request)
            try await api.qosSpecs.disassociate(id: try request.id(), volumeTypeID: typeID)
            return APIResponse(status: .accepted)
        }
        controller.method("disassociate_all") { request in
            try request.authorize(.volumeExtensionQosSpecsManageUpdate)
            try await api.qosSpecs.disassociateAll(id: try request.id())
            return APIResponse(status: .accepted)
        }
        return controller
    }

    /// `index`: paged and sorted as cinder pages its model (`created_at`, `id` descending by
    /// default); every other query parameter is a filter on the model's columns, one naming
    /// no column (`name`, `consumer` among them) matching nothing, as cinder's
    /// `is_valid_model_filters` does.
    func index(_ request: APIRequest) async throws -> APIResponse {
        try request.authorize(.volumeExtensionQosSpecsManageGetAll)
        let maxLimit = api.configuration.maxLimit
        var query = ListQuery(scope: .allProjects)
        try ListParameters.readPaging(request, into: &query, maxLimit: maxLimit)
        // The model's own column names: `name` is no sort key here.
        query.sort = query.sort.map { key in
            SortKey(ListParameters.columnNames.first { $0.value == key.column }?.key ?? key.column, key.direction)
        }
        let paging: Set<String> = ["limit", "offset", "marker", "sort", "sort_key", "sort_dir"]
        for (name, value) in request.query where !paging.contains(name) {
            query.filters.append(.equals(name, value))
        }
        let page = try await api.qosSpecs.list(query)
        var body: JSONObject = ["qos_specs": .array(page.items.map(QoSSpecsViewBuilder.entry))]
        if let last = page.items.last, page.items.count >= (query.limit ?? maxLimit) {
            body["qos_specs_links"] = Links.next(
                request: request,
                path: QoSSpecsViewBuilder.collection,
                marker: last.id
            )
        }
        return APIResponse(body: .object(body))
    }

    func create(_ request: APIRequest) async throws -> APIResponse {
        try request.authorize(.volumeExtensionQosSpecsManageCreate)
        let body = try request.validatedBody(QoSSpecsSchemas.create)
        var fields = body["qos_specs"]?.objectValue ?? JSONObject()
        let name = (fields["name"]?.stringValue ?? "").trimmingWhitespace()
        fields["name"] = Optional<JSONValue>.none
        let specs = try await api.qosSpecs.create(name: name, specs: fields)
        return APIResponse(body: QoSSpecsViewBuilder.detail(specs, request: request))
    }

    /// `vol_type_id` of associate and disassociate: missing or empty is cinder's 400.
    static func volumeTypeID(_ request: APIRequest) throws -> String {
        guard let typeID = request.queryValue("vol_type_id"), !typeID.isEmpty else {
            throw EmberError.badRequest("Volume Type id must not be None.")
        }
        return typeID
    }

    /// `utils.get_bool_param`: oslo's strict boolean strings, false when absent.
    static func strictBool(_ name: String, _ text: String?) throws -> Bool {
        guard let text else { return false }
        switch text.lowercased() {
        case "1", "t", "true", "on", "y", "yes": return true
        case "0", "f", "false", "off", "n", "no": return false
        default: throw EmberError.badRequest("Value '\(text)' for '\(name)' is not a boolean.")
        }
    }
}

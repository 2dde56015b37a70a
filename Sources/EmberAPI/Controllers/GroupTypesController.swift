import EmberCore
import EmberVolume
import EmberWSGI

/// `cinder/api/v3/group_types.py` (3.11): group types. Listing and showing need no policy
/// (what a caller sees is scoped as cinder's db layer scopes it); create, update and delete
/// are `group:group_types:*`, admin-only by default. `GET /group_types/default` shows the
/// `default_group_type`.
struct GroupTypesController {
    let api: VolumeAPI

    static let minimum = "3.11"

    func controller() -> APIController {
        var controller = APIController(name: "group_types")
        controller.method("index", minimum: Self.minimum) { request in try await index(request) }
        controller.method("show", minimum: Self.minimum) { request in
            let id = try request.id()
            let type =
                id == "default"
                ? try await api.groupTypes.defaultType()
                : try await api.groupTypes.get(id: id, identity: request.identity)
            return APIResponse(body: GroupTypeViewBuilder.show(type, request: request))
        }
        controller.method("create", minimum: Self.minimum) { request in
            try request.authorize(.groupGroupTypesCreate)
            let body = try request.validatedBody(GroupTypeSchemas.create)
            let fields = body["group_type"]?.objectValue ?? JSONObject()
            var specs: [String: String] = [:]
            for (key, value) in fields["group_specs"]?.objectValue?.entries ?? [] { specs[key] = value.stringValue }
            let created = try await api.groupTypes.create(
                name: fields["name"]?.stringValue ?? "",
                description: fields["description"]?.stringValue,
                isPublic: ParameterTypes.bool(fields["is_public"]) ?? true,
                specs: specs
            )
            return APIResponse(status: .accepted, body: GroupTypeViewBuilder.show(created, request: request))
        }
        controller.method("update", minimum: Self.minimum) { request in
            try request.authorize(.groupGroupTypesUpdate)
            let id = try request.id()
            let body = try request.validatedBody(GroupTypeSchemas.update)
            let fields = body["group_type"]?.objectValue ?? JSONObject()
            let name = fields["name"]?.stringValue
            let description = fields["description"]?.stringValue
            let isPublic = ParameterTypes.bool(fields["is_public"])
            // cinder tests `name and not name.strip()`: an empty name is no empty name there.
            if let name, !name.isEmpty, name.allSatisfy(\.isWhitespace) {
                throw EmberError.badRequest("Group type name can not be empty.")
            }
            if name == nil && description == nil && isPublic == nil {
                throw EmberError.badRequest("Specify group type name, description or a combination thereof.")
            }
            let updated = try await api.groupTypes.update(
                id: id,
                GroupTypeUpdate(name: name, description: description, isPublic: isPublic)
            )
            return APIResponse(body: GroupTypeViewBuilder.show(updated, request: request))
        }
        controller.method("delete", minimum: Self.minimum) { request in
            try request.authorize(.groupGroupTypesDelete)
            try await api.groupTypes.delete(id: try request.id(), identity: request.identity)
            return APIResponse(status: .accepted)
        }
        return controller
    }

    /// `_get_group_types`: pagination and sort as every list; admins may pass `is_public`
    /// (absent or true: the public types and their project's private ones; `none`: every
    /// type; false: the private ones; anything else 400); everyone else sees the public types
    /// and their project's private ones. No other parameter filters.
    func index(_ request: APIRequest) async throws -> APIResponse {
        let maxLimit = api.configuration.maxLimit
        var query = ListQuery(scope: .project(request.identity.projectID ?? ""))
        try ListParameters.readPaging(request, into: &query, maxLimit: maxLimit)
        // A group type's `name` is its column.
        query.sort = query.sort.map { $0.column == "display_name" ? SortKey("name", $0.direction) : $0 }
        if request.identity.isAdmin, let value = request.queryValue("is_public") {
            let text = value.trimmingWhitespace().lowercased()
            if text == "none" {
                query.scope = .allProjects
            } else if let flag = ParameterTypes.bool(.string(text)) {
                if !flag {
                    query.scope = .allProjects
                    query.filters.append(.equals("is_public", "0"))
                }
            } else {
                throw EmberError.badRequest("Invalid is_public filter [\(value)]")
            }
        }
        let types = try await api.groupTypes.page(query).items
        var body: JSONObject = [
            "group_types": .array(types.map { GroupTypeViewBuilder.entry($0, request: request) })
        ]
        if let last = types.last, types.count >= (query.limit ?? maxLimit) {
            body["group_type_links"] = Links.next(
                request: request,
                path: GroupTypeViewBuilder.collection,
                marker: last.id
            )
        }
        return APIResponse(body: .object(body))
    }
}

/// `cinder/api/v3/group_specs.py` (3.11): `/group_types/{group_type_id}/group_specs[/{key}]`,
/// every call `group:group_types_specs:*`, admin-only by default.
struct GroupSpecsController {
    let api: VolumeAPI

    func controller() -> APIController {
        var controller = APIController(name: "group_specs")
        let minimum = GroupTypesController.minimum
        controller.method("index", minimum: minimum) { request in
            try request.authorize(.groupGroupTypesSpecsGetAll)
            let specs = try await api.groupTypes.specs(
                of: try request.parameter("group_type_id"),
                identity: request.identity
            )
            return APIResponse(body: ["group_specs": GroupTypeViewBuilder.specs(specs)])
        }
        controller.method("show", minimum: minimum) { request in
            try request.authorize(.groupGroupTypesSpecsGet)
            let typeID = try request.parameter("group_type_id")
            let specs = try await api.groupTypes.specs(of: typeID, identity: request.identity)
            let key = try request.id()
            guard let value = specs[key] else {
                throw EmberError.notFound("Group Type \(typeID) has no extra spec with key \(key).")
            }
            return APIResponse(body: .object(JSONObject(uniqueEntries: [(key, .optional(value))])))
        }
        controller.method("create", minimum: minimum) { request in
            try request.authorize(.groupGroupTypesSpecsCreate)
            let typeID = try request.parameter("group_type_id")
            let body = try request.validatedBody(GroupTypeSchemas.specsCreate)
            let specs = body["group_specs"]?.objectValue ?? JSONObject()
            try await api.groupTypes.setSpecs(of: typeID, Self.values(specs), identity: request.identity)
            // cinder answers with the body it was given.
            return APIResponse(status: .accepted, body: body)
        }
        controller.method("update", minimum: minimum) { request in
            try request.authorize(.groupGroupTypesSpecsUpdate)
            let typeID = try request.parameter("group_type_id")
            let key = try request.id()
            let body = try request.validatedBody(GroupTypeSchemas.specsUpdate)
            // `_check_type` comes before the URI check.
            _ = try await api.groupTypes.get(id: typeID, identity: request.identity)
            guard let specs = body.objectValue, specs[key] != nil else {
                throw EmberError.badRequest("Request body and URI mismatch")
            }
            try await api.groupTypes.setSpecs(of: typeID, Self.values(specs), identity: request.identity)
            return APIResponse(body: body)
        }
        controller.method("delete", minimum: minimum) { request in
            try request.authorize(.groupGroupTypesSpecsDelete)
            try await api.groupTypes.deleteSpec(
                of: try request.parameter("group_type_id"),
                key: try request.id(),
                identity: request.identity
            )
            return APIResponse(status: .accepted)
        }
        return controller
    }

    /// The values as stored: strings, or null.
    static func values(_ specs: JSONObject) -> [String: String?] {
        var result: [String: String?] = [:]
        for (key, value) in specs.entries { result[key] = .some(value.stringValue) }
        return result
    }
}

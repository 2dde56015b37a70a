import EmberCore
import EmberVolume
import EmberWSGI

/// `os-types-manage` (`cinder/api/contrib/types_manage.py`): `POST /types`, `PUT /types/{id}`
/// and `DELETE /types/{id}`, as `create`/`update`/`delete` actions on the types controller.
struct TypesManageController {
    let api: VolumeAPI
    var flavor: APIFlavor = .v3

    /// cinder's `cinder/api/views/types.py` view, which `os-types-manage` answers create and
    /// update with: every extra spec and no `qos_specs_id` (the v3 GET view shows that, to
    /// admins only); create adds `os-volume-type-access:is_public` (the access extension
    /// extends `create`, not `update`).
    static func manageView(_ type: VolumeType, accessAttribute: Bool) -> JSONValue {
        var view: JSONObject = [
            "id": .string(type.id),
            "name": .string(type.name),
            "is_public": .bool(type.isPublic),
            "extra_specs": .object(
                JSONObject(type.extraSpecs.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })
            ),
            "description": .optional(type.description),
        ]
        if accessAttribute {
            view["os-volume-type-access:is_public"] = .bool(type.isPublic)
        }
        return .object(view)
    }

    func controller() -> APIController {
        var controller = APIController(name: "types")
        controller.action("create") { request in
            try request.authorize(.volumeExtensionTypeCreate)
            // The 2013 v1 API did not validate the body: any JSON extra-spec value was stored
            // (as its text, the column being a string).
            let body = try request.validatedBody(flavor == .v1 ? TypeSchemas.createV1 : TypeSchemas.create)
            let fields = body["volume_type"]?.objectValue ?? JSONObject()
            let name = fields["name"]?.stringValue ?? ""
            var specs: [String: String] = [:]
            for (key, value) in fields["extra_specs"]?.objectValue?.entries ?? [] {
                // A null spec is stored as an empty string, as cinder's DB layer does.
                switch value {
                case .string(let text): specs[key] = text
                case .null: specs[key] = ""
                default: specs[key] = value.serialized()
                }
            }
            let isPublic = ParameterTypes.bool(fields["os-volume-type-access:is_public"]) ?? true
            let created = try await api.types.create(
                VolumeType(
                    name: name,
                    description: fields["description"]?.stringValue,
                    isPublic: isPublic,
                    extraSpecs: specs
                )
            )
            return APIResponse(body: ["volume_type": Self.manageView(created, accessAttribute: true)])
        }
        controller.action("update") { request in
            try request.authorize(.volumeExtensionTypeUpdate)
            let id = try request.id()
            let body = try request.validatedBody(TypeSchemas.update)
            let fields = body["volume_type"]?.objectValue ?? JSONObject()
            let name = fields["name"]?.stringValue
            let description = fields["description"]?.stringValue
            let isPublic = ParameterTypes.bool(fields["is_public"])
            if let name, name.allSatisfy(\.isWhitespace) {
                throw EmberError.badRequest("Volume type name can not be empty.")
            }
            if name == nil && description == nil && isPublic == nil {
                throw EmberError.badRequest(
                    "Specify volume type name, description, is_public or a combination thereof."
                )
            }
            let type = try await api.types.current(id: id)
            var changes: [VolumeTypeUpdate] = []
            if let name { changes.append(.name(name)) }
            if fields["description"] != nil { changes.append(.description(description)) }
            if let isPublic { changes.append(.isPublic(isPublic)) }
            let updated = try await api.types.update(id: type.id, changes)
            return APIResponse(body: ["volume_type": Self.manageView(updated, accessAttribute: false)])
        }
        controller.action("delete") { request in
            try request.authorize(.volumeExtensionTypeDelete)
            try await api.types.delete(try await api.types.current(id: try request.id()))
            return APIResponse(status: .accepted)
        }
        return controller
    }
}

/// `os-types-extra-specs` (`cinder/api/contrib/types_extra_specs.py`):
/// `/types/{type_id}/extra_specs[/{key}]`.
struct TypesExtraSpecsController {
    let api: VolumeAPI

    /// What non-admins may read (`USER_VISIBLE_EXTRA_SPECS`).
    static let userVisible: Set<String> = ["multiattach", "RESKEY:availability_zones", "replication_enabled"]

    func controller() -> APIController {
        var controller = APIController(name: "types_extra_specs")
        controller.method("index") { request in
            try request.authorize(.volumeExtensionTypesExtraSpecsIndex)
            let type = try await api.types.current(id: try request.parameter("type_id"))
            return APIResponse(body: ["extra_specs": Self.visible(type.extraSpecs, request: request)])
        }
        controller.method("show") { request in
            try request.authorize(.volumeExtensionTypesExtraSpecsShow)
            let type = try await api.types.current(id: try request.parameter("type_id"))
            let key = try request.id()
            guard let value = Self.visible(type.extraSpecs, request: request)[key]?.stringValue else {
                throw EmberError.notFound("Volume Type \(type.id) has no extra specs with key \(key).")
            }
            return APIResponse(body: .object(JSONObject(uniqueEntries: [(key, .string(value))])))
        }
        controller.method("create") { request in
            try request.authorize(.volumeExtensionTypesExtraSpecsCreate)
            let typeID = try request.parameter("type_id")
            let body = try request.validatedBody(TypeSchemas.extraSpecsCreate)
            let specs = body["extra_specs"]?.objectValue ?? JSONObject()
            let type = try await api.types.current(id: typeID)
            try await api.types.setExtraSpecs(of: type, Self.strings(specs))
            return APIResponse(body: ["extra_specs": .object(specs)])
        }
        controller.method("update") { request in
            try request.authorize(.volumeExtensionTypesExtraSpecsUpdate)
            let typeID = try request.parameter("type_id")
            let key = try request.id()
            let body = try request.validatedBody(TypeSchemas.extraSpecsUpdate)
            let type = try await api.types.current(id: typeID)
            try await api.types.requireUnused(type)
            guard let specs = body.objectValue, specs[key] != nil else {
                throw EmberError.badRequest("Request body and URI mismatch")
            }
            try await api.types.setExtraSpecs(of: type, Self.strings(specs))
            return APIResponse(body: .object(specs))
        }
        controller.method("delete") { request in
            let typeID = try request.parameter("type_id")
            let type = try await api.types.current(id: typeID)
            try request.authorize(.volumeExtensionTypesExtraSpecsDelete)
            try await api.types.deleteExtraSpec(of: type, key: try request.id())
            return APIResponse(status: .accepted)
        }
        return controller
    }

    static func strings(_ specs: JSONObject) -> [String: String] {
        var result: [String: String] = [:]
        for (key, value) in specs.entries { result[key] = value.stringValue ?? "" }
        return result
    }

    /// All specs when `read_sensitive` allows, the user-visible ones otherwise.
    static func visible(_ specs: [String: String], request: APIRequest) -> JSONValue {
        let shown =
            request.allows(.volumeExtensionTypesExtraSpecsReadSensitive)
            ? specs : specs.filter { userVisible.contains($0.key) }
        return VolumeViewBuilder.sortedObject(shown)
    }
}

/// `os-volume-type-access` (`cinder/api/contrib/volume_type_access.py`): the access list of a
/// private type and the `addProjectAccess`/`removeProjectAccess` actions.
struct VolumeTypeAccessController {
    let api: VolumeAPI

    func controller() -> APIController {
        var controller = APIController(name: "volume_type_access")
        controller.method("index") { request in
            try request.authorize(.volumeExtensionVolumeTypeAccessGetAllForType)
            let type = try await api.types.current(id: try request.parameter("type_id"))
            if type.isPublic {
                throw EmberError.notFound("Access list not available for public volume types.")
            }
            let projects = try await api.types.accessProjects(of: type)
            let entries: [JSONValue] = projects.map {
                ["volume_type_id": .string(type.id), "project_id": .string($0)]
            }
            return APIResponse(body: ["volume_type_access": .array(entries)])
        }
        return controller
    }

    /// The actions on `POST /types/{id}/action`.
    func actions() -> APIController {
        var controller = APIController(name: "types")
        controller.action("addProjectAccess") { request in
            try request.authorize(.volumeExtensionVolumeTypeAccessAddProjectAccess)
            let (type, project) = try await target(request, action: "addProjectAccess")
            try await api.types.addAccess(to: type, projectID: project)
            return APIResponse(status: .accepted)
        }
        controller.action("removeProjectAccess") { request in
            try request.authorize(.volumeExtensionVolumeTypeAccessRemoveProjectAccess)
            let (type, project) = try await target(request, action: "removeProjectAccess")
            try await api.types.removeAccess(from: type, projectID: project)
            return APIResponse(status: .accepted)
        }
        return controller
    }

    func target(_ request: APIRequest, action: String) async throws -> (VolumeType, String) {
        let body = try request.validatedBody(TypeSchemas.projectAccess(action))
        let project = body[action]?["project"]?.stringValue ?? ""
        let type = try await api.types.current(id: try request.id())
        if type.isPublic {
            throw EmberError.badRequest(
                "Invalid volume type: Type access modification is not applicable to public volume type."
            )
        }
        return (type, project)
    }
}

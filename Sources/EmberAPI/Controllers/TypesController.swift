import EmberCore
import EmberStore
import EmberVolume
import EmberWSGI

/// The read side of `/types` (`cinder/api/v3/types.py`); managing types is the
/// `os-types-manage` extension.
struct TypesController {
    let api: VolumeAPI

    func controller() -> APIController {
        var controller = APIController(name: "types")
        controller.method("index") { request in
            try request.authorize(.volumeExtensionTypeGetAll)
            let scope: ProjectScope =
                request.identity.isAdmin ? .allProjects : .project(request.identity.projectID ?? "")
            let page = try await api.store.listVolumeTypes(ListQuery(scope: scope, sort: [SortKey("created_at", .asc)]))
            return APIResponse(body: ["volume_types": .array(page.items.map { Self.view($0, request: request) })])
        }
        controller.method("show") { request in
            try request.authorize(.volumeExtensionTypeGet)
            let id = try request.id()
            let type = id == "default" ? try await api.defaultVolumeType() : try await api.resolveVolumeType(id)
            return APIResponse(body: ["volume_type": Self.view(type, request: request)])
        }
        return controller
    }

    static func view(_ type: VolumeType, request: APIRequest) -> JSONValue {
        var view: JSONObject = [
            "id": .string(type.id),
            "name": .string(type.name),
            "is_public": .bool(type.isPublic),
            "description": .optional(type.description),
        ]
        // Ember shows extra specs only to callers who may read all of them (cinder's
        // access_types_extra_specs plus types_extra_specs:read_sensitive: admins by default).
        if request.allows(.volumeExtensionAccessTypesExtraSpecs)
            && request.allows(.volumeExtensionTypesExtraSpecsReadSensitive)
        {
            view["extra_specs"] = .object(
                JSONObject(type.extraSpecs.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })
            )
        }
        if request.allows(.volumeExtensionAccessTypesQosSpecsId) {
            view["qos_specs_id"] = .optional(type.qosSpecsID)
        }
        view["os-volume-type-access:is_public"] = .bool(type.isPublic)
        return .object(view)
    }
}

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
            let scope: ProjectScope =
                request.identity.isAdmin ? .allProjects : .project(request.identity.projectID ?? "")
            let page = try await api.store.listVolumeTypes(ListQuery(scope: scope, sort: [SortKey("created_at", .asc)]))
            return APIResponse(body: ["volume_types": .array(page.items.map { Self.view($0, request: request) })])
        }
        controller.method("show") { request in
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
        if request.identity.isAdmin {
            view["extra_specs"] = .object(
                JSONObject(type.extraSpecs.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })
            )
            view["qos_specs_id"] = .optional(type.qosSpecsID)
        }
        view["os-volume-type-access:is_public"] = .bool(type.isPublic)
        return .object(view)
    }
}

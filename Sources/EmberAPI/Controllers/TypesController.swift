import EmberCore
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
            // cinder: admins choose with is_public (absent or true: the public types and the
            // private ones the project may use; `None`: every type; false: the private ones);
            // everyone else sees the public and accessible ones.
            let ownProject = ProjectScope.project(request.identity.projectID ?? "")
            var scope = ownProject
            var privateOnly = false
            if request.identity.isAdmin, let text = request.queryValue("is_public") {
                if text.lowercased() == "none" {
                    scope = .allProjects
                } else if ParameterTypes.bool(.string(text)) == false {
                    scope = .allProjects
                    privateOnly = true
                }
            }
            let types = try await api.types.list(scope: scope).filter { !privateOnly || !$0.isPublic }
            return APIResponse(body: ["volume_types": .array(types.map { Self.view($0, request: request) })])
        }
        controller.method("show") { request in
            try request.authorize(.volumeExtensionTypeGet)
            let id = try request.id()
            let type: VolumeType
            do {
                type = id == "default" ? try await api.types.defaultType() : try await api.types.resolve(id)
            } catch let error as EmberError where error.status == 404 && id != "default" {
                // cinder's show looks the type up by id: VolumeTypeNotFound.
                throw EmberError.notFound("Volume type \(id) could not be found.")
            }
            return APIResponse(body: [
                "volume_type": Self.view(type, request: request, accessAttribute: id != "default")
            ])
        }
        return controller
    }

    /// `cinder/policies/type_extra_specs.py:USER_VISIBLE_EXTRA_SPECS`.
    static let userVisibleExtraSpecs: Set<String> = ["RESKEY:availability_zones", "multiattach", "replication_enabled"]

    /// `accessAttribute`: false for `GET /types/default`, which the access extension cannot
    /// look up by the id `default` and so leaves alone.
    static func view(_ type: VolumeType, request: APIRequest, accessAttribute: Bool = true) -> JSONValue {
        var view: JSONObject = [
            "id": .string(type.id),
            "name": .string(type.name),
            "is_public": .bool(type.isPublic),
            "description": .optional(type.description),
        ]
        // cinder's v3 types view: callers allowed access_types_extra_specs see the specs, all
        // of them with types_extra_specs:read_sensitive (admins by default), else only the
        // user-visible ones.
        if request.allows(.volumeExtensionAccessTypesExtraSpecs) {
            let sensitive = request.allows(.volumeExtensionTypesExtraSpecsReadSensitive)
            view["extra_specs"] = .object(
                JSONObject(
                    type.extraSpecs.filter { sensitive || Self.userVisibleExtraSpecs.contains($0.key) }
                        .sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }
                )
            )
        }
        if request.allows(.volumeExtensionAccessTypesQosSpecsId) {
            view["qos_specs_id"] = .optional(type.qosSpecsID)
        }
        // `os-volume-type-access` extends show and index for callers its rule allows
        // (system_admin_or_project_member: not readers).
        if accessAttribute && request.allows(.volumeExtensionVolumeTypeAccess) {
            view["os-volume-type-access:is_public"] = .bool(type.isPublic)
        }
        return .object(view)
    }
}

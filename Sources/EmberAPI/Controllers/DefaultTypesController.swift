import EmberCore
import EmberVolume
import EmberWSGI

/// `cinder/api/schemas/default_types.py`.
enum DefaultTypeSchemas {
    /// `create_or_update`. cinder does not require `default_type` and then fails with a 500
    /// on a body without it; Ember requires it (400).
    static let createOrUpdate = Schema.object(
        properties: [
            (
                "default_type",
                .object(
                    properties: [("volume_type", TypeSchemas.name)],
                    required: ["volume_type"],
                    additionalProperties: false
                )
            )
        ],
        required: ["default_type"]
    )
}

/// `cinder/api/v3/default_types.py`: per-project default volume types (3.62), admin only by
/// default. `PUT /default-types/{project_id}` sets (200), `GET` shows one or lists all, and
/// `DELETE` unsets (204, also when the project has none).
///
/// cinder first asks Keystone whether the project exists (404 "Project with id … not
/// found."); Ember has no Keystone admin client and takes the project id as given.
struct DefaultTypesController {
    let api: VolumeAPI

    func controller() -> APIController {
        var controller = APIController(name: "default_types")
        controller.method("create_update", minimum: "3.62") { request in
            let body = request.body ?? .null
            if let error = DefaultTypeSchemas.createOrUpdate.validate(body) { throw EmberError.badRequest(error) }
            let projectID = try request.id()
            try authorize(request, .volumeExtensionDefaultSetOrUpdate, projectID: projectID)
            let name = body["default_type"]?["volume_type"]?.stringValue ?? ""
            let set = try await api.types.setProjectDefault(projectID: projectID, type: name)
            return APIResponse(body: ["default_type": Self.view(set)])
        }
        controller.method("detail", minimum: "3.62") { request in
            let projectID = try request.id()
            try authorize(request, .volumeExtensionDefaultGet, projectID: projectID)
            let found = try await api.types.projectDefault(projectID: projectID)
            return APIResponse(body: ["default_type": Self.view(found)])
        }
        controller.method("index", minimum: "3.62") { request in
            try authorize(request, .volumeExtensionDefaultGetAll, projectID: nil)
            let all = try await api.types.projectDefaults()
            return APIResponse(body: ["default_types": .array(all.map(Self.view))])
        }
        controller.method("delete", minimum: "3.62") { request in
            let projectID = try request.id()
            try authorize(request, .volumeExtensionDefaultUnset, projectID: projectID)
            try await api.types.unsetProjectDefault(projectID: projectID)
            return .empty(.noContent)
        }
        return controller
    }

    /// `validate_project_and_authorize`: the policy on the target project, refused with
    /// "You are not authorized to perform this operation." (403).
    func authorize(_ request: APIRequest, _ action: PolicyAction, projectID: String?) throws {
        let target: PolicyTarget = projectID.map { ["project_id": .string($0)] } ?? [:]
        guard request.allows(action, target: target) else {
            throw EmberError.forbidden("You are not authorized to perform this operation.")
        }
    }

    static func view(_ projectDefault: ProjectDefaultVolumeType) -> JSONValue {
        ["project_id": .string(projectDefault.projectID), "volume_type_id": .string(projectDefault.volumeTypeID)]
    }
}

import EmberCore
import EmberVolume
import EmberWSGI

extension AdminActionsController {
    /// `{"os-extend_volume_completion": {"error"?: string|null|boolean}}`
    /// (`schemas/admin_actions.py`).
    static let extendVolumeCompletionSchema = Schema.object(
        properties: [
            (
                "os-extend_volume_completion",
                .object(
                    properties: [("error", .value(types: [.string, .null, .boolean]))],
                    additionalProperties: false
                )
            )
        ],
        required: ["os-extend_volume_completion"],
        additionalProperties: false
    )

    /// `os-extend_volume_completion` (3.71 in cinder's history; like cinder's action it has
    /// no version gate): the body, the volume (404), the admin rule (403), then
    /// ``VolumeAPI/extendVolumeCompletion(id:error:caller:requestID:)``; 202.
    func addExtendVolumeCompletion(to controller: inout APIController) {
        controller.action("os-extend_volume_completion") { request in
            let body =
                try request.validatedBody(Self.extendVolumeCompletionSchema)["os-extend_volume_completion"] ?? .null
            let volume = try await adminVolume(
                request,
                rule: .volumeExtensionVolumeAdminActionsExtendVolumeCompletion
            )
            try await api.extendVolumeCompletion(
                id: volume.id,
                error: Self.truthy(body["error"]),
                caller: request.identity,
                requestID: request.context.requestID
            )
            return .empty(.accepted)
        }
    }
}

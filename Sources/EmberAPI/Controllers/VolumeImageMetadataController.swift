import EmberCore
import EmberVolume
import EmberWSGI

/// `os-vol-image-meta` actions (`cinder/api/contrib/volume_image_metadata.py`): show, set and
/// unset the image metadata a volume carries (`volume_glance_metadata`). The
/// `volume_image_metadata` field of show and detail is added by the view builder.
struct VolumeImageMetadataController {
    let api: VolumeAPI

    func controller() -> APIController {
        var controller = APIController(name: "volumes")
        controller.action("os-show_image_metadata") { request in
            _ = try request.validatedBody(ImageMetadataSchemas.show)
            let volume = try await request.authorizedVolume(try request.id(), api: api)
            return APIResponse(body: ["metadata": VolumeViewBuilder.sortedObject(volume.imageMetadata)])
        }
        controller.action("os-set_image_metadata") { request in
            let body = try request.validatedBody(ImageMetadataSchemas.set)
            let volume = try await request.authorizedVolume(
                try request.id(),
                api: api,
                action: .volumeExtensionVolumeImageMetadataSet
            )
            var metadata: [String: String] = [:]
            for (key, value) in body["os-set_image_metadata"]?["metadata"]?.objectValue?.entries ?? [] {
                metadata[key] = value.stringValue ?? ""
            }
            let updated = try await api.setImageMetadata(volumeID: volume.id, metadata)
            return APIResponse(body: ["metadata": VolumeViewBuilder.sortedObject(updated)])
        }
        controller.action("os-unset_image_metadata") { request in
            let body = try request.validatedBody(ImageMetadataSchemas.unset)
            let volume = try await request.authorizedVolume(
                try request.id(),
                api: api,
                action: .volumeExtensionVolumeImageMetadataRemove
            )
            let key = body["os-unset_image_metadata"]?["key"]?.stringValue ?? ""
            try await api.unsetImageMetadata(volume, key: key)
            return APIResponse(status: .ok)
        }
        return controller
    }
}

/// `cinder/api/schemas/volume_image_metadata.py`.
enum ImageMetadataSchemas {
    static let show = Schema.object(
        properties: [("os-show_image_metadata", .value(types: []))],
        required: ["os-show_image_metadata"],
        additionalProperties: false
    )
    /// `parameter_types.image_metadata`: keys as extra specs, text values (`mysql_text`).
    static let imageMetadata = Schema.object(
        properties: [],
        additionalProperties: false,
        patternKey: "^[a-zA-Z0-9-_:. /]{1,255}$",
        additional: .value(types: [.string], maxLength: 65535)
    )
    static let set = Schema.object(
        properties: [
            (
                "os-set_image_metadata",
                .object(properties: [("metadata", imageMetadata)], required: ["metadata"], additionalProperties: false)
            )
        ],
        required: ["os-set_image_metadata"],
        additionalProperties: false
    )
    static let unset = Schema.object(
        properties: [
            (
                "os-unset_image_metadata",
                .object(
                    properties: [("key", .value(types: [.string], minLength: 1, maxLength: 255))],
                    required: ["key"],
                    additionalProperties: false
                )
            )
        ],
        required: ["os-unset_image_metadata"],
        additionalProperties: false
    )
}

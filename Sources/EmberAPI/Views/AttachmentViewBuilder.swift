import EmberCore

/// `cinder/api/v3/views/attachments.py`: the summary (`id`, `status` = the row's
/// `attach_status`, `instance`, `volume_id`) and the detail, which adds `attached_at`,
/// `detached_at` (normalised datetimes, `""` when unset), `attach_mode` and
/// `connection_info` (the stored JSON, `null` when none).
enum AttachmentViewBuilder {
    static func summary(_ attachment: VolumeAttachment) -> JSONObject {
        [
            "id": .string(attachment.id),
            "status": .string(attachment.attachStatus.rawValue),
            "instance": .optional(attachment.instanceUUID),
            "volume_id": .string(attachment.volumeID),
        ]
    }

    /// `format`: the volume's `format` admin metadata, which `show` copies into the
    /// connection info.
    static func detail(_ attachment: VolumeAttachment, format: String? = nil) -> JSONObject {
        var view = summary(attachment)
        view["attached_at"] = .string(APITime.format(attachment.attachTime) ?? "")
        view["detached_at"] = .string(APITime.format(attachment.detachTime) ?? "")
        view["attach_mode"] = .optional(attachment.attachMode)
        var info: JSONValue = .null
        if let text = attachment.connectionInfo, let parsed = try? JSONValue.parse(text) { info = parsed }
        if let format, case .object(var object) = info {
            object["format"] = .string(format)
            info = .object(object)
        }
        view["connection_info"] = info
        return view
    }
}

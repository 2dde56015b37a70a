import EmberCore
import EmberWSGI

/// `cinder/api/v3/views/volumes.py` plus the attribute extensions cinder registers on `show`
/// and `detail`: the JSON a volume is shown as, at a given microversion and for a given caller.
struct VolumeViewBuilder: Sendable {
    /// The collection name in links (`volumes`).
    static let collection = "volumes"

    /// The summary entry of `GET /volumes`: `id`, `name`, `links`.
    static func summary(_ volume: Volume, request: APIRequest) -> JSONValue {
        [
            "id": .string(volume.id),
            "name": .optional(volume.displayName),
            "links": Links.make(request: request, collection: collection, id: volume.id),
        ]
    }

    /// The detail view. `extended` adds the admin and tenant attribute fields that cinder's
    /// controller extensions add on `show` and `detail` (not on create or update).
    static func detail(
        _ volume: Volume,
        typeName: String?,
        request: APIRequest,
        extended: Bool,
        access: VolumeFieldAccess
    ) -> JSONValue {
        let identity = request.identity
        var view: JSONObject = [
            "id": .string(volume.id),
            "status": .string(volume.status.displayed.rawValue),
            "size": .int(volume.size),
            "availability_zone": .optional(volume.availabilityZone),
            "created_at": .optional(APITime.format(volume.createdAt)),
            "updated_at": .optional(APITime.format(volume.updatedAt)),
            "name": .optional(volume.displayName),
            "description": .optional(volume.displayDescription),
            "volume_type": .string(typeName ?? volume.volumeTypeID),
            "snapshot_id": .optional(volume.snapshotID),
            "source_volid": .optional(volume.sourceVolumeID),
            "metadata": .object(
                JSONObject(volume.metadata.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })
            ),
            "links": Links.make(request: request, collection: collection, id: volume.id),
            "user_id": .optional(volume.userID),
            "bootable": .string(volume.bootable ? "true" : "false"),
            "encrypted": .bool(volume.encryptionKeyID != nil),
            "replication_status": .optional(volume.replicationStatus),
            "consistencygroup_id": .optional(volume.consistencyGroupID),
            "multiattach": .bool(volume.multiattach),
            "attachments": .array(
                volume.attachments.filter { $0.attachStatus == .attached }.map {
                    attachment(
                        $0,
                        volume: volume,
                        showHost: identity.isAdmin || identity.roles.contains("service")
                    )
                }
            ),
        ]
        if identity.isAdmin {
            view.appendNew("migration_status", .optional(volume.migrationStatus))
        }
        if request.supports("3.13") { view.appendNew("group_id", .optional(volume.groupID)) }
        if request.supports("3.21"), identity.isAdmin { view.appendNew("provider_id", .optional(volume.providerID)) }
        if request.supports("3.48") {
            let shared = volume.sharedTargets ?? (request.supports("3.69") ? nil : true)
            view.appendNew("shared_targets", shared.map(JSONValue.bool) ?? .null)
            view.appendNew("service_uuid", .optional(volume.serviceUUID))
        }
        if request.supports("3.61"), identity.isAdmin { view.appendNew("cluster_name", .optional(volume.clusterName)) }
        if request.supports("3.63") { view.appendNew("volume_type_id", .string(volume.volumeTypeID)) }
        if request.supports("3.64"), let key = volume.encryptionKeyID, key != "00000000-0000-0000-0000-000000000000" {
            view.appendNew("encryption_key_id", .string(key))
        }
        if request.supports("3.65") { view.appendNew("consumes_quota", .bool(volume.useQuota)) }
        if extended {
            if access.host { view.appendNew("os-vol-host-attr:host", .optional(volume.host)) }
            if access.migration {
                view.appendNew("os-vol-mig-status-attr:migstat", .optional(volume.migrationStatus))
                view.appendNew("os-vol-mig-status-attr:name_id", .optional(volume.nameID))
            }
            if access.tenant { view.appendNew("os-vol-tenant-attr:tenant_id", .optional(volume.projectID)) }
            if !volume.imageMetadata.isEmpty {
                view.appendNew(
                    "volume_image_metadata",
                    .object(
                        JSONObject(volume.imageMetadata.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })
                    )
                )
            }
        }
        return .object(view)
    }

    /// The v1 view of the seed's `cinder/api/v1/volumes.py`: `display_name` and
    /// `display_description`, no links, attachments as `{id, volume_id, server_id, device}`.
    static func v1(
        _ volume: Volume,
        typeName: String?,
        request: APIRequest,
        extended: Bool,
        access: VolumeFieldAccess
    ) -> JSONValue {
        var view: JSONObject = [
            "id": .string(volume.id),
            "status": .string(volume.status.displayed.rawValue),
            "size": .int(volume.size),
            "availability_zone": .optional(volume.availabilityZone),
            "created_at": .optional(APITime.format(volume.createdAt)),
            "attachments": .array(
                volume.attachments.filter { $0.attachStatus == .attached }.map {
                    [
                        "id": .string(volume.id), "volume_id": .string(volume.id),
                        "server_id": .optional($0.instanceUUID), "device": .optional($0.mountpoint),
                    ]
                }
            ),
            "display_name": .optional(volume.displayName),
            "display_description": .optional(volume.displayDescription),
            "volume_type": .string(typeName ?? volume.volumeTypeID),
            "snapshot_id": .optional(volume.snapshotID),
            "source_volid": .optional(volume.sourceVolumeID),
            "metadata": .object(
                JSONObject(volume.metadata.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })
            ),
            "bootable": .string(volume.bootable ? "true" : "false"),
            "encrypted": .bool(volume.encryptionKeyID != nil),
        ]
        if extended {
            if access.host { view.appendNew("os-vol-host-attr:host", .optional(volume.host)) }
            if access.tenant { view.appendNew("os-vol-tenant-attr:tenant_id", .optional(volume.projectID)) }
        }
        return .object(view)
    }

    static func attachment(_ attachment: VolumeAttachment, volume: Volume, showHost: Bool) -> JSONValue {
        [
            "id": .string(volume.id),
            "attachment_id": .string(attachment.id),
            "volume_id": .string(volume.id),
            "server_id": .optional(attachment.instanceUUID),
            "host_name": showHost ? .optional(attachment.attachedHost) : .null,
            "device": .optional(attachment.mountpoint),
            "attached_at": .optional(APITime.format(attachment.attachTime)),
        ]
    }
}

/// cinder's `ViewBuilder._get_links`: `self` under the versioned URL and `bookmark` without
/// the version, both with the project id when the request URL carried one.
enum Links {
    static func make(request: APIRequest, collection: String, id: String) -> JSONValue {
        let base = request.context.hostURL
        let script = request.context.scriptName
        let project = request.parameters["project_id"].map { "/" + $0 } ?? ""
        var versionless = VersionCatalog.removingVersionSuffix(script)
        if versionless.hasSuffix("/") { versionless.removeLast() }
        return [
            ["rel": "self", "href": .string("\(base)\(script)\(project)/\(collection)/\(id)")],
            ["rel": "bookmark", "href": .string("\(base)\(versionless)\(project)/\(collection)/\(id)")],
        ]
    }

    /// The `*_links` next link: the request URL with its query plus `marker`.
    static func next(request: APIRequest, path: String, marker: String) -> JSONValue {
        let base = request.context.hostURL + request.context.scriptName
        let project = request.parameters["project_id"].map { "/" + $0 } ?? ""
        var query = request.query.filter { $0.name != "marker" }
        query.append(("marker", marker))
        let text = query.map { "\(percentEncode($0.name))=\(percentEncode($0.value))" }.joined(separator: "&")
        return [["rel": "next", "href": .string("\(base)\(project)/\(path)?\(text)")]]
    }

    static func percentEncode(_ text: String) -> String {
        var output = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                UInt8(ascii: "~"):
                output.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: " "):
                output += "+"
            default:
                output += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return output
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}

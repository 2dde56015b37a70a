import EmberCore
import EmberWSGI

/// `cinder/api/v3/views/volumes.py` plus the attribute extensions cinder registers on `show`
/// and `detail`: the JSON a volume is shown as, at a given microversion and for a given caller.
///
/// Built once per request: the caller's role, the microversion checks and the link prefixes
/// are worked out here, not once per volume of a page.
struct VolumeViewBuilder: Sendable {
    /// The collection name in links (`volumes`).
    static let collection = "volumes"

    let links: LinkBuilder
    let isAdmin: Bool
    /// Attachments show `host_name` to admins and services only.
    let showsAttachmentHost: Bool
    let showsGroupID: Bool
    let showsProviderID: Bool
    let showsSharedTargets: Bool
    /// From 3.69 `shared_targets` may be null; before, a missing value shows as true.
    let sharedTargetsMayBeNull: Bool
    let showsClusterName: Bool
    let showsTypeID: Bool
    let showsEncryptionKeyID: Bool
    let showsConsumesQuota: Bool
    /// The attribute extensions' fields on show and detail: `os-vol-host-attr` and
    /// `os-vol-mig-status-attr` (admins), `os-vol-tenant-attr`, `os-vol-image-meta`.
    let showsHost: Bool
    let showsMigrationStatus: Bool
    let showsTenant: Bool
    let showsImageMetadata: Bool

    init(request: APIRequest, extensions: ExtensionSet = .standard) {
        let identity = request.identity
        links = LinkBuilder(request: request, collection: Self.collection)
        isAdmin = identity.isAdmin
        showsAttachmentHost = identity.isAdmin || identity.roles.contains("service")
        showsGroupID = request.supports("3.13")
        showsProviderID = request.supports("3.21") && identity.isAdmin
        showsSharedTargets = request.supports("3.48")
        sharedTargetsMayBeNull = request.supports("3.69")
        showsClusterName = request.supports("3.61") && identity.isAdmin
        showsTypeID = request.supports("3.63")
        showsEncryptionKeyID = request.supports("3.64")
        showsConsumesQuota = request.supports("3.65")
        // Each loaded attribute extension still asks its own policy.
        showsHost = extensions.isLoaded("os-vol-host-attr") && request.allows(.volumeExtensionVolumeHostAttribute)
        showsMigrationStatus =
            extensions.isLoaded("os-vol-mig-status-attr") && request.allows(.volumeExtensionVolumeMigStatusAttribute)
        showsTenant =
            extensions.isLoaded("os-vol-tenant-attr") && request.allows(.volumeExtensionVolumeTenantAttribute)
        showsImageMetadata =
            extensions.isLoaded("os-vol-image-meta") && request.allows("volume_extension:volume_image_metadata:show")
    }

    /// The summary entry of `GET /volumes`: `id`, `name`, `links`.
    func summary(_ volume: Volume) -> JSONValue {
        [
            "id": .string(volume.id),
            "name": .optional(volume.displayName),
            "links": links.links(id: volume.id),
        ]
    }

    /// The detail view. `extended` adds the admin and tenant attribute fields that cinder's
    /// controller extensions add on `show` and `detail` (not on create or update).
    func detail(_ volume: Volume, typeName: String?, extended: Bool) -> JSONValue {
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
            "metadata": Self.sortedObject(volume.metadata),
            "links": links.links(id: volume.id),
            "user_id": .optional(volume.userID),
            "bootable": .string(volume.bootable ? "true" : "false"),
            "encrypted": .bool(volume.encryptionKeyID != nil),
            "replication_status": .optional(volume.replicationStatus),
            "consistencygroup_id": .optional(volume.consistencyGroupID),
            "multiattach": .bool(volume.multiattach),
            "attachments": .array(
                volume.attachments.filter { $0.attachStatus == .attached }.map { attachment($0, volume: volume) }
            ),
        ]
        if isAdmin { view.appendNew("migration_status", .optional(volume.migrationStatus)) }
        if showsGroupID { view.appendNew("group_id", .optional(volume.groupID)) }
        if showsProviderID { view.appendNew("provider_id", .optional(volume.providerID)) }
        if showsSharedTargets {
            let shared = volume.sharedTargets ?? (sharedTargetsMayBeNull ? nil : true)
            view.appendNew("shared_targets", shared.map(JSONValue.bool) ?? .null)
            view.appendNew("service_uuid", .optional(volume.serviceUUID))
        }
        if showsClusterName { view.appendNew("cluster_name", .optional(volume.clusterName)) }
        if showsTypeID { view.appendNew("volume_type_id", .string(volume.volumeTypeID)) }
        if showsEncryptionKeyID, let key = volume.encryptionKeyID, key != "00000000-0000-0000-0000-000000000000" {
            view.appendNew("encryption_key_id", .string(key))
        }
        if showsConsumesQuota { view.appendNew("consumes_quota", .bool(volume.useQuota)) }
        if extended {
            if showsHost { view.appendNew("os-vol-host-attr:host", .optional(volume.host)) }
            if showsMigrationStatus {
                view.appendNew("os-vol-mig-status-attr:migstat", .optional(volume.migrationStatus))
                view.appendNew("os-vol-mig-status-attr:name_id", .optional(volume.nameID))
            }
            if showsTenant { view.appendNew("os-vol-tenant-attr:tenant_id", .optional(volume.projectID)) }
            if showsImageMetadata, !volume.imageMetadata.isEmpty {
                view.appendNew("volume_image_metadata", Self.sortedObject(volume.imageMetadata))
            }
        }
        return .object(view)
    }

    /// The v1 view of the seed's `cinder/api/v1/volumes.py`: `display_name` and
    /// `display_description`, no links, attachments as `{id, volume_id, server_id, device}`.
    func v1(_ volume: Volume, typeName: String?, extended: Bool) -> JSONValue {
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
            "metadata": Self.sortedObject(volume.metadata),
            "bootable": .string(volume.bootable ? "true" : "false"),
            "encrypted": .bool(volume.encryptionKeyID != nil),
        ]
        if extended {
            if showsHost { view.appendNew("os-vol-host-attr:host", .optional(volume.host)) }
            if showsTenant { view.appendNew("os-vol-tenant-attr:tenant_id", .optional(volume.projectID)) }
        }
        return .object(view)
    }

    func attachment(_ attachment: VolumeAttachment, volume: Volume) -> JSONValue {
        [
            "id": .string(volume.id),
            "attachment_id": .string(attachment.id),
            "volume_id": .string(volume.id),
            "server_id": .optional(attachment.instanceUUID),
            "host_name": showsAttachmentHost ? .optional(attachment.attachedHost) : .null,
            "device": .optional(attachment.mountpoint),
            "attached_at": .optional(APITime.format(attachment.attachTime)),
        ]
    }

    /// A string map as a JSON object in key order (cinder's dicts print in insertion order,
    /// which is the database's; sorting keeps Ember's output stable).
    static func sortedObject(_ map: [String: String]) -> JSONValue {
        if map.isEmpty { return .object(JSONObject()) }
        return .object(JSONObject(uniqueEntries: map.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }))
    }
}

/// cinder's `ViewBuilder._get_links`: `self` under the versioned URL and `bookmark` without
/// the version, both with the project id when the request URL carried one. The prefixes are
/// worked out once per request.
struct LinkBuilder: Sendable {
    let selfPrefix: String
    let bookmarkPrefix: String

    init(request: APIRequest, collection: String) {
        let base = request.context.hostURL
        let script = request.context.scriptName
        let project = request.parameters["project_id"].map { "/" + $0 } ?? ""
        var versionless = VersionCatalog.removingVersionSuffix(script)
        if versionless.hasSuffix("/") { versionless.removeLast() }
        selfPrefix = base + script + project + "/" + collection + "/"
        bookmarkPrefix = base + versionless + project + "/" + collection + "/"
    }

    func links(id: String) -> JSONValue {
        [
            ["rel": "self", "href": .string(selfPrefix + id)],
            ["rel": "bookmark", "href": .string(bookmarkPrefix + id)],
        ]
    }
}

enum Links {
    static func make(request: APIRequest, collection: String, id: String) -> JSONValue {
        LinkBuilder(request: request, collection: collection).links(id: id)
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

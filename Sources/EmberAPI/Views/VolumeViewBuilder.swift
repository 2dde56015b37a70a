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
    /// The groups of the default cgsnapshot type among the volumes' groups: cinder's view
    /// shows such a `group_id` as `consistencygroup_id` (``GroupAPI/consistencyGroupIDs(among:)``).
    var consistencyGroupIDs: Set<String> = []

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
        let allowed = request.allows([
            .volumeExtensionVolumeHostAttribute, .volumeExtensionVolumeMigStatusAttribute,
            .volumeExtensionVolumeTenantAttribute, .volumeExtensionVolumeImageMetadataShow,
        ])
        showsHost = extensions.isLoaded("os-vol-host-attr") && allowed[0]
        showsMigrationStatus = extensions.isLoaded("os-vol-mig-status-attr") && allowed[1]
        showsTenant = extensions.isLoaded("os-vol-tenant-attr") && allowed[2]
        showsImageMetadata = extensions.isLoaded("os-vol-image-meta") && allowed[3]
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
        var tree = JSONTreeBuilder()
        writeDetail(volume, typeName: typeName, extended: extended, into: &tree)
        return tree.result
    }

    /// ``detail(_:typeName:extended:)`` written into a sink: straight to bytes on list pages.
    func writeDetail<Sink: JSONSink>(_ volume: Volume, typeName: String?, extended: Bool, into sink: inout Sink) {
        sink.beginObject()
        sink.field("id", volume.id)
        sink.field("status", volume.status.displayed.rawValue)
        sink.key("size")
        sink.int(volume.size)
        sink.field("availability_zone", volume.availabilityZone)
        APITime.field("created_at", volume.createdAt, into: &sink)
        APITime.field("updated_at", volume.updatedAt, into: &sink)
        sink.field("name", volume.displayName)
        sink.field("description", volume.displayDescription)
        sink.field("volume_type", typeName ?? volume.volumeTypeID)
        sink.field("snapshot_id", volume.snapshotID)
        sink.field("source_volid", volume.sourceVolumeID)
        sink.key("metadata")
        sink.sortedObject(volume.metadata)
        sink.key("links")
        links.write(id: volume.id, into: &sink)
        sink.field("user_id", volume.userID)
        sink.field("bootable", volume.bootable ? "true" : "false")
        sink.key("encrypted")
        sink.bool(volume.encryptionKeyID != nil)
        sink.field("replication_status", volume.replicationStatus)
        sink.field(
            "consistencygroup_id",
            volume.groupID.flatMap { consistencyGroupIDs.contains($0) ? $0 : nil } ?? volume.consistencyGroupID
        )
        sink.key("multiattach")
        sink.bool(volume.multiattach)
        sink.key("attachments")
        sink.beginArray()
        for attachment in volume.attachments where attachment.attachStatus == .attached {
            writeAttachment(attachment, volume: volume, into: &sink)
        }
        sink.end()
        if isAdmin { sink.field("migration_status", volume.migrationStatus) }
        if showsGroupID { sink.field("group_id", volume.groupID) }
        if showsProviderID { sink.field("provider_id", volume.providerID) }
        if showsSharedTargets {
            sink.key("shared_targets")
            if let shared = volume.sharedTargets ?? (sharedTargetsMayBeNull ? nil : true) {
                sink.bool(shared)
            } else {
                sink.null()
            }
            sink.field("service_uuid", volume.serviceUUID)
        }
        if showsClusterName { sink.field("cluster_name", volume.clusterName) }
        if showsTypeID { sink.field("volume_type_id", volume.volumeTypeID) }
        if showsEncryptionKeyID, let key = volume.encryptionKeyID, key != "00000000-0000-0000-0000-000000000000" {
            sink.field("encryption_key_id", key)
        }
        if showsConsumesQuota {
            sink.key("consumes_quota")
            sink.bool(volume.useQuota)
        }
        if extended {
            if showsHost { sink.field("os-vol-host-attr:host", volume.host) }
            if showsMigrationStatus {
                sink.field("os-vol-mig-status-attr:migstat", volume.migrationStatus)
                sink.field("os-vol-mig-status-attr:name_id", volume.nameID)
            }
            if showsTenant { sink.field("os-vol-tenant-attr:tenant_id", volume.projectID) }
            if showsImageMetadata, !volume.imageMetadata.isEmpty {
                sink.key("volume_image_metadata")
                sink.sortedObject(volume.imageMetadata)
            }
        }
        sink.end()
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

    func writeAttachment<Sink: JSONSink>(_ attachment: VolumeAttachment, volume: Volume, into sink: inout Sink) {
        sink.beginObject()
        sink.field("id", volume.id)
        sink.field("attachment_id", attachment.id)
        sink.field("volume_id", volume.id)
        sink.field("server_id", attachment.instanceUUID)
        sink.field("host_name", showsAttachmentHost ? attachment.attachedHost : nil)
        sink.field("device", attachment.mountpoint)
        APITime.field("attached_at", attachment.attachTime, into: &sink)
        sink.end()
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
        var tree = JSONTreeBuilder()
        write(id: id, into: &tree)
        return tree.result
    }

    func write<Sink: JSONSink>(id: String, into sink: inout Sink) {
        sink.beginArray()
        sink.beginObject()
        sink.field("rel", "self")
        sink.key("href")
        sink.string(selfPrefix, id)
        sink.end()
        sink.beginObject()
        sink.field("rel", "bookmark")
        sink.key("href")
        sink.string(bookmarkPrefix, id)
        sink.end()
        sink.end()
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

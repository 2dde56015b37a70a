import EmberCore
import EmberImage
import EmberVolume
import EmberWSGI

/// `cinder/api/v3/volumes.py` with the volume attribute extensions: the `/volumes` resource.
struct VolumesController {
    let api: VolumeAPI
    var flavor: APIFlavor = .v3
    var extensions: ExtensionSet = .standard

    /// Every filter an admin may use (the resource's columns and filters). Non-admins may use
    /// what `resource_query_filters_file` configures for `volume`.
    static let adminFilters: Set<String> = [
        "name", "status", "metadata", "bootable", "migration_status", "availability_zone", "group_id", "size",
        "created_at", "updated_at", "consumes_quota",
        "description", "project_id", "user_id", "host", "volume_type_id", "snapshot_id", "source_volid",
        "image_metadata", "glance_metadata", "id", "multiattach", "replication_status", "attach_status",
    ]

    func controller() -> APIController {
        var controller = APIController(name: "volumes")
        controller.method("index") { request in try await list(request, detailed: false) }
        controller.method("detail") { request in try await list(request, detailed: true) }
        controller.method("show") { request in
            let volume = Self.visible(try await request.authorizedVolume(try request.id(), api: api))
            guard flavor != .v1 else {
                return APIResponse(body: ["volume": try await detail(volume, request: request, extended: true)])
            }
            // Written straight to JSON text, as list pages are (an extension reading the body
            // still gets a tree).
            let typeName = await api.types.name(id: volume.volumeTypeID)
            var builder = VolumeViewBuilder(request: request, extensions: extensions)
            builder.consistencyGroupIDs = try await api.groups.consistencyGroupIDs(
                among: Set([volume.groupID].compactMap { $0 })
            )
            var writer = JSONWriter(capacity: 1_536)
            writer.beginObject()
            writer.key("volume")
            builder.writeDetail(volume, typeName: typeName, extended: true, into: &writer)
            writer.end()
            return APIResponse(encodedBody: writer.finish())
        }
        controller.method("create") { request in try await create(request) }
        controller.method("update") { request in try await update(request) }
        controller.method("delete") { request in
            let force = try request.supports("3.23") ? request.boolQuery("force") : false
            _ = try await request.authorizedVolume(
                try request.id(),
                api: api,
                action: force ? .volumeForceDelete : .volumeDelete
            )
            try await api.deleteVolume(
                id: try request.id(),
                cascade: try request.boolQuery("cascade"),
                force: force,
                caller: request.identity,
                requestID: request.context.requestID
            )
            return .accepted
        }
        controller.method("summary", minimum: "3.12") { request in
            try request.authorize(.volumeGetAll)
            let summary = try await api.summary(scope: api.scope(for: request.identity, allTenants: request.allTenants))
            var body: JSONObject = ["total_size": .int(summary.size), "total_count": .int(summary.count)]
            if request.supports("3.36") {
                body["metadata"] = .object(
                    JSONObject(
                        summary.metadata.sorted { $0.key < $1.key }.map {
                            ($0.key, .array($0.value.map(JSONValue.string)))
                        }
                    )
                )
            }
            return APIResponse(body: ["volume-summary": .object(body)])
        }
        return controller
    }

    func detail(_ volume: Volume, request: APIRequest, extended: Bool) async throws -> JSONValue {
        let typeName = await api.types.name(id: volume.volumeTypeID)
        var builder = VolumeViewBuilder(request: request, extensions: extensions)
        builder.consistencyGroupIDs = try await api.groups.consistencyGroupIDs(
            among: Set([volume.groupID].compactMap { $0 })
        )
        return view(volume, typeName: typeName, builder: builder, extended: extended)
    }

    func view(_ volume: Volume, typeName: String?, builder: VolumeViewBuilder, extended: Bool) -> JSONValue {
        if flavor == .v1 {
            return builder.v1(volume, typeName: typeName, extended: extended)
        }
        return builder.detail(volume, typeName: typeName, extended: extended)
    }

    func list(_ request: APIRequest, detailed: Bool) async throws -> APIResponse {
        try request.authorize(.volumeGetAll)
        let parameters = try ListParameters.parse(
            request,
            scope: api.scope(for: request.identity, allTenants: request.allTenants),
            maxLimit: api.configuration.maxLimit,
            resource: "volume",
            filters: api.configuration.resourceFilters,
            knownFilters: Self.adminFilters
        )
        let page = try await api.listVolumes(parameters.query)
        // One type lookup per distinct type on the page, not one per volume.
        var typeNames: [String: String] = [:]
        if detailed || flavor == .v1 {
            for typeID in Set(page.items.map(\.volumeTypeID)) {
                typeNames[typeID] = await api.types.name(id: typeID)
            }
        }
        // The page is written straight to JSON text: no tree for a hundred volumes.
        var builder = VolumeViewBuilder(request: request, extensions: extensions)
        if detailed && flavor != .v1 {
            builder.consistencyGroupIDs = try await api.groups.consistencyGroupIDs(
                among: Set(page.items.compactMap(\.groupID))
            )
        }
        var writer = JSONWriter(capacity: 512 + page.items.count * (detailed ? 1_200 : 300))
        writer.beginObject()
        writer.key("volumes")
        writer.beginArray()
        let next = page.items.count >= parameters.effectiveLimit ? page.items.last?.id : nil
        let count = page.count
        var volumes = (consume page).items
        write(draining: &volumes, typeNames: typeNames, detailed: detailed, builder: builder, into: &writer)
        writer.end()
        if let next {
            writer.key("volumes_links")
            writer.value(Links.next(request: request, path: detailed ? "volumes/detail" : "volumes", marker: next))
        }
        if parameters.query.withCount, let count {
            writer.key("count")
            writer.int(count)
        }
        writer.end()
        return APIResponse(encodedBody: writer.finish())
    }

    /// The page's volumes, each moved out of the array as it is written: reading one in place
    /// copies it (a retain and a release for each of its two dozen strings), as the compiler
    /// cannot tell that writing the view leaves the array alone.
    private func write(
        draining volumes: inout [Volume],
        typeNames: [String: String],
        detailed: Bool,
        builder: VolumeViewBuilder,
        into writer: inout JSONWriter
    ) {
        volumes.reverse()
        // Pages mostly hold one or two types: compare with the last one before hashing.
        var last: (id: String, name: String?)?
        while let volume = volumes.popLast() {
            let typeName: String?
            if let last, last.id == volume.volumeTypeID {
                typeName = last.name
            } else {
                typeName = typeNames[volume.volumeTypeID]
                last = (volume.volumeTypeID, typeName)
            }
            if flavor == .v1 {
                writer.value(builder.v1(Self.visible(volume), typeName: typeName, extended: true))
            } else if !detailed {
                writer.value(builder.summary(volume))
            } else if Self.addsAdminMetadata(volume) {
                builder.writeDetail(Self.visible(volume), typeName: typeName, extended: true, into: &writer)
            } else {
                builder.writeDetail(volume, typeName: typeName, extended: true, into: &writer)
            }
        }
    }

    func create(_ request: APIRequest) async throws -> APIResponse {
        let body = request.body ?? .null
        if let error = VolumeSchemas.create(version: request.version).validate(body) {
            throw EmberError.badRequest(error)
        }
        guard case .object(let volume)? = body["volume"] else {
            throw EmberError.badRequest("'volume' is a required property")
        }
        // cinder resolves `imageRef` (`image_id`) first, then checks `volume:create_from_image`
        // (`volume_api.create`), then `volume:create` (the create flow).
        var image: GlanceImage?
        // `image_id`, when given (even null), replaces `imageRef`, as cinder's controller pops it over.
        if let ref = (volume.keys.contains("image_id") ? volume["image_id"] : volume["imageRef"])?.stringValue {
            image = try await api.resolveImageRef(ref, caller: request.identity, requestID: request.context.requestID)
            try request.authorize(.volumeCreateFromImage)
        }
        // MARK: from a backup (3.47)
        // cinder's controller: `backup_api.get` (404 for a backup the caller cannot see, then
        // `backup:get` on it) before `volume_api.create`. 3.47 adds `backup_id` to the schema,
        // but cinder's v3 controller reads it at every microversion (the schemas before 3.53
        // allow other properties), so Ember does too.
        var backup: Backup?
        if flavor == .v3, let backupID = volume["backup_id"]?.stringValue {
            let found = try await api.backups.get(id: backupID, caller: request.identity)
            try request.authorize(.backupGet, target: found.policyTarget)
            backup = found
        }
        // MARK: end from a backup
        try request.authorize(.volumeCreate)
        if ParameterTypes.bool(volume["multiattach"]) == true { try request.authorize(.volumeMultiattach) }
        let size: Int?
        switch volume["size"] {
        case .int(let value)?: size = value
        case .string(let text)?: size = Int(text)
        default: size = nil
        }
        var metadata: [String: String] = [:]
        for entry in volume["metadata"]?.objectValue?.entries ?? [] { metadata[entry.key] = entry.value.stringValue }
        var create = VolumeCreateRequest(
            size: size,
            name: (volume["name"] ?? volume["display_name"])?.stringValue?.trimmingWhitespace(),
            description: (volume["description"] ?? volume["display_description"])?.stringValue?.trimmingWhitespace(),
            metadata: metadata,
            availabilityZone: volume["availability_zone"]?.stringValue,
            volumeType: volume["volume_type"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 },
            snapshotID: volume["snapshot_id"]?.stringValue,
            sourceVolumeID: volume["source_volid"]?.stringValue,
            multiattach: ParameterTypes.bool(volume["multiattach"]) ?? false,
            schedulerHints: body["OS-SCH-HNT:scheduler_hints"].flatMap { $0 == .null ? nil : $0 },
            image: image,
            backup: backup
        )
        // `consistencygroup_id`, then `group_id` (3.13 adds it to the schema; cinder's v3
        // controller reads both at every microversion): each group must be the caller's to
        // see (`group_api.get`); the volume joins the last one given.
        if flavor == .v3, let groupID = volume["consistencygroup_id"]?.stringValue {
            let group = try await api.groups.get(id: groupID, caller: request.identity)
            try request.authorize(.groupGet, target: group.policyTarget)
            create.group = group
        }
        if flavor == .v3, let groupID = volume["group_id"]?.stringValue {
            let group = try await api.groups.get(id: groupID, caller: request.identity)
            try request.authorize(.groupGet, target: group.policyTarget)
            create.group = group
        }
        let created = try await api.createVolume(
            create,
            caller: request.identity,
            requestID: request.context.requestID,
            authorizeMultiattach: { try request.authorize(.volumeMultiattach) }
        )
        // The 2013 v1 controller had no @wsgi.response(202): its creates answered 200.
        return APIResponse(
            status: flavor == .v1 ? .ok : .accepted,
            body: ["volume": try await detail(created, request: request, extended: false)]
        )
    }

    func update(_ request: APIRequest) async throws -> APIResponse {
        let body = request.body ?? .null
        if let error = VolumeSchemas.update(version: request.version).validate(body) {
            throw EmberError.badRequest(error)
        }
        let volume = body["volume"]?.objectValue ?? JSONObject()
        func field(_ names: String...) -> String?? {
            for name in names {
                if let value = volume[name] { return .some(value.stringValue?.trimmingWhitespace()) }
            }
            return nil
        }
        var metadata: [String: String]?
        if let object = volume["metadata"]?.objectValue {
            metadata = Dictionary(
                uniqueKeysWithValues: object.entries.compactMap { entry in
                    entry.value.stringValue.map { (entry.key, $0) }
                }
            )
        }
        _ = try await request.authorizedVolume(try request.id(), api: api, action: .volumeUpdate)
        let updated = try await api.updateVolume(
            id: try request.id(),
            name: field("name", "display_name"),
            description: field("description", "display_description"),
            metadata: metadata,
            caller: request.identity
        )
        return APIResponse(
            body: ["volume": try await detail(Self.visible(updated), request: request, extended: false)]
        )
    }

    /// `api_utils.add_visible_admin_metadata`: show, detail and update list the `readonly`
    /// and `attached_mode` admin metadata among the metadata (admin values win).
    static func visible(_ volume: Volume) -> Volume {
        guard addsAdminMetadata(volume) else { return volume }
        var volume = volume
        for key in ["readonly", "attached_mode"] {
            if let value = volume.adminMetadata[key] { volume.metadata[key] = value }
        }
        return volume
    }

    /// Whether ``visible(_:)`` changes the volume.
    static func addsAdminMetadata(_ volume: Volume) -> Bool {
        !volume.adminMetadata.isEmpty
            && (volume.adminMetadata["readonly"] != nil || volume.adminMetadata["attached_mode"] != nil)
    }
}

extension APIRequest {
    /// The `{id}` path parameter.
    func id() throws -> String {
        try parameter("id")
    }

    /// `all_tenants` as cinder reads it: present and truthy, for admins only.
    var allTenants: Bool {
        guard identity.isAdmin, let value = queryValue("all_tenants") else { return false }
        return ParameterTypes.bool(.string(value)) ?? !value.isEmpty
    }

    /// A boolean query parameter (`cascade`, `force`); absent is false, garbage is a 400.
    func boolQuery(_ name: String) throws -> Bool {
        guard let text = queryValue(name) else { return false }
        guard let value = ParameterTypes.bool(.string(text)) else {
            throw EmberError.badRequest("Invalid value '\(text)' for \(name); expected a boolean.")
        }
        return value
    }
}

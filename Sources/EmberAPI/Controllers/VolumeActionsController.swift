import EmberCore
import EmberVolume
import EmberWSGI

/// The volume actions of `cinder/api/contrib/volume_actions.py` (the `os-volume-actions`
/// extension) and the core `revert` action of `cinder/api/v3/volumes.py`: a controller
/// extension merged into `volumes`, so `POST /volumes/{id}/action` dispatches on the body key.
struct VolumeActionsController {
    let api: VolumeAPI

    func controller() -> APIController {
        var controller = APIController(name: "volume_actions")
        controller.action("os-attach") { try await attach($0) }
        controller.action("os-detach") { try await detach($0) }
        controller.action("os-reserve") { try await reserve($0) }
        controller.action("os-unreserve") { try await unreserve($0) }
        controller.action("os-begin_detaching") { try await beginDetaching($0) }
        controller.action("os-roll_detaching") { try await rollDetaching($0) }
        controller.action("os-initialize_connection") { try await initializeConnection($0) }
        controller.action("os-terminate_connection") { try await terminateConnection($0) }
        controller.action("os-extend") { try await extend($0) }
        controller.action("os-set_bootable") { try await setBootable($0) }
        controller.action("os-update_readonly_flag") { try await updateReadonlyFlag($0) }
        controller.action("os-retype") { try await retype($0) }
        controller.action("os-volume_upload_image") { request in try await uploadImage(request) }
        controller.action("os-reimage", minimum: "3.68") { try await reimage($0) }
        controller.action("revert", minimum: "3.40") { try await revert($0) }
        return controller
    }

    // MARK: - The actions

    /// `os-attach` (`volume_api.attach`): the backend records a legacy attachment.
    func attach(_ request: APIRequest) async throws -> APIResponse {
        let body = try Self.validate(request, VolumeActionSchemas.attach, "os-attach")
        _ = try await request.authorizedVolume(
            try request.id(),
            api: api,
            action: .volumeExtensionVolumeActionsAttach
        )
        let attach = AttachRequest(
            instanceUUID: body["instance_uuid"]?.stringValue,
            hostName: body["host_name"]?.stringValue,
            mountpoint: body["mountpoint"]?.stringValue ?? "",
            mode: body["mode"]?.stringValue ?? "rw"
        )
        _ = try await api.attach(
            id: try request.id(),
            attach,
            caller: request.identity,
            requestID: request.context.requestID
        )
        return .empty(.accepted)
    }

    /// `os-detach` (`volume_api.detach`): the backend removes an attachment.
    func detach(_ request: APIRequest) async throws -> APIResponse {
        let body = try Self.validate(request, VolumeActionSchemas.detach, "os-detach")
        _ = try await request.authorizedVolume(
            try request.id(),
            api: api,
            action: .volumeExtensionVolumeActionsDetach
        )
        try await api.detach(
            id: try request.id(),
            attachmentID: body["attachment_id"]?.stringValue,
            caller: request.identity,
            requestID: request.context.requestID
        )
        return .empty(.accepted)
    }

    /// `os-reserve`: the volume is marked `attaching`.
    func reserve(_ request: APIRequest) async throws -> APIResponse {
        try await mark(request, VolumeActionSchemas.reserve, "os-reserve", .volumeExtensionVolumeActionsReserve) {
            try await api.reserveVolume(id: $0, caller: $1)
        }
    }

    /// `os-unreserve`: an `attaching` volume goes back to `in-use` or `available`.
    func unreserve(_ request: APIRequest) async throws -> APIResponse {
        try await mark(request, VolumeActionSchemas.unreserve, "os-unreserve", .volumeExtensionVolumeActionsUnreserve) {
            try await api.unreserveVolume(id: $0, caller: $1)
        }
    }

    /// `os-begin_detaching`: an attached volume is marked `detaching`.
    func beginDetaching(_ request: APIRequest) async throws -> APIResponse {
        try await mark(
            request,
            VolumeActionSchemas.beginDetaching,
            "os-begin_detaching",
            .volumeExtensionVolumeActionsBeginDetaching
        ) {
            try await api.beginDetaching(id: $0, caller: $1)
        }
    }

    /// `os-roll_detaching`: a `detaching` volume goes back to `in-use`.
    func rollDetaching(_ request: APIRequest) async throws -> APIResponse {
        try await mark(
            request,
            VolumeActionSchemas.rollDetaching,
            "os-roll_detaching",
            .volumeExtensionVolumeActionsRollDetaching
        ) {
            try await api.rollDetaching(id: $0, caller: $1)
        }
    }

    /// The database-only attach marks: the body checked against `schema`, the volume and
    /// `policy` checked, then `change` made on the volume API; 202 with an empty body.
    func mark(
        _ request: APIRequest,
        _ schema: Schema,
        _ action: String,
        _ policy: PolicyAction,
        _ change: (String, Identity) async throws -> Void
    ) async throws -> APIResponse {
        _ = try Self.validate(request, schema, action)
        let id = try request.id()
        _ = try await request.authorizedVolume(id, api: api, action: policy)
        try await change(id, request.identity)
        return .empty(.accepted)
    }

    /// `os-initialize_connection`: the backend's connection info for a connector.
    func initializeConnection(_ request: APIRequest) async throws -> APIResponse {
        let body = try Self.validate(request, VolumeActionSchemas.initializeConnection, "os-initialize_connection")
        _ = try await request.authorizedVolume(
            try request.id(),
            api: api,
            action: .volumeExtensionVolumeActionsInitializeConnection
        )
        let connector = body["connector"] ?? .null
        var info = try await api.initializeConnection(
            id: try request.id(),
            connector: connector,
            caller: request.identity,
            requestID: request.context.requestID
        )
        // cinder then reads `connector.get('enforce_multipath', False)`; a string
        // connector has no `get`, which cinder answers with a 500.
        guard case .object(let fields) = connector, case .object(var object) = info else {
            throw EmberError.internalError
        }
        object["enforce_multipath"] = fields["enforce_multipath"] ?? false
        info = .object(object)
        return APIResponse(body: ["connection_info": info])
    }

    /// `os-terminate_connection`: the backend tears a connection down.
    func terminateConnection(_ request: APIRequest) async throws -> APIResponse {
        let body = try Self.validate(request, VolumeActionSchemas.terminateConnection, "os-terminate_connection")
        _ = try await request.authorizedVolume(
            try request.id(),
            api: api,
            action: .volumeExtensionVolumeActionsTerminateConnection
        )
        try await api.terminateConnection(
            id: try request.id(),
            connector: body["connector"] ?? .null,
            caller: request.identity,
            requestID: request.context.requestID
        )
        return .empty(.accepted)
    }

    /// `os-extend`: grows the volume (an attached one from 3.42).
    func extend(_ request: APIRequest) async throws -> APIResponse {
        let body = try Self.validate(request, VolumeActionSchemas.extend, "os-extend")
        _ = try await request.authorizedVolume(try request.id(), api: api, action: .volumeExtend)
        let newSize: Int
        switch body["new_size"] {
        case .int(let value)?: newSize = value
        case .string(let text)?: newSize = Int(text) ?? 0
        default: newSize = 0
        }
        let id = try request.id()
        let volume = try await api.volume(id: id, caller: request.identity)
        try await api.extendVolume(
            id: id,
            newSize: newSize,
            attached: request.supports("3.42") && volume.status == .inUse,
            caller: request.identity,
            requestID: request.context.requestID
        )
        return .empty(.accepted)
    }

    /// `os-set_bootable`: sets the bootable flag.
    func setBootable(_ request: APIRequest) async throws -> APIResponse {
        let body = try Self.validate(request, VolumeActionSchemas.setBootable, "os-set_bootable")
        _ = try await request.authorizedVolume(try request.id(), api: api, action: .volumeUpdate)
        try await api.setBootable(
            id: try request.id(),
            ParameterTypes.bool(body["bootable"]) ?? false,
            caller: request.identity
        )
        return .empty(.ok)
    }

    /// `os-update_readonly_flag`: sets the `readonly` admin metadata.
    func updateReadonlyFlag(_ request: APIRequest) async throws -> APIResponse {
        let body = try Self.validate(request, VolumeActionSchemas.readonlyUpdate, "os-update_readonly_flag")
        _ = try await request.authorizedVolume(try request.id(), api: api, action: .volumeUpdateReadonlyFlag)
        try await api.updateReadonlyFlag(
            id: try request.id(),
            ParameterTypes.bool(body["readonly"]) ?? false,
            caller: request.identity
        )
        return .empty(.accepted)
    }

    /// `os-retype`: a new volume type, in place or by migration (`migration_policy`).
    func retype(_ request: APIRequest) async throws -> APIResponse {
        let body = try Self.validate(request, VolumeActionSchemas.retype, "os-retype")
        _ = try await request.authorizedVolume(try request.id(), api: api, action: .volumeRetype)
        try await api.retype(
            id: try request.id(),
            newType: body["new_type"]?.stringValue ?? "",
            migrationPolicy: body["migration_policy"]?.stringValue,
            caller: request.identity,
            requestID: request.context.requestID,
            authorizeMultiattach: { try request.authorize(.volumeMultiattach) }
        )
        return .empty(.accepted)
    }

    /// `os-reimage` (3.68): writes an image over the volume.
    func reimage(_ request: APIRequest) async throws -> APIResponse {
        let body = try Self.validate(request, VolumeActionSchemas.reimage, "os-reimage")
        let volume = try await request.authorizedVolume(try request.id(), api: api)
        // `volume:reimage_reserved` for a `reserved` volume, else `volume:reimage`.
        try request.authorize(
            volume.status == .reserved ? .volumeReimageReserved : .volumeReimage,
            target: volume.policyTarget
        )
        try await api.reimage(
            id: try request.id(),
            imageID: body["image_id"]?.stringValue ?? "",
            reimageReserved: ParameterTypes.bool(body["reimage_reserved"]) ?? false,
            caller: request.identity,
            requestID: request.context.requestID
        )
        return .empty(.accepted)
    }

    /// `revert` (3.40): puts the latest snapshot's data back.
    func revert(_ request: APIRequest) async throws -> APIResponse {
        let body = try Self.validate(request, VolumeActionSchemas.revert, "revert")
        _ = try await request.authorizedVolume(try request.id(), api: api, action: .volumeRevertToSnapshot)
        try await api.revertToSnapshot(
            volumeID: try request.id(),
            snapshotID: body["snapshot_id"]?.stringValue,
            caller: request.identity,
            requestID: request.context.requestID
        )
        return .empty(.accepted)
    }

    /// `_volume_upload_image`: creates the image in Glance and has the backend upload the
    /// volume's data into it; answers with the volume and the new image.
    func uploadImage(_ request: APIRequest) async throws -> APIResponse {
        let body = try Self.validate(
            request,
            VolumeActionSchemas.uploadImage(version: request.version),
            "os-volume_upload_image"
        )
        _ = try await request.authorizedVolume(
            try request.id(),
            api: api,
            action: .volumeExtensionVolumeActionsUploadImage
        )
        var upload = ImageUploadRequest(
            imageName: body["image_name"]?.stringValue ?? "",
            force: ParameterTypes.bool(body["force"]) ?? false,
            diskFormat: body["disk_format"]?.stringValue ?? "raw",
            containerFormat: body["container_format"]?.stringValue ?? "bare"
        )
        if request.supports("3.1") {
            upload.visibility = body["visibility"]?.stringValue ?? "private"
            upload.isProtected = ParameterTypes.bool(body["protected"]) ?? false
            if upload.visibility == "public" { try request.authorize(.volumeExtensionVolumeActionsUploadPublic) }
        }
        let result = try await api.copyVolumeToImage(
            id: try request.id(),
            upload,
            caller: request.identity,
            requestID: request.context.requestID
        )
        return APIResponse(status: .accepted, body: ["os-volume_upload_image": Self.uploadView(result)])
    }

    /// The answer of `volume_api.copy_volume_to_image`: the volume's fields, its type as the
    /// volume type object (oslo's `to_primitive` of cinder's `VolumeType`), the image's.
    static func uploadView(_ result: ImageUpload) -> JSONValue {
        let volume = result.volume
        let image = result.image
        var type: JSONValue = .null
        if let volumeType = result.volumeType {
            type = [
                "created_at": .optional(APITime.format(volumeType.createdAt)),
                "updated_at": .optional(APITime.format(volumeType.updatedAt)),
                "deleted_at": .optional(APITime.format(volumeType.deletedAt)),
                "deleted": .bool(volumeType.deleted),
                "id": .string(volumeType.id),
                "name": .string(volumeType.name),
                "description": .optional(volumeType.description),
                "is_public": .bool(volumeType.isPublic),
                "projects": [],
                "extra_specs": .object(
                    JSONObject(volumeType.extraSpecs.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })
                ),
                "qos_specs_id": .optional(volumeType.qosSpecsID),
            ]
        }
        var view: JSONObject = [
            "id": .string(volume.id),
            "updated_at": .optional(APITime.format(volume.updatedAt)),
            "status": "uploading",
            "display_description": .optional(volume.displayDescription),
            "size": .int(volume.size),
            "volume_type": type,
            "image_id": .string(image.id),
            "container_format": image.fields["container_format"] ?? .null,
            "disk_format": image.fields["disk_format"] ?? .null,
            "image_name": image.fields["name"] ?? .null,
        ]
        if let value = image.fields["protected"] { view["protected"] = value }
        if let value = image.fields["visibility"] { view["visibility"] = value }
        return .object(view)
    }

    /// Validates the whole body against the action's schema (cinder's `@validation.schema`)
    /// and returns the action's value (`.null` for a null or absent value).
    /// The action's own object (`body[name]`) after checking the body against `schema`.
    static func validate(_ request: APIRequest, _ schema: Schema, _ name: String) throws -> JSONValue {
        try request.validatedBody(schema)[name] ?? .null
    }
}

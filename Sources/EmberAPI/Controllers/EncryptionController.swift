import EmberCore
import EmberVolume
import EmberWSGI

/// `encryption` (`cinder/api/contrib/volume_type_encryption.py`): the encryption of a volume
/// type under `/types/{type_id}/encryption`, admin-only by cinder's default policies. The
/// `{id}` of update and delete is not read (cinder's routes name it `encryption_id`).
struct VolumeTypeEncryptionController {
    let api: VolumeAPI

    func controller() -> APIController {
        var controller = APIController(name: "encryption")
        controller.method("index") { request in
            try request.authorize(.volumeExtensionVolumeTypeEncryptionGet)
            let encryption = try await api.encryptionTypes.get(volumeTypeID: try request.parameter("type_id"))
            return APIResponse(body: .object(encryption.map(Self.view) ?? JSONObject()))
        }
        controller.method("show") { request in
            try request.authorize(.volumeExtensionVolumeTypeEncryptionGet)
            let typeID = try request.parameter("type_id")
            let key = try request.id()
            guard let encryption = try await api.encryptionTypes.get(volumeTypeID: typeID),
                let value = Self.view(encryption)[key]
            else { throw EncryptionTypeAPI.notFound(typeID) }
            return APIResponse(body: .object(JSONObject(uniqueEntries: [(key, value)])))
        }
        controller.method("create") { request in
            // cinder's `@validation.schema` checks the body before the method's policy.
            let body = try request.validatedBody(EncryptionSchemas.create)
            try request.authorize(.volumeExtensionVolumeTypeEncryptionCreate)
            var fields = Self.normalized(body["encryption"]?.objectValue ?? JSONObject())
            let created = try await api.encryptionTypes.create(
                volumeTypeID: try request.parameter("type_id"),
                provider: fields["provider"]?.stringValue,
                cipher: fields["cipher"]?.stringValue,
                keySize: Self.integer(fields["key_size"]),
                controlLocation: fields["control_location"]?.stringValue
            )
            // cinder answers with the body it was given, `key_size` made an integer, and the
            // two keys its db API adds to that same dict: the type's id and the new row's.
            if fields["volume_type_id"] == nil { fields["volume_type_id"] = .string(created.volumeTypeID) }
            if fields["encryption_id"] == nil { fields["encryption_id"] = .string(created.encryptionID) }
            return APIResponse(body: ["encryption": .object(fields)])
        }
        controller.method("update") { request in
            // cinder's `@validation.schema` checks the body before the method's policy.
            let body = try request.validatedBody(EncryptionSchemas.update)
            try request.authorize(.volumeExtensionVolumeTypeEncryptionUpdate)
            let fields = Self.normalized(body["encryption"]?.objectValue ?? JSONObject())
            var changes = VolumeTypeEncryptionChanges()
            if let provider = fields["provider"] { changes.provider = .some(provider.stringValue) }
            if let cipher = fields["cipher"] { changes.cipher = .some(cipher.stringValue) }
            if let keySize = fields["key_size"] { changes.keySize = .some(Self.integer(keySize)) }
            if let location = fields["control_location"] { changes.controlLocation = .some(location.stringValue) }
            _ = try await api.encryptionTypes.update(volumeTypeID: try request.parameter("type_id"), changes)
            return APIResponse(body: ["encryption": .object(fields)])
        }
        controller.method("delete") { request in
            try request.authorize(.volumeExtensionVolumeTypeEncryptionDelete)
            try await api.encryptionTypes.delete(volumeTypeID: try request.parameter("type_id"))
            return APIResponse(status: .accepted)
        }
        return controller
    }

    /// The request's `encryption` with `key_size` as cinder keeps it (`int(key_size)`).
    static func normalized(_ fields: JSONObject) -> JSONObject {
        var fields = fields
        if let keySize = fields["key_size"] { fields["key_size"] = EncryptionSchemas.keySize(keySize) ?? .null }
        return fields
    }

    static func integer(_ value: JSONValue?) -> Int? {
        if case .int(let number)? = value { return number }
        return nil
    }

    /// The row as cinder's index and show read it (every column of the model).
    static func view(_ encryption: VolumeTypeEncryption) -> JSONObject {
        [
            "volume_type_id": .string(encryption.volumeTypeID),
            "encryption_id": .string(encryption.encryptionID),
            "provider": encryption.provider.map(JSONValue.string) ?? .null,
            "cipher": encryption.cipher.map(JSONValue.string) ?? .null,
            "key_size": encryption.keySize.map(JSONValue.int) ?? .null,
            "control_location": encryption.controlLocation.map(JSONValue.string) ?? .null,
            "created_at": APITime.format(encryption.createdAt).map(JSONValue.string) ?? .null,
            "updated_at": APITime.format(encryption.updatedAt).map(JSONValue.string) ?? .null,
            "deleted_at": APITime.format(encryption.deletedAt).map(JSONValue.string) ?? .null,
            "deleted": .bool(encryption.deleted),
        ]
    }
}

/// `os-volume-encryption-metadata` (`cinder/api/contrib/volume_encryption_metadata.py`): what
/// os-brick and Nova read to attach an encrypted volume, under `/volumes/{volume_id}/encryption`.
struct VolumeEncryptionMetadataController {
    let api: VolumeAPI

    func controller() -> APIController {
        var controller = APIController(name: "encryption")
        controller.method("index") { request in
            APIResponse(body: .object(try await metadata(request)))
        }
        controller.method("show") { request in
            let metadata = try await metadata(request)
            let key = try request.id()
            guard let value = metadata[key] else {
                // cinder's `encryption_item[id]` raises KeyError, which its fault wrapper answers
                // with a 500; Ember answers the missing key as not found.
                throw EmberError.notFound("Volume \(try request.parameter("volume_id")) has no encryption key \(key).")
            }
            return Self.bareValue(value)
        }
        return controller
    }

    /// `volume_encryption_metadata_get`: the volume's key id, and the type's
    /// `control_location`, `cipher`, `key_size` and `provider` when it is encrypted. The
    /// volume is read as `objects.Volume.get_by_id` (the caller's project unless admin), then
    /// the policy is checked on it.
    func metadata(_ request: APIRequest) async throws -> JSONObject {
        let volume = try await api.volume(id: try request.parameter("volume_id"), caller: request.identity)
        try request.authorize(.volumeExtensionVolumeEncryptionMetadata, target: volume.policyTarget)
        var values: JSONObject = ["encryption_key_id": volume.encryptionKeyID.map(JSONValue.string) ?? .null]
        if let encryption = try await api.encryptionTypes.encryption(ofVolumeType: volume.volumeTypeID) {
            values["control_location"] = encryption.controlLocation.map(JSONValue.string) ?? .null
            values["cipher"] = encryption.cipher.map(JSONValue.string) ?? .null
            values["key_size"] = encryption.keySize.map(JSONValue.int) ?? .null
            values["provider"] = encryption.provider.map(JSONValue.string) ?? .null
        }
        return values
    }

    /// cinder's `show` returns the bare value: webob sends text as a `text/html` body, and
    /// `None` is an empty JSON 200. A number (which cinder cannot send: its WSGI layer fails with a
    /// 500) is sent as its text.
    static func bareValue(_ value: JSONValue) -> APIResponse {
        switch value {
        case .null:
            // `ResponseObject(None)`: an empty JSON answer.
            return APIResponse(status: .ok, encodedBody: [])
        case .string(let text):
            var response = APIResponse(encodedBody: Array(text.utf8))
            response.bareWebOb = true
            return response
        default:
            var response = APIResponse(encodedBody: Array(value.serialized().utf8))
            response.bareWebOb = true
            return response
        }
    }
}

import EmberCore
import EmberVolume
import EmberWSGI
import HTTPTypes

/// `cinder/api/v3/volume_metadata.py`: `/volumes/{volume_id}/metadata[/{key}]`.
struct VolumeMetadataController {
    let api: VolumeAPI

    func controller() -> APIController {
        var controller = APIController(name: "volume_metadata")
        controller.method("index") { request in
            _ = try await request.authorizedVolume(try request.volumeID(), api: api, action: .volumeGetVolumeMetadata)
            let metadata = try await api.metadata(volumeID: try request.volumeID(), caller: request.identity)
            let body: JSONValue = ["metadata": Self.json(metadata)]
            var response = APIResponse(body: body)
            if request.supports("3.15") {
                // cinder answers with a bare webob.Response carrying the ETag.
                response.headers[HTTPField.Name("ETag")!] = MD5.hexDigest(body.serializedBytes())
                response.bareWebOb = true
            }
            return response
        }
        controller.method("create") { request in
            _ = try await request.authorizedVolume(
                try request.volumeID(),
                api: api,
                action: .volumeCreateVolumeMetadata
            )
            let metadata = try Self.parse(request.body, schema: VolumeSchemas.metadata, key: "metadata")
            let merged = try await api.setMetadata(
                volumeID: try request.volumeID(),
                metadata,
                replace: false,
                caller: request.identity
            )
            return APIResponse(body: ["metadata": Self.json(merged)])
        }
        controller.method("update_all") { request in
            _ = try await request.authorizedVolume(
                try request.volumeID(),
                api: api,
                action: .volumeUpdateVolumeMetadata
            )
            if let refused = try await preconditionFailed(request) { return refused }
            let metadata = try Self.parse(request.body, schema: VolumeSchemas.metadata, key: "metadata")
            let replaced = try await api.setMetadata(
                volumeID: try request.volumeID(),
                metadata,
                replace: true,
                caller: request.identity
            )
            return APIResponse(body: ["metadata": Self.json(replaced)])
        }
        controller.method("show") { request in
            _ = try await request.authorizedVolume(try request.volumeID(), api: api, action: .volumeGetVolumeMetadata)
            let key = try request.id()
            let metadata = try await api.metadata(volumeID: try request.volumeID(), caller: request.identity)
            guard let value = metadata[key] else {
                throw EmberError.notFound("Volume \(try request.volumeID()) has no metadata with key \(key).")
            }
            return APIResponse(body: ["meta": [key: .string(value)]])
        }
        controller.method("update") { request in
            _ = try await request.authorizedVolume(
                try request.volumeID(),
                api: api,
                action: .volumeUpdateVolumeMetadata
            )
            if let refused = try await preconditionFailed(request) { return refused }
            let key = try request.id()
            let meta = try Self.parse(request.body, schema: VolumeSchemas.metadataItem, key: "meta")
            guard meta[key] != nil else { throw EmberError.badRequest("Request body and URI mismatch") }
            guard meta.count == 1 else { throw EmberError.badRequest("Request body contains too many items") }
            _ = try await api.setMetadata(
                volumeID: try request.volumeID(),
                meta,
                replace: false,
                caller: request.identity
            )
            return APIResponse(body: ["meta": Self.json(meta)])
        }
        controller.method("delete") { request in
            _ = try await request.authorizedVolume(
                try request.volumeID(),
                api: api,
                action: .volumeDeleteVolumeMetadata
            )
            try await api.deleteMetadata(
                volumeID: try request.volumeID(),
                key: try request.id(),
                caller: request.identity
            )
            return APIResponse(status: .ok)
        }
        return controller
    }

    /// From 3.15, an `If-Match` that names none of the current metadata's ETags → an empty 412,
    /// as cinder answers.
    func preconditionFailed(_ request: APIRequest) async throws -> APIResponse? {
        guard request.supports("3.15"), let ifMatch = request.headers[HTTPField.Name("If-Match")!] else { return nil }
        let metadata = try await api.metadata(volumeID: try request.volumeID(), caller: request.identity)
        let body: JSONValue = ["metadata": Self.json(metadata)]
        let current = MD5.hexDigest(body.serializedBytes())
        let tags = ifMatch.split(separator: ",").map { $0.trimmingWhitespace().trimmingQuotes() }
        if tags.contains("*") || tags.contains(current) { return nil }
        return APIResponse(status: .preconditionFailed)
    }

    static func parse(_ body: JSONValue?, schema: Schema, key: String) throws -> [String: String] {
        guard let body else { throw EmberError.badRequest("Missing required element '\(key)' in request body.") }
        if let error = schema.validate(body) { throw EmberError.badRequest(error) }
        var result: [String: String] = [:]
        for entry in body[key]?.objectValue?.entries ?? [] { result[entry.key] = entry.value.stringValue }
        return result
    }

    static func json(_ metadata: [String: String]) -> JSONValue {
        .object(JSONObject(metadata.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }))
    }
}

extension APIRequest {
    /// The parent `{volume_id}` path parameter.
    func volumeID() throws -> String {
        try parameter("volume_id")
    }
}

extension String {
    /// An entity tag without its quotes (`"abc"` → `abc`).
    func trimmingQuotes() -> String {
        var text = Substring(self)
        if text.hasPrefix("W/") { text = text.dropFirst(2) }
        if text.hasPrefix("\""), text.hasSuffix("\""), text.count >= 2 { text = text.dropFirst().dropLast() }
        return String(text)
    }
}

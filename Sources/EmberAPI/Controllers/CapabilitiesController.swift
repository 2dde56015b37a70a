import EmberBus
import EmberCore
import EmberVolume
import EmberWSGI

/// `capabilities` (`cinder/api/contrib/capabilities.py`): `GET /capabilities/{host}`, what a
/// volume backend says it can do, asked by an RPC call to that backend.
struct CapabilitiesController {
    let api: VolumeAPI

    func controller() -> APIController {
        var controller = APIController(name: "capabilities")
        controller.method("show") { request in
            try request.authorize(.volumeExtensionCapabilities)
            let host = try request.id()
            guard let service = try await api.volumeService(host: host) else {
                throw EmberError.notFound("Can't find service: \(host)")
            }
            let capabilities: JSONValue
            do {
                capabilities = try await api.caster.getCapabilities(
                    backend: service.host,
                    caller: request.identity,
                    requestID: request.context.requestID
                )
            } catch let error as BusError {
                if case .timeout = error {
                    throw EmberError(
                        status: 502,
                        message: "Timeout while requesting capabilities from backend \(service.host)."
                    )
                }
                throw error
            }
            var protocolName = capabilities["storage_protocol"] ?? .null
            if case .array(let variants) = protocolName { protocolName = variants.first ?? .null }
            let view: JSONObject = [
                "namespace": .string("OS::Storage::Capabilities::\(service.host)"),
                "vendor_name": capabilities["vendor_name"] ?? .null,
                "volume_backend_name": capabilities["volume_backend_name"] ?? .null,
                "pool_name": capabilities["pool_name"] ?? .null,
                "driver_version": capabilities["driver_version"] ?? .null,
                "storage_protocol": protocolName,
                "display_name": capabilities["display_name"] ?? .null,
                "description": capabilities["description"] ?? .null,
                "visibility": capabilities["visibility"] ?? .null,
                "replication_targets": capabilities["replication_targets"] ?? [],
                "properties": capabilities["properties"] ?? .null,
            ]
            return APIResponse(body: .object(view))
        }
        return controller
    }
}

import EmberCore
import EmberVolume
import EmberWSGI

/// `cinder/api/v3/resource_filters.py`: `GET /resource_filters` (3.33), no policy. With
/// `?resource=` only that resource's entry (none when it is not configured).
struct ResourceFiltersController {
    let api: VolumeAPI

    func controller() -> APIController {
        var controller = APIController(name: "resource_filters")
        controller.method("index", minimum: "3.33") { request in
            let configured = api.configuration.resourceFilters.resources
            let wanted = request.queryValue("resource").flatMap { $0.isEmpty ? nil : $0 }
            let entries = configured.filter { wanted == nil || $0.resource == wanted }
            return APIResponse(body: [
                "resource_filters": .array(
                    entries.map {
                        ["resource": .string($0.resource), "filters": .array($0.filters.map(JSONValue.string))]
                    }
                )
            ])
        }
        return controller
    }
}

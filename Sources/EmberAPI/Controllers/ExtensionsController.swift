import EmberCore
import EmberWSGI

/// `GET /extensions` and `GET /extensions/{alias}` (`cinder.api.extensions.ExtensionsResource`):
/// the loaded extensions in load order. cinder adds this resource itself, whatever is loaded.
struct ExtensionsController {
    let extensions: ExtensionSet

    func controller() -> APIController {
        var controller = APIController(name: "extensions")
        controller.method("index") { _ in
            APIResponse(body: ["extensions": .array(extensions.extensions.map(\.view))])
        }
        controller.method("show") { request in
            let alias = try request.id()
            guard let found = extensions.find(alias: alias) else {
                throw EmberError.notFound("The resource could not be found.")
            }
            return APIResponse(body: ["extension": found.view])
        }
        return controller
    }
}

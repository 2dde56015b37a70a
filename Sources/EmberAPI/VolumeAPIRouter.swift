import EmberCore
import EmberVolume
import EmberWSGI

/// cinder's `cinder/api/v3/router.py:APIRouter`: the resource routes of the Block Storage API,
/// over one ``VolumeAPI``. The seed's `/v2` router serves the same resources in the v3.0
/// shape.
public enum VolumeAPIRouter {
    /// Builds the router for `/v3` (and `/v2`).
    public static func make(api: VolumeAPI, configuration: EmberConfiguration) -> APIRouter {
        var mapper = APIMapper(projectIDPattern: configuration.api.projectIDPattern)
        var controllers: [String: APIController] = [:]

        mapper.resource(
            "volumes",
            controller: "volumes",
            collectionActions: [("detail", .get), ("summary", .get)],
            memberActions: [("action", .post)]
        )
        controllers["volumes"] = VolumesController(api: api).controller()

        mapper.connect(
            "volumes/{volume_id}/metadata",
            method: .put,
            controller: "volume_metadata",
            action: "update_all"
        )
        mapper.resource(
            "metadata",
            controller: "volume_metadata",
            parent: (memberName: "volume", collection: "volumes")
        )
        controllers["volume_metadata"] = VolumeMetadataController(api: api).controller()

        mapper.resource("types", controller: "types")
        controllers["types"] = TypesController(api: api).controller()

        mapper.resource("limits", controller: "limits")
        controllers["limits"] = LimitsController(api: api).controller()

        mapper.resource("os-quota-sets", controller: "quota_sets", memberActions: [("defaults", .get)])
        controllers["quota_sets"] = QuotaSetsController(api: api).controller()

        return APIRouter(mapper: mapper, controllers: controllers, publicEndpoint: configuration.api.publicEndpoint)
    }

    /// Registers the v3 and v2 router factories (`cinder.api.v3.router:APIRouter.factory`,
    /// `cinder.api.v2.router:APIRouter.factory`) and the v1 one over `api`.
    public static func register(in registry: inout PasteFactoryRegistry, api: VolumeAPI) {
        for name in PasteFactoryRegistry.apiRouterNames.values {
            registry.registerApp(name) { (context: PasteFactoryContext) throws(PasteError) in
                make(api: api, configuration: context.environment.configuration)
            }
        }
    }
}

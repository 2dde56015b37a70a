import EmberCore
import EmberVolume
import EmberWSGI

/// The API generations Ember serves.
public enum APIFlavor: Sendable {
    /// `/v3`: microversions 3.0–3.71.
    case v3
    /// The seed's `/v2`: the v3.0 shape, no microversions.
    case v2
    /// The seed's `/v1`: `display_name`/`display_description`, no links, no microversions.
    case v1
}

/// cinder's `cinder/api/v3/router.py:APIRouter`: the resource routes of the Block Storage API,
/// over one ``VolumeAPI``; the seed's `/v2` and `/v1` routers serve the same controllers.
public enum VolumeAPIRouter {
    /// Builds the router for one API generation.
    public static func make(
        api: VolumeAPI,
        configuration: EmberConfiguration,
        catalog: VersionCatalog,
        flavor: APIFlavor = .v3,
        policy: PolicyEnforcer = .cinderDefaults
    ) -> APIRouter {
        var mapper = APIMapper(projectIDPattern: configuration.api.projectIDPattern)
        var controllers: [String: APIController] = [:]

        mapper.resource(
            "volumes",
            controller: "volumes",
            collectionActions: [("detail", .get), ("summary", .get)],
            memberActions: [("action", .post)]
        )
        controllers["volumes"] = VolumesController(api: api, flavor: flavor).controller()

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

        return APIRouter(
            mapper: mapper,
            controllers: controllers,
            catalog: catalog,
            microversions: flavor == .v3,
            policy: policy
        )
    }

    /// Registers the v3 and v2 router factories (`cinder.api.v3.router:APIRouter.factory`,
    /// `cinder.api.v2.router:APIRouter.factory`) and the v1 one over `api`.
    public static func register(in registry: inout PasteFactoryRegistry, api: VolumeAPI) {
        let flavors: [(String, APIFlavor)] = [("v3", .v3), ("v2", .v2), ("v1", .v1)]
        for (key, flavor) in flavors {
            guard let name = PasteFactoryRegistry.apiRouterNames[key] else { continue }
            registry.registerApp(name) { (context: PasteFactoryContext) throws(PasteError) in
                make(
                    api: api,
                    configuration: context.environment.configuration,
                    catalog: VersionCatalog(context: context),
                    flavor: flavor,
                    policy: context.environment.policy
                )
            }
        }
    }
}

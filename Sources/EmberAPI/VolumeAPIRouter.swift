import EmberCore
import EmberVolume
import EmberWSGI
import Logging

/// The API generations Ember serves.
public enum APIFlavor: Sendable {
    /// `/v3`: microversions 3.0–3.71.
    case v3
    /// The seed's `/v2`: the v3.0 shape, no microversions.
    case v2
    /// The seed's `/v1`: `display_name`/`display_description`, no links, no microversions.
    case v1
}

/// cinder's `cinder/api/v3/router.py:APIRouter`: the core resource routes of the Block
/// Storage API over one ``VolumeAPI``, then the loaded extensions' resources
/// (`_setup_ext_routes`) and controller extensions (`_setup_extensions`); the seed's `/v2`
/// and `/v1` routers serve the same controllers.
public enum VolumeAPIRouter {
    /// Builds the router for one API generation.
    public static func make(
        api: VolumeAPI,
        configuration: EmberConfiguration,
        catalog: VersionCatalog,
        flavor: APIFlavor = .v3,
        extensions: ExtensionSet = .standard,
        policy: PolicyEnforcer = .cinderDefaults,
        logger: Logger = Logger(label: "ember.api.router")
    ) -> APIRouter {
        var mapper = APIMapper(projectIDPattern: configuration.api.projectIDPattern)
        var controllers: [String: APIController] = [:]
        // The collection each controller name serves, for controller extensions.
        var collections: [String: String] = [:]

        mapper.resource(
            "volumes",
            controller: "volumes",
            collectionActions: [("detail", .get), ("summary", .get)],
            memberActions: [("action", .post)]
        )
        controllers["volumes"] = VolumesController(api: api, flavor: flavor, extensions: extensions).controller()
        collections["volumes"] = "volumes"

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

        mapper.resource(
            "snapshots",
            controller: "snapshots",
            collectionActions: [("detail", .get)],
            memberActions: [("action", .post)]
        )
        controllers["snapshots"] = SnapshotsController(api: api, flavor: flavor, extensions: extensions).controller()
        collections["snapshots"] = "snapshots"
        mapper.connect(
            "snapshots/{snapshot_id}/metadata",
            method: .put,
            controller: "snapshot_metadata",
            action: "update_all"
        )
        mapper.resource(
            "metadata",
            controller: "snapshot_metadata",
            parent: (memberName: "snapshot", collection: "snapshots")
        )
        controllers["snapshot_metadata"] = SnapshotMetadataController(api: api).controller()

        // cinder's v3 router has the core backups routes; the `backups` extension adds restore,
        // export_record, import_record and the admin actions over the same controller.
        mapper.resource("backups", controller: "backups", collectionActions: [("detail", .get)])
        controllers["backups"] = BackupsController(api: api).controller()
        collections["backups"] = "backups"

        // `attachments` (3.27): core in cinder's v3 router, with the `os-complete` action.
        mapper.resource(
            "attachments",
            controller: "attachments",
            collectionActions: [("detail", .get)],
            memberActions: [("action", .post)]
        )
        controllers["attachments"] = AttachmentsController(api: api).controller()
        collections["attachments"] = "attachments"

        // `volume-transfers` (v3 only): core in cinder's v3 router, unversioned (3.55, 3.57,
        // 3.59 and 3.70 change what its methods take and show).
        if flavor == .v3 {
            mapper.resource(
                "volume-transfers",
                controller: "volume_transfers",
                collectionActions: [("detail", .get)],
                memberActions: [("accept", .post)]
            )
            controllers["volume_transfers"] = VolumeTransfersController(api: api).controller()
            collections["volume-transfers"] = "volume_transfers"
        }

        mapper.resource("types", controller: "types", memberActions: [("action", .post)])
        controllers["types"] = TypesController(api: api, flavor: flavor).controller()
        collections["types"] = "types"

        mapper.resource("limits", controller: "limits")
        controllers["limits"] = LimitsController(api: api).controller()
        collections["limits"] = "limits"

        // User messages (3.3), resource filters (3.33) and per-project default types (3.62):
        // core routes of cinder's v3 router only.
        if flavor == .v3 {
            mapper.resource("messages", controller: "messages")
            controllers["messages"] = MessagesController(api: api).controller()
            collections["messages"] = "messages"

            // Manage existing (3.8): core in cinder's v3 router.
            mapper.resource(
                "manageable_volumes",
                controller: "manageable_volumes",
                collectionActions: [("detail", .get)]
            )
            controllers["manageable_volumes"] = ManageableController(api: api, resource: .volumes, legacy: false)
                .controller()
            mapper.resource(
                "manageable_snapshots",
                controller: "manageable_snapshots",
                collectionActions: [("detail", .get)]
            )
            controllers["manageable_snapshots"] = ManageableController(api: api, resource: .snapshots, legacy: false)
                .controller()

            mapper.resource("resource_filters", controller: "resource_filters")
            controllers["resource_filters"] = ResourceFiltersController(api: api).controller()

            mapper.connect("default-types/{id}", method: .put, controller: "default_types", action: "create_update")
            mapper.connect("default-types", method: .get, controller: "default_types", action: "index")
            mapper.connect("default-types/{id}", method: .get, controller: "default_types", action: "detail")
            mapper.connect("default-types/{id}", method: .delete, controller: "default_types", action: "delete")
            controllers["default_types"] = DefaultTypesController(api: api).controller()

            // Clusters (3.7) and workers cleanup (3.24): core routes of cinder's v3 router.
            mapper.connect("clusters", method: .get, controller: "clusters", action: "index")
            mapper.connect("clusters/detail", method: .get, controller: "clusters", action: "detail")
            mapper.connect("clusters/{id}", method: .get, controller: "clusters", action: "show")
            mapper.connect("clusters/enable", method: .put, controller: "clusters", action: "enable")
            mapper.connect("clusters/disable", method: .put, controller: "clusters", action: "disable")
            controllers["clusters"] = ClustersController(api: api).controller()

            mapper.connect("workers/cleanup", method: .post, controller: "workers", action: "cleanup")
            controllers["workers"] = WorkersController(api: api).controller()
            // Group types and their specs (3.11): core routes of cinder's v3 router.
            mapper.resource("group_types", controller: "group_types")
            controllers["group_types"] = GroupTypesController(api: api).controller()
            collections["group_types"] = "group_types"
            mapper.resource(
                "group_specs",
                controller: "group_specs",
                parent: (memberName: "group_type", collection: "group_types")
            )
            controllers["group_specs"] = GroupSpecsController(api: api).controller()

            // Generic volume groups (3.13).
            mapper.connect("groups/action", method: .post, controller: "groups", action: "action")
            mapper.resource(
                "groups",
                controller: "groups",
                collectionActions: [("detail", .get)],
                memberActions: [("action", .post)]
            )
            controllers["groups"] = GroupsController(api: api).controller()
            collections["groups"] = "groups"
            mapper.resource(
                "group_snapshots",
                controller: "group_snapshots",
                collectionActions: [("detail", .get)],
                memberActions: [("action", .post)]
            )
            controllers["group_snapshots"] = GroupSnapshotsController(api: api).controller()
            collections["group_snapshots"] = "group_snapshots"

            // Legacy consistency groups: cinder's v3 router connects the resource (index,
            // detail, show, create, PUT, DELETE, and an `action` member route that answers
            // 404); the `consistencygroups` extension adds create_from_src, …/delete and
            // …/update, and the `cgsnapshots` extension its resource.
            mapper.resource(
                "consistencygroups",
                controller: "consistencygroups",
                collectionActions: [("detail", .get)],
                memberActions: [("action", .post)]
            )
            controllers["consistencygroups"] = ConsistencyGroupsController(api: api).controller()
        }

        // `ExtensionManager.get_resources` always adds `extensions` itself.
        mapper.resource("extensions", controller: "extensions")
        controllers["extensions"] = ExtensionsController(extensions: extensions).controller()

        let context = ExtensionContext(
            api: api,
            flavor: flavor,
            configuration: configuration,
            loaded: extensions.aliases
        )
        for resource in extensions.extensions.flatMap(\.resources) {
            if resource.standardRoutes {
                mapper.resource(
                    resource.collection,
                    controller: resource.controllerName,
                    collectionActions: resource.collectionActions,
                    memberActions: resource.memberActions,
                    parent: resource.parent
                )
            }
            resource.customRoutes?(&mapper)
            controllers[resource.controllerName] = resource.controller(context)
            collections[resource.collection] = resource.controllerName
        }
        for descriptor in extensions.extensions {
            for controllerExtension in descriptor.controllerExtensions {
                guard let name = collections[controllerExtension.collection], controllers[name] != nil else {
                    logger.warning(
                        "Extension \(descriptor.name): Cannot extend resource \(controllerExtension.collection): No such resource"
                    )
                    continue
                }
                controllers[name]?.merge(controllerExtension.controller(context))
            }
        }

        // The seed's XML templates and readers (`/v1`, `/v2` only).
        LegacyXML.install(into: &controllers, flavor: flavor)

        var router = APIRouter(
            mapper: mapper,
            controllers: controllers,
            // `GET /v2/` describes v2.0 and `GET /v1/` v1.0, not the whole list.
            catalog: flavor == .v2
                ? catalog.describing(major: 2) : flavor == .v1 ? catalog.describing(major: 1) : catalog,
            microversions: flavor == .v3,
            policy: policy,
            servesXML: flavor != .v3
        )
        if flavor == .v3 {
            router.openAPIDocument = OpenAPIDocument.cachedBytes(router: router, extensions: extensions.aliases)
        }
        return router
    }

    /// Registers the v3 and v2 router factories (`cinder.api.v3.router:APIRouter.factory`,
    /// `cinder.api.v2.router:APIRouter.factory`) and the v1 one over `api`, serving
    /// `extensions` (what ``ExtensionManager/load(files:)`` returned).
    public static func register(
        in registry: inout PasteFactoryRegistry,
        api: VolumeAPI,
        extensions: ExtensionSet = .standard
    ) {
        let flavors: [(String, APIFlavor)] = [("v3", .v3), ("v2", .v2), ("v1", .v1)]
        for (key, flavor) in flavors {
            guard let name = PasteFactoryRegistry.apiRouterNames[key] else { continue }
            registry.registerApp(name) { (context: PasteFactoryContext) throws(PasteError) in
                make(
                    api: api,
                    configuration: context.environment.configuration,
                    catalog: VersionCatalog(context: context),
                    flavor: flavor,
                    extensions: extensions,
                    policy: context.environment.policy
                )
            }
        }
        // `osvolumeversionapp` also serves the v3 router's OpenAPI document at `/openapi.json`,
        // outside the authenticated pipelines as the version document is.
        registry.registerApp("cinder.api.versions:Versions.factory") {
            (context: PasteFactoryContext) throws(PasteError) in
            let catalog = VersionCatalog(context: context)
            let router = make(
                api: api,
                configuration: context.environment.configuration,
                catalog: catalog,
                flavor: .v3,
                extensions: extensions,
                policy: context.environment.policy
            )
            return OpenAPIVersionsApplication(
                versions: VersionsApplication(catalog: catalog),
                document: router.openAPIDocument ?? []
            )
        }
    }
}

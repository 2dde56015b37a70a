import EmberCore
import EmberVolume
import EmberWSGI
import HTTPTypes

/// What an extension's controllers are built over: the volume API, the generation of the
/// router asking and the configuration.
public struct ExtensionContext: Sendable {
    public let api: VolumeAPI
    public let flavor: APIFlavor
    public let configuration: EmberConfiguration
    /// The aliases loaded alongside (cinder's `ext_mgr.is_loaded`).
    public let loaded: Set<String>
}

/// cinder's `extensions.ResourceExtension`: a collection the extension adds to the router.
public struct ResourceExtension: Sendable {
    public typealias RouteAction = (name: String, method: HTTPRequest.Method)

    public var collection: String
    public var controllerName: String
    public var collectionActions: [RouteAction]
    public var memberActions: [RouteAction]
    public var parent: (memberName: String, collection: String)?
    /// Routes the resource shape cannot express (`custom_routes_fn`).
    public var customRoutes: (@Sendable (inout APIMapper) -> Void)?
    /// False for a collection cinder routes only by explicit `connect`s (v3's os-services):
    /// no index/show/create/update/delete routes, only `customRoutes`.
    public var standardRoutes = true
    public var controller: @Sendable (ExtensionContext) -> APIController

    public init(
        _ collection: String,
        controllerName: String? = nil,
        collectionActions: [RouteAction] = [],
        memberActions: [RouteAction] = [],
        parent: (memberName: String, collection: String)? = nil,
        customRoutes: (@Sendable (inout APIMapper) -> Void)? = nil,
        controller: @escaping @Sendable (ExtensionContext) -> APIController
    ) {
        self.collection = collection
        self.controllerName = controllerName ?? collection
        self.collectionActions = collectionActions
        self.memberActions = memberActions
        self.parent = parent
        self.customRoutes = customRoutes
        self.controller = controller
    }
}

/// cinder's `extensions.ControllerExtension`: actions and response extensions merged into
/// the controller of an existing collection.
public struct ControllerExtension: Sendable {
    public var collection: String
    public var controller: @Sendable (ExtensionContext) -> APIController

    public init(_ collection: String, controller: @escaping @Sendable (ExtensionContext) -> APIController) {
        self.collection = collection
        self.controller = controller
    }
}

/// cinder's `extensions.ExtensionDescriptor`: one extension with what it adds.
public struct APIExtension: Sendable {
    /// The class name (`VolumeHostAttribute`), shown in `GET /extensions`.
    public var name: String
    public var alias: String
    public var description: String
    public var updated: String
    /// The module name as `osapi_volume_ext_list` spells it with `select_extensions`
    /// (`Volume_host_attribute`: cinder capitalises the module file name).
    public var moduleClassName: String
    public var resources: [ResourceExtension]
    public var controllerExtensions: [ControllerExtension]

    public init(
        name: String,
        alias: String,
        description: String,
        updated: String,
        module: String,
        resources: [ResourceExtension] = [],
        controllerExtensions: [ControllerExtension] = []
    ) {
        self.name = name
        self.alias = alias
        self.description = description
        self.updated = updated
        self.moduleClassName = module.prefix(1).uppercased() + module.dropFirst()
        self.resources = resources
        self.controllerExtensions = controllerExtensions
    }

    /// The entry in `GET /extensions` (`ExtensionsResource._translate`).
    var view: JSONValue {
        [
            "name": .string(name), "alias": .string(alias), "description": .string(description),
            "updated": .string(updated), "links": [],
        ]
    }
}

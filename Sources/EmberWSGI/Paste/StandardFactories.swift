import EmberCore
import Hummingbird
import Logging

extension PasteFactoryRegistry {
    /// The dotted names of cinder's API routers, which the API layer registers.
    public static let apiRouterNames = [
        "v3": "cinder.api.v3.router:APIRouter.factory",
        "v2": "cinder.api.v2.router:APIRouter.factory",
        "v1": "cinder.api.v1.router:APIRouter.factory",
    ]

    /// Every factory named by cinder 29.0.0's `etc/cinder/api-paste.ini` and by the 2013 layout,
    /// except the API routers (see ``registerVersionIndexRouters()``).
    public static func standard() -> PasteFactoryRegistry {
        var registry = PasteFactoryRegistry()
        registry.registerComposite("egg:Paste#urlmap", "paste.urlmap:urlmap_factory") {
            (context: PasteFactoryContext, loader: PasteLoader) throws(PasteError) in
            try urlMap(context: context, loader: loader, dropping: [])
        }
        registry.registerComposite("cinder.api:root_app_factory") {
            (context: PasteFactoryContext, loader: PasteLoader) throws(PasteError) in
            try rootApp(context: context, loader: loader)
        }
        registry.registerComposite("cinder.api.middleware.auth:pipeline_factory", "cinder.api.auth:pipeline_factory") {
            (context: PasteFactoryContext, loader: PasteLoader) throws(PasteError) in
            try authPipeline(context: context, loader: loader)
        }
        registry.registerFilter(
            "cinder.api.middleware.request_id:RequestId.factory",
            "oslo_middleware.request_id:RequestId.factory",
            "oslo_middleware:RequestId.factory"
        ) { _ in RequestIDMiddleware() }
        registry.registerFilter("cinder.api.middleware.fault:FaultWrapper.factory") { _ in FaultWrapMiddleware() }
        registry.registerFilter(
            "oslo_middleware.sizelimit:RequestBodySizeLimiter.factory",
            "cinder.api.middleware.sizelimit:RequestBodySizeLimiter.factory",
            "oslo_middleware:RequestBodySizeLimiter.factory"
        ) { (context: PasteFactoryContext) throws(PasteError) in
            SizeLimitMiddleware(limit: context.environment.configuration.api.maxRequestBodySize)
        }
        registry.registerFilter(
            "oslo_middleware.http_proxy_to_wsgi:HTTPProxyToWSGI.factory",
            "oslo_middleware:HTTPProxyToWSGI.factory"
        ) { (context: PasteFactoryContext) throws(PasteError) in
            HTTPProxyToWSGIMiddleware(enabled: context.environment.configuration.api.enableProxyHeadersParsing)
        }
        registry.registerFilter("oslo_middleware.cors:filter_factory", "oslo_middleware:CORS.factory") {
            (context: PasteFactoryContext) throws(PasteError) in
            do {
                return CORSMiddleware(configuration: try .init(files: context.environment.configuration.files))
            } catch {
                throw context.failure("\(error)")
            }
        }
        registry.registerFilter("osprofiler.web:WsgiMiddleware.factory") {
            (context: PasteFactoryContext) throws(PasteError) in
            let enabled =
                (try? context.environment.configuration.files.bool("profiler", "enabled", default: false)) ?? false
            if enabled {
                context.environment.logger.warning(
                    "osprofiler is not available in Ember: [profiler] enabled is ignored and the filter passes requests through"
                )
            }
            return PassThroughMiddleware(name: "osprofiler")
        }
        registry.registerFilter("cinder.api.middleware.auth:NoAuthMiddleware.factory") { _ in
            NoAuthMiddleware(includeProjectID: false)
        }
        registry.registerFilter("cinder.api.middleware.auth:NoAuthMiddlewareIncludeProjectID.factory") { _ in
            NoAuthMiddleware(includeProjectID: true)
        }
        registry.registerFilter("cinder.api.middleware.auth:CinderKeystoneContext.factory") {
            (context: PasteFactoryContext) throws(PasteError) in
            let forwarded =
                (try? context.environment.configuration.files.bool("DEFAULT", "use_forwarded_for", default: false))
                ?? false
            return KeystoneContextMiddleware(useForwardedFor: forwarded, policy: context.environment.policy)
        }
        registry.registerFilter(
            "keystonemiddleware.auth_token:filter_factory",
            "keystoneclient.middleware.auth_token:filter_factory"
        ) { (context: PasteFactoryContext) throws(PasteError) in
            // The service replaces this with EmberIdentity's filter; a registry without it
            // (unit tests of the WSGI layer) cannot validate tokens.
            throw context.failure(
                "Keystone token validation (keystonemiddleware.auth_token) is not registered in this application; "
                    + "set [DEFAULT] auth_strategy = noauth"
            )
        }
        registry.registerFilter(
            "oslo_middleware:Healthcheck.factory",
            "oslo_middleware.healthcheck:Healthcheck.factory"
        ) {
            (context: PasteFactoryContext) throws(PasteError) in
            HealthcheckFilter(
                path: context.local("path") ?? "/healthcheck",
                app: healthcheckApp(context: context)
            )
        }
        registry.registerApp("cinder.api.versions:Versions.factory") {
            (context: PasteFactoryContext) throws(PasteError) in
            VersionsApplication(catalog: VersionCatalog(context: context))
        }
        registry.registerApp(
            "oslo_middleware:Healthcheck.app_factory",
            "oslo_middleware.healthcheck:Healthcheck.app_factory"
        ) { (context: PasteFactoryContext) throws(PasteError) in
            healthcheckApp(context: context)
        }
        return registry
    }

    /// Registers the three API routers as version-index routers with no resources. The API
    /// layer replaces them with the full routers.
    public mutating func registerVersionIndexRouters() {
        for name in Self.apiRouterNames.values {
            registerApp(name) { (context: PasteFactoryContext) throws(PasteError) in
                VersionIndexRouter(catalog: VersionCatalog(context: context))
            }
        }
    }

    static func healthcheckApp(context: PasteFactoryContext) -> HealthcheckApplication {
        let backends = (context.local("backends") ?? "").split(separator: ",").map { $0.trimmingWhitespace() }
        let path = backends.contains("disable_by_file") ? context.local("disable_by_file_path") : nil
        return HealthcheckApplication(disableByFilePath: path)
    }

    static func urlMap(
        context: PasteFactoryContext,
        loader: PasteLoader,
        dropping: Set<String>
    ) throws(PasteError)
        -> any WSGIApplication
    {
        var notFoundName = context.globalConf["not_found_app"]
        var mounts: [(prefix: String, app: any WSGIApplication)] = []
        for (key, value) in context.localConf {
            if key == "not_found_app" {
                notFoundName = value
                continue
            }
            if dropping.contains(URLMapApplication.normalize(key)) { continue }
            mounts.append((key, try loader.app(named: value)))
        }
        let notFound: (any WSGIApplication)? = try notFoundName.map { name throws(PasteError) in
            try loader.app(named: name)
        }
        return URLMapApplication(mounts: mounts, notFound: notFound)
    }

    /// cinder's `root_app_factory`: a urlmap. cinder 29.0.0 drops `/v1` and `/v2`; Ember still
    /// serves them unless `[DEFAULT] enable_v1_api` / `enable_v2_api` is false, and then drops
    /// them with cinder's warning.
    static func rootApp(context: PasteFactoryContext, loader: PasteLoader) throws(PasteError) -> any WSGIApplication {
        let files = context.environment.configuration.files
        var dropping: Set<String> = []
        let keys = Set(context.localConf.map { URLMapApplication.normalize($0.key) })
        if keys.contains("/v1"), (try? files.bool("DEFAULT", "enable_v1_api", default: true)) == false {
            context.environment.logger.warning(
                "The v1 API has been removed and is no longer available. Client applications should be using v3, which is currently the only supported version of the Block Storage API."
            )
            dropping.insert("/v1")
        }
        if keys.contains("/v2"), (try? files.bool("DEFAULT", "enable_v2_api", default: true)) == false {
            context.environment.logger.warning(
                "The v2 API has been removed and is no longer available. Client applications must now use the v3 API only."
            )
            dropping.insert("/v2")
        }
        return try urlMap(context: context, loader: loader, dropping: dropping)
    }

    /// cinder's `pipeline_factory`: the local option named by `auth_strategy` (or its
    /// `_nolimit` variant when `api_rate_limit` is false) is the pipeline to build.
    static func authPipeline(
        context: PasteFactoryContext,
        loader: PasteLoader
    ) throws(PasteError)
        -> any WSGIApplication
    {
        let api = context.environment.configuration.api
        guard var line = context.local(api.authStrategy) else {
            throw context.failure(
                "no pipeline for auth_strategy '\(api.authStrategy)' (options: "
                    + context.localConf.map(\.key).joined(separator: ", ") + ")"
            )
        }
        if !api.apiRateLimit, let unlimited = context.local(api.authStrategy + "_nolimit") {
            line = unlimited
        }
        let names = line.split(whereSeparator: \.isWhitespace).map(String.init)
        return try loader.pipeline(names: names, section: context.section)
    }
}

/// oslo's healthcheck used as a filter (`oslo_middleware:Healthcheck.factory`): answers its
/// `path` itself and passes everything else on.
public struct HealthcheckFilter: WSGIFilter {
    public let name = "healthcheck"
    public let path: String
    public let app: HealthcheckApplication

    public func handle(
        _ request: Request,
        context: WSGIRequestContext,
        next: any WSGIApplication
    ) async throws
        -> Response
    {
        if context.pathInfo == path {
            return try await app.respond(to: request, context: context)
        }
        return try await next.respond(to: request, context: context)
    }
}

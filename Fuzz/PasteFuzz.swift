/// libFuzzer target: the paste loader (`api-paste.ini` → an application).
///
/// Any text either loads or is refused with a `PasteError`: a file whose sections refer to
/// each other in a loop, or whose `%(name)s` values never end or explode, must be refused,
/// never recurse until the stack runs out or expand until memory does. The factories are the
/// harness's (`Harness/PasteStandIns.swift`), shaped like paste's urlmap and cinder's
/// `pipeline_factory`: they call back into the loader the way the real ones do.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPaste(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let document = try? INIDocument(text: text, path: "/etc/ember/api-paste.ini") else { return 0 }
    let loader = PasteLoader(
        document: document,
        registry: fuzzRegistry,
        environment: PasteEnvironment(configuration: EmberConfiguration(), logger: Logger())
    )
    var names = ["osapi_volume"]
    for section in document.sections.prefix(32) { names.append(PasteLoader.split(section.name).name) }
    for name in names {
        _ = try? loader.loadApp(named: name)
    }
    return 0
}

let fuzzRegistry: PasteFactoryRegistry = {
    var registry = PasteFactoryRegistry()
    registry.registerComposite("egg:Paste#urlmap", "cinder.api:root_app_factory") {
        context,
        loader throws(PasteError) in
        for (key, value) in context.localConf where key.hasPrefix("/") || key == "not_found_app" {
            _ = try loader.app(named: value)
        }
        return FuzzApp(layers: 0)
    }
    registry.registerComposite("cinder.api.middleware.auth:pipeline_factory") { context, loader throws(PasteError) in
        guard let line = context.local("noauth") ?? context.local("keystone") else {
            throw context.failure("no pipeline for the auth strategy")
        }
        return try loader.pipeline(
            names: line.split(whereSeparator: \.isWhitespace).map(String.init),
            section: context.section
        )
    }
    registry.registerApp(
        "cinder.api.versions:Versions.factory",
        "cinder.api.v3.router:APIRouter.factory",
        "oslo_middleware:Healthcheck.app_factory"
    ) { _ in FuzzApp(layers: 0) }
    registry.registerFilter(
        "cinder.api.middleware.fault:FaultWrapper.factory",
        "cinder.api.middleware.auth:NoAuthMiddleware.factory",
        "oslo_middleware.request_id:RequestId.factory",
        "oslo_middleware.sizelimit:RequestBodySizeLimiter.factory",
        "cinder.api.middleware.auth:CinderKeystoneContext.factory",
        "keystonemiddleware.auth_token:filter_factory"
    ) { _ in FuzzFilter() }
    return registry
}()

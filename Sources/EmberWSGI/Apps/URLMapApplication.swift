import Hummingbird

/// paste's `urlmap` (`egg:Paste#urlmap`, and cinder's `root_app_factory`): sends a request to
/// the app mounted at the longest matching path prefix.
///
/// The matched prefix moves from `PATH_INFO` to `SCRIPT_NAME`, as in paste, so `/v3/volumes`
/// reaches the v3 app as `/volumes` with script name `/v3`. A path no prefix matches goes to
/// `not_found_app` when one is configured, or gets webob's 404.
public struct URLMapApplication: WSGIApplication {
    /// Mounted apps, longest prefix first. A prefix has no trailing slash (`/` is `""`).
    public let mounts: [(prefix: String, app: any WSGIApplication)]
    public let notFound: (any WSGIApplication)?

    public init(mounts: [(prefix: String, app: any WSGIApplication)], notFound: (any WSGIApplication)? = nil) {
        self.mounts = mounts.map { (Self.normalize($0.prefix), $0.app) }.sorted { $0.0.count > $1.0.count }
        self.notFound = notFound
    }

    /// paste's `parse_path_expression`: no trailing slash, always a leading one.
    static func normalize(_ prefix: String) -> String {
        var path = prefix.trimmingWhitespace()
        while path.hasSuffix("/") { path.removeLast() }
        if !path.isEmpty && !path.hasPrefix("/") { path = "/" + path }
        return path
    }

    public func respond(to request: Request, context: WSGIRequestContext) async throws -> Response {
        let path = context.pathInfo
        for mount in mounts where path == mount.prefix || path.hasPrefix(mount.prefix + "/") {
            var context = context
            context.scriptName += mount.prefix
            context.pathInfo = String(path.dropFirst(mount.prefix.count))
            return try await mount.app.respond(to: request, context: context)
        }
        if let notFound {
            return try await notFound.respond(to: request, context: context)
        }
        return WebObError.notFound.response(for: request)
    }
}

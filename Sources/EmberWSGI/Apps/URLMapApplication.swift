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
        PasteLoader.mountPrefix(prefix)
    }

    public func respond(to request: Request, context: WSGIRequestContext) async throws -> Response {
        let path = context.pathInfo
        // Bytes, not characters: `/v3/` followed by an emoji modifier has no character `/`
        // at its end (the modifier joins the slash's grapheme), yet it is under `/v3`.
        for mount in mounts
        where path.utf8.elementsEqual(mount.prefix.utf8) || path.utf8.starts(with: (mount.prefix + "/").utf8) {
            var context = context
            context.scriptName += mount.prefix
            context.routeRecord?.record(context.scriptName.isEmpty ? "/" : context.scriptName)
            context.pathInfo = String(decoding: path.utf8.dropFirst(mount.prefix.utf8.count), as: UTF8.self)
            return try await mount.app.respond(to: request, context: context)
        }
        if let notFound {
            return try await notFound.respond(to: request, context: context)
        }
        return WebObError.notFound.response(for: request)
    }
}

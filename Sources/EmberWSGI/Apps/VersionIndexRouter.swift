import EmberCore
import Hummingbird

/// The routes every API router (`/v3`, and the seed's `/v2` and `/v1`) serves before any
/// resource: `GET /v3` redirects to `/v3/`, and `GET /v3/` is the version document (200),
/// behind the microversion negotiation of `wsgi.Resource`.
///
/// The full resource routes are layered over this by the API layer; a path neither knows is
/// webob's 404.
public struct VersionIndexRouter: WSGIApplication {
    public let catalog: VersionCatalog
    /// Routes tried after the version index; nil answers 404 for everything else.
    public let resources: (any WSGIApplication)?

    public init(catalog: VersionCatalog, resources: (any WSGIApplication)? = nil) {
        self.catalog = catalog
        self.resources = resources
    }

    public func respond(to request: Request, context: WSGIRequestContext) async throws -> Response {
        switch context.pathInfo {
        case "":
            return Redirect.found(to: context.requestURL + "/")
        case "/":
            let document = catalog.document(baseURL: catalog.baseURL(context: context))
            return await MicroversionedResponder.respond(to: request, context: context) { _ in
                WSGIResponses.json(document)
            }
        default:
            guard let resources else { return WebObError.notFound.response(for: request) }
            return try await resources.respond(to: request, context: context)
        }
    }
}

import EmberCore
import HTTPTypes
import Hummingbird

/// Serves Ember's OpenAPI document (`GET /openapi.json`, `GET /v3/openapi.json`): JSON for
/// `GET` and `HEAD`; any other method is webob's 404, as for a path nothing routes.
public enum OpenAPIResponder {
    /// The document's media type (JSON; OpenAPI has no registered type of its own).
    public static let contentType = "application/json"

    public static func respond(to request: Request, context: WSGIRequestContext, document: [UInt8]) -> Response {
        guard request.method == .get || request.method == .head else {
            return WebObError.notFound.response(for: request)
        }
        context.routeRecord?.record(context.scriptName + "/openapi.json")
        var response = WSGIResponses.json(bytes: document)
        response.headers[.computeRequestID] = context.requestID
        if request.method == .head { response.body = .init() }
        return response
    }
}

/// `osvolumeversionapp` with the OpenAPI document at `GET /openapi.json` (no authentication,
/// as the version document): everything else goes to the versions application.
public struct OpenAPIVersionsApplication: WSGIApplication {
    public let versions: VersionsApplication
    public let document: [UInt8]

    public init(versions: VersionsApplication, document: [UInt8]) {
        self.versions = versions
        self.document = document
    }

    public func respond(to request: Request, context: WSGIRequestContext) async throws -> Response {
        guard context.pathInfo == "/openapi.json" else {
            return try await versions.respond(to: request, context: context)
        }
        return OpenAPIResponder.respond(to: request, context: context, document: document)
    }
}

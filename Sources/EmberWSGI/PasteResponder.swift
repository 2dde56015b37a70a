import EmberCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// The bridge from Hummingbird to the paste pipeline: fills in the WSGI environment (scheme,
/// host, `PATH_INFO`) and calls the root app. It is the last line of defence: anything that
/// escapes the pipeline is still answered with a 500 fault, never an empty response.
public struct PasteResponder: HTTPResponder {
    public typealias Context = WSGIRequestContext

    public let app: any WSGIApplication
    public let scheme: String
    public let defaultHost: String

    public init(app: any WSGIApplication, scheme: String, defaultHost: String) {
        self.app = app
        self.scheme = scheme
        self.defaultHost = defaultHost
    }

    public func respond(to request: Request, context: WSGIRequestContext) async throws -> Response {
        var context = context
        context.scheme = scheme
        context.host = request.head.authority ?? request.headers[.host] ?? context.serverAddress ?? defaultHost
        let rawPath = request.uri.path
        context.pathInfo = rawPath.removingPercentEncoding ?? rawPath
        do {
            return try await app.respond(to: request, context: context)
        } catch {
            let fault = FaultWrapMiddleware.fault(for: error, context: context)
            var response = WSGIResponses.fault(fault)
            if !context.requestID.isEmpty { response.headers[.openStackRequestID] = context.requestID }
            return response
        }
    }
}

extension HTTPField.Name {
    public static let host = HTTPField.Name("Host")!
}

import EmberCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// The bridge from Hummingbird to the paste pipeline: fills in the WSGI environment (scheme,
/// host, `PATH_INFO`) and calls the root app. It is the last line of defence: anything that
/// escapes the pipeline is still answered with a 500 fault, never an empty response.
///
/// It also writes the access log, one INFO line per request whatever its outcome (a 404
/// from the URL map, a fault, a version document), as cinder's WSGI server does:
/// `"GET /v3/… HTTP/1.1" status: 200 len: 1234 time: 0.0042`, with the request id
/// (`request.id`) and the client address in the metadata.
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
        let started = ContinuousClock.now
        let response: Response
        do {
            response = try await app.respond(to: request, context: context)
        } catch {
            let fault = FaultWrapMiddleware.fault(for: error, context: context)
            var faultResponse = WSGIResponses.fault(fault)
            if !context.requestID.isEmpty { faultResponse.headers[.openStackRequestID] = context.requestID }
            response = faultResponse
        }
        Self.logAccess(request, response: response, context: context, elapsed: ContinuousClock.now - started)
        return response
    }

    /// The access log line of one request.
    static func logAccess(_ request: Request, response: Response, context: WSGIRequestContext, elapsed: Duration) {
        var metadata: Logger.Metadata = [:]
        if let id = response.headers[.openStackRequestID] { metadata["request.id"] = .string(id) }
        if let client = context.remoteAddress { metadata["client"] = .string(client) }
        let length = response.body.contentLength.map(String.init) ?? response.headers[.contentLength] ?? "-"
        // Seconds with four decimals, as cinder's `time: 0.0042`, without Foundation's
        // formatter (this runs for every request).
        let tenths = elapsed.components.seconds * 10_000 + elapsed.components.attoseconds / 100_000_000_000_000
        let fraction = String(tenths % 10_000)
        let time = "\(tenths / 10_000)." + String(repeating: "0", count: 4 - fraction.count) + fraction
        context.logger.info(
            "\"\(request.method.rawValue) \(request.uri.description) HTTP/1.1\" status: \(response.status.code) len: \(length) time: \(time)",
            metadata: metadata
        )
    }
}

extension HTTPField.Name {
    public static let host = HTTPField.Name("Host")!
}

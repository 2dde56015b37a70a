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
    /// Told of every request once answered (the metrics); nil records nothing.
    public let observer: (any RequestObserver)?
    /// Answers `GET /metrics` ahead of the pipeline, without authentication (the metrics
    /// served on the API port); nil leaves `/metrics` to the pipeline.
    public let metricsApp: (any WSGIApplication)?
    /// `[DEFAULT] max_header_line`.
    public let maxHeaderLine: Int
    /// Set while the server drains before it stops; nil never drains.
    public let drain: ServerDrain?
    /// `[DEFAULT] wsgi_keep_alive`: false closes every connection after its answer.
    public let keepAlive: Bool

    public init(
        app: any WSGIApplication,
        scheme: String,
        defaultHost: String,
        observer: (any RequestObserver)? = nil,
        metricsApp: (any WSGIApplication)? = nil,
        maxHeaderLine: Int = 16384,
        drain: ServerDrain? = nil,
        keepAlive: Bool = true
    ) {
        self.app = app
        self.scheme = scheme
        self.defaultHost = defaultHost
        self.observer = observer
        self.metricsApp = metricsApp
        self.maxHeaderLine = maxHeaderLine
        self.drain = drain
        self.keepAlive = keepAlive
    }

    /// cinder's server (eventlet) limits on a request's headers: no line of `maxHeaderLine`
    /// bytes or more (with its CRLF), at most 100 fields, at most 64 KiB in all. What is
    /// wrong, or nil.
    public static func headerProblem(_ headers: HTTPFields, maxHeaderLine: Int) -> String? {
        var total = 0
        var count = 0
        for field in headers {
            let line = field.name.rawName.utf8.count + 2 + field.value.utf8.count + 2
            if line >= maxHeaderLine {
                return
                    "Header line too long: \(field.name.rawName) is \(line) bytes, max_header_line is \(maxHeaderLine)."
            }
            total += line
            count += 1
        }
        if count > 100 { return "Too many headers: \(count), the most accepted is 100." }
        if total > 65_536 { return "Headers too large: \(total) bytes, the most accepted is 65536." }
        return nil
    }

    public func respond(to request: Request, context: WSGIRequestContext) async throws -> Response {
        var context = context
        context.scheme = scheme
        context.host = request.head.authority ?? request.headers[.host] ?? context.serverAddress ?? defaultHost
        let rawPath = request.uri.path
        context.pathInfo = rawPath.removingPercentEncoding ?? rawPath
        let started = ContinuousClock.now
        if observer != nil { context.routeRecord = RouteRecord() }
        let draining = drain?.isDraining ?? false
        context.serverDraining = draining
        let metrics = rawPath == "/metrics" ? metricsApp : nil
        var response: Response
        do {
            if let problem = Self.headerProblem(request.headers, maxHeaderLine: maxHeaderLine) {
                context.logger.info("Refused the request's headers", metadata: ["reason": .string(problem)])
                response = WSGIResponses.fault(EmberError.badRequest(problem))
                response.headers[.connection] = "close"
            } else {
                response = try await (metrics ?? app).respond(to: request, context: context)
            }
        } catch {
            let fault = FaultWrapMiddleware.fault(for: error, context: context)
            var faultResponse = WSGIResponses.fault(fault)
            if !context.requestID.isEmpty { faultResponse.headers[.openStackRequestID] = context.requestID }
            response = faultResponse
        }
        if draining || !keepAlive {
            // Draining: the client reconnects for its next request, through the balancer to a
            // server that stays. `wsgi_keep_alive = false`: every connection serves one request.
            response.headers[.connection] = "close"
        }
        let elapsed = ContinuousClock.now - started
        Self.logAccess(request, response: response, context: context, elapsed: elapsed)
        if let observer {
            let route = metrics != nil ? "/metrics" : context.routeRecord?.route ?? "unmatched"
            observer.requestFinished(
                method: request.method.rawValue,
                route: route,
                status: Int(response.status.code),
                duration: elapsed
            )
        }
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

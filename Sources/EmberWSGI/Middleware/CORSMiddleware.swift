import EmberCore
import HTTPTypes
import Hummingbird

/// `cors` (`oslo_middleware.cors:filter_factory`, `oslo_config_project = cinder`): CORS as
/// oslo.middleware implements it, with cinder's defaults.
///
/// `[cors]` options: `allowed_origin` (none: the filter passes everything through),
/// `allow_credentials` (true), `expose_headers`, `max_age` (3600), `allow_methods`,
/// `allow_headers`. The app answers an `OPTIONS` preflight first; a non-2xx answer is replaced
/// by an empty 200 and the preflight headers are added when origin, method and headers are
/// allowed. Other requests from an allowed origin get `Access-Control-Allow-Origin`.
public struct CORSMiddleware: WSGIFilter {
    public struct Configuration: Sendable, Equatable {
        public var allowedOrigins: [String] = []
        public var allowCredentials = true
        public var exposeHeaders = [
            "X-Auth-Token", "X-Subject-Token", "X-Service-Token", "X-OpenStack-Request-ID", "OpenStack-API-Version",
        ]
        public var maxAge: Int? = 3600
        public var allowMethods = ["GET", "PUT", "POST", "DELETE", "PATCH", "HEAD"]
        public var allowHeaders = [
            "X-Auth-Token", "X-Identity-Status", "X-Roles", "X-Service-Catalog", "X-User-Id", "X-Tenant-Id",
            "X-OpenStack-Request-ID", "X-Trace-Info", "X-Trace-HMAC", "OpenStack-API-Version",
        ]

        public init() {}

        public init(files: ConfigFiles) throws(ConfigurationError) {
            allowedOrigins = files.list("cors", "allowed_origin", default: allowedOrigins)
            allowCredentials = try files.bool("cors", "allow_credentials", default: allowCredentials)
            exposeHeaders = files.list("cors", "expose_headers", default: exposeHeaders)
            maxAge = try files.optionalInt("cors", "max_age", minimum: 0) ?? maxAge
            allowMethods = files.list("cors", "allow_methods", default: allowMethods)
            allowHeaders = files.list("cors", "allow_headers", default: allowHeaders)
        }
    }

    static let simpleHeaders = [
        "Accept", "Accept-Language", "Content-Type", "Cache-Control", "Content-Language", "Expires", "Last-Modified",
        "Pragma",
    ]

    public let name = "cors"
    public let configuration: Configuration

    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    public func handle(
        _ request: Request,
        context: WSGIRequestContext,
        next: any WSGIApplication
    ) async throws
        -> Response
    {
        var response = try await next.respond(to: request, context: context)
        guard !configuration.allowedOrigins.isEmpty, response.headers[.accessControlAllowOrigin] == nil,
            let requestOrigin = request.headers[.origin]
        else { return response }
        let origin: String
        if configuration.allowedOrigins.contains(requestOrigin) {
            origin = requestOrigin
        } else if configuration.allowedOrigins.contains("*") {
            origin = "*"
        } else {
            return response
        }
        if request.method == .options {
            if !(200..<300).contains(response.status.code) {
                response = Response(status: .ok, headers: [.contentLength: "0"])
            }
            guard let method = request.headers[.accessControlRequestMethod],
                configuration.allowMethods.contains(method)
            else { return response }
            let requested = (request.headers[.accessControlRequestHeaders] ?? "").split(separator: ",").map {
                $0.trimmingWhitespace()
            }.filter { !$0.isEmpty }
            let permitted = Set((configuration.allowHeaders + Self.simpleHeaders).map { $0.uppercased() })
            guard requested.allSatisfy({ permitted.contains($0.uppercased()) }) else { return response }
            response.headers[.vary] = "Origin"
            response.headers[.accessControlAllowOrigin] = origin
            if configuration.allowCredentials { response.headers[.accessControlAllowCredentials] = "true" }
            if let maxAge = configuration.maxAge, maxAge > 0 {
                response.headers[.accessControlMaxAge] = String(maxAge)
            }
            response.headers[.accessControlAllowMethods] = method
            if !requested.isEmpty { response.headers[.accessControlAllowHeaders] = requested.joined(separator: ",") }
            return response
        }
        if let vary = response.headers[.vary] {
            response.headers[.vary] = vary + ",Origin"
        } else {
            response.headers[.vary] = "Origin"
        }
        response.headers[.accessControlAllowOrigin] = origin
        if configuration.allowCredentials { response.headers[.accessControlAllowCredentials] = "true" }
        if !configuration.exposeHeaders.isEmpty {
            response.headers[.accessControlExposeHeaders] = configuration.exposeHeaders.joined(separator: ",")
        }
        return response
    }
}

import HTTPTypes
import Hummingbird

/// `http_proxy_to_wsgi` (`oslo_middleware.http_proxy_to_wsgi:HTTPProxyToWSGI.factory`): behind
/// a TLS-terminating proxy, take the scheme and host from `Forwarded` (RFC 7239) or
/// `X-Forwarded-Proto` / `X-Forwarded-Host`, so links point at the proxy.
///
/// As in oslo.middleware it does nothing unless `[oslo_middleware]
/// enable_proxy_headers_parsing = true`: the headers are only trustworthy behind a proxy.
public struct HTTPProxyToWSGIMiddleware: WSGIFilter {
    public let name = "http_proxy_to_wsgi"
    public let enabled: Bool

    public init(enabled: Bool) {
        self.enabled = enabled
    }

    public func handle(
        _ request: Request,
        context: WSGIRequestContext,
        next: any WSGIApplication
    ) async throws
        -> Response
    {
        guard enabled else { return try await next.respond(to: request, context: context) }
        var context = context
        if let forwarded = request.headers[.forwarded] {
            // Only the first (closest to the client) element counts, as in oslo.
            let first = forwarded.split(separator: ",").first ?? ""
            for pair in first.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).trimmingCharacters(in: " \"") }
                guard parts.count == 2 else { continue }
                switch parts[0].lowercased() {
                case "proto": context.scheme = parts[1]
                case "host": context.host = parts[1]
                default: break
                }
            }
        } else {
            if let proto = request.headers[.forwardedProto] {
                context.scheme = String(proto.split(separator: ",").first ?? "").trimmingCharacters(in: " ")
            }
            if let host = request.headers[.forwardedHost] {
                context.host = String(host.split(separator: ",").first ?? "").trimmingCharacters(in: " ")
            }
        }
        if let prefix = request.headers[HTTPField.Name("X-Forwarded-Prefix")!] {
            context.scriptName =
                prefix.trimmingCharacters(in: "/").isEmpty
                ? context.scriptName : "/" + prefix.trimmingCharacters(in: "/") + context.scriptName
        }
        return try await next.respond(to: request, context: context)
    }
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        var slice = Substring(self)
        while let first = slice.first, set.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, set.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}

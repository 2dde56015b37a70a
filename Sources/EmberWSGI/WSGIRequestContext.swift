import EmberCore
import Hummingbird
import Logging
import NIOCore

/// The per-request state that travels down a paste pipeline: what WSGI keeps in `environ`.
///
/// It is a value: a filter that learns something (`identity`, a rewritten host) sets it on its
/// own copy and passes that copy on (`var context = context; context.identity = …`).
public struct WSGIRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// `req-<uuid>` from the request id filter; empty before it runs.
    public var requestID: String = ""
    /// An inbound `X-OpenStack-Request-ID` that is a valid request id (oslo's global request id).
    public var globalRequestID: String?
    /// `wsgi.url_scheme`: `http`, or `https` behind TLS or a trusted proxy.
    public var scheme: String = "http"
    /// `HTTP_HOST`: the host (and port) the client used.
    public var host: String = "localhost"
    /// `SCRIPT_NAME`: the part of the path consumed by url maps on the way here (`/v3`).
    public var scriptName: String = ""
    /// `PATH_INFO`: the part of the path still to route, always starting with `/` or empty.
    public var pathInfo: String = ""
    /// The caller, once an auth filter has run.
    public var identity: Identity?
    /// The address of the peer socket.
    public var remoteAddress: String?
    /// `SERVER_NAME:SERVER_PORT`: the local address the request arrived on, the host used for
    /// links when the client sent no `Host` header.
    public var serverAddress: String?
    /// Where the route that answers is noted for the metrics; nil when nobody observes.
    public var routeRecord: RouteRecord?
    /// The server is draining before it stops (see ``ServerDrain``): `/healthcheck` answers 503.
    public var serverDraining = false

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress?.ipAddress
        if let local = source.channel.localAddress, let ip = local.ipAddress, let port = local.port {
            serverAddress = local.protocol == .inet6 ? "[\(ip)]:\(port)" : "\(ip):\(port)"
        }
    }

    /// Accept bodies of any size here: the sizelimit filter enforces cinder's limit.
    public var maxUploadSize: Int { Int.max }

    /// `application_url`: scheme, host and script name, with no trailing slash.
    public var applicationURL: String { "\(scheme)://\(host)\(scriptName)" }

    /// The full URL of the request as the client sent it (webob's `req.url`, without the query).
    public var requestURL: String { applicationURL + pathInfo }

    /// `host_url`: scheme and host only.
    public var hostURL: String { "\(scheme)://\(host)" }
}

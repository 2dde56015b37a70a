import Synchronization

/// What sees every request once it is answered: the metrics. Called by ``PasteResponder``
/// after the access log line, for every outcome.
public protocol RequestObserver: Sendable {
    /// - Parameter route: the route template that answered (`/v3/{project_id}/volumes/{id}`),
    ///   the url map mount when no router was reached (`/v3`), or `unmatched`.
    func requestFinished(method: String, route: String, status: Int, duration: Duration)
}

/// The route a request took, written by the url map and the API router as the request goes
/// down the pipeline and read by ``PasteResponder`` when it comes back. Only templates are
/// recorded, never the path itself, so the label set stays bounded whatever callers send.
public final class RouteRecord: Sendable {
    private let template = Mutex<String?>(nil)

    public init() {}

    public var route: String? { template.withLock { $0 } }

    public func record(_ route: String) {
        template.withLock { $0 = route }
    }
}

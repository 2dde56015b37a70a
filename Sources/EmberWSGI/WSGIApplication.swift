import Hummingbird

/// A paste.deploy application: something that answers a request.
///
/// Apps are immutable `Sendable` values built once at start-up by the paste loader, so the
/// request path shares no mutable state between requests.
public protocol WSGIApplication: Sendable {
    func respond(to request: Request, context: WSGIRequestContext) async throws -> Response
}

/// A paste.deploy filter as typed async middleware: it may answer itself, or change the request
/// context and call the next application.
public protocol WSGIFilter: Sendable {
    /// A short name for logs (`faultwrap`, `sizelimit`).
    var name: String { get }
    func handle(_ request: Request, context: WSGIRequestContext, next: any WSGIApplication) async throws -> Response
}

/// A filter wrapped around the rest of its pipeline.
public struct FilteredApplication: WSGIApplication {
    public let filter: any WSGIFilter
    public let next: any WSGIApplication

    public init(filter: any WSGIFilter, next: any WSGIApplication) {
        self.filter = filter
        self.next = next
    }

    @inlinable
    public func respond(to request: Request, context: WSGIRequestContext) async throws -> Response {
        try await filter.handle(request, context: context, next: next)
    }
}

extension WSGIApplication {
    /// Wraps `filters` around this app; the first filter sees the request first, as in a
    /// paste `pipeline = f1 f2 app` line.
    public func wrapped(in filters: [any WSGIFilter]) -> any WSGIApplication {
        var app: any WSGIApplication = self
        for filter in filters.reversed() {
            app = FilteredApplication(filter: filter, next: app)
        }
        return app
    }
}

/// The names of the filters and the app a request passes through, for logs and tests.
public protocol PipelineDescribing {
    var pipelineDescription: [String] { get }
}

extension FilteredApplication: PipelineDescribing {
    public var pipelineDescription: [String] {
        [filter.name] + ((next as? any PipelineDescribing)?.pipelineDescription ?? [String(describing: type(of: next))])
    }
}

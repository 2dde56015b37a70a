import Hummingbird

/// A filter cinder treats as optional and Ember does not implement (`osprofiler`): it passes
/// every request on unchanged. The factory logs once at start-up that it is inactive.
public struct PassThroughMiddleware: WSGIFilter {
    public let name: String

    public init(name: String) {
        self.name = name
    }

    public func handle(
        _ request: Request,
        context: WSGIRequestContext,
        next: any WSGIApplication
    ) async throws
        -> Response
    {
        try await next.respond(to: request, context: context)
    }
}

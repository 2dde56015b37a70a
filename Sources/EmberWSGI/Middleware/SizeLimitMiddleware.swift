import HTTPTypes
import Hummingbird
import NIOCore

/// `sizelimit` (`oslo_middleware.sizelimit:RequestBodySizeLimiter.factory`, and cinder's 2013
/// copy): refuses bodies over `[oslo_middleware] max_request_body_size` (alias
/// `[DEFAULT] osapi_max_request_body_size`, 114688 bytes) with a 413.
///
/// A `Content-Length` over the limit is refused before any of the body is read. A chunked
/// body is counted as it streams and refused as soon as it passes the limit, so no more than
/// the limit (plus one chunk) is ever held. The 413 is webob's page, not a cinder fault, as in
/// cinder; Ember fills in the limit where oslo.middleware prints a literal `(%s)`.
public struct SizeLimitMiddleware: WSGIFilter {
    public let name = "sizelimit"
    public let limit: Int

    public init(limit: Int) {
        self.limit = limit
    }

    public func handle(
        _ request: Request,
        context: WSGIRequestContext,
        next: any WSGIApplication
    ) async throws
        -> Response
    {
        if let length = request.headers[.contentLength].flatMap({ Int($0) }) {
            guard length <= limit else { return tooLarge(request) }
            return try await next.respond(to: request, context: context)
        }
        var request = request
        request.body = RequestBody(asyncSequence: LimitedBody(base: request.body, limit: limit))
        do {
            return try await next.respond(to: request, context: context)
        } catch is RequestBodyTooLargeError {
            return tooLarge(request)
        }
    }

    func tooLarge(_ request: Request) -> Response {
        WebObError(
            status: .contentTooLarge,
            title: "Request Entity Too Large",
            explanation: "Request is too large. Larger than max_request_body_size (\(limit)).",
            detail: nil
        ).response(for: request)
    }
}

/// Thrown while reading a chunked body that passes the size limit.
public struct RequestBodyTooLargeError: Error, Sendable {
    public var limit: Int
}

/// A request body that throws once more than `limit` bytes have arrived.
struct LimitedBody: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let base: RequestBody
    let limit: Int

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: RequestBody.AsyncIterator
        let limit: Int
        var seen = 0

        mutating func next() async throws -> ByteBuffer? {
            guard let buffer = try await base.next() else { return nil }
            seen += buffer.readableBytes
            guard seen <= limit else { throw RequestBodyTooLargeError(limit: limit) }
            return buffer
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: base.makeAsyncIterator(), limit: limit)
    }
}

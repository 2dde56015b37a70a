import EmberWSGI
import HTTPTypes
import Hummingbird
import NIOCore

/// `GET /metrics`: the Prometheus text exposition of ``EmberMetrics``.
public struct MetricsApplication: WSGIApplication {
    public let metrics: EmberMetrics

    public init(metrics: EmberMetrics) {
        self.metrics = metrics
    }

    public func respond(to request: Request, context: WSGIRequestContext) async throws -> Response {
        guard request.method == .get || request.method == .head else {
            return Response(
                status: .methodNotAllowed,
                headers: [.allow: "GET, HEAD", .contentType: "text/plain; charset=UTF-8", .contentLength: "0"]
            )
        }
        let text = await metrics.scrape()
        var headers: HTTPFields = [
            .contentType: "text/plain; version=0.0.4; charset=utf-8", .contentLength: String(text.count),
        ]
        headers[.cacheControl] = "no-store"
        if request.method == .head { return Response(status: .ok, headers: headers) }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: text)))
    }
}

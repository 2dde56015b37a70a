import EmberCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// `healthcheckapp` (`oslo_middleware:Healthcheck.app_factory`) with oslo's `disable_by_file`
/// backend: `GET /healthcheck` answers 200 `OK`, or 503 `DISABLED BY FILE` while the file at
/// `disable_by_file_path` exists, so an operator can drain a node from its load balancer.
/// `HEAD` answers 204 or 503 without a body. `Accept: application/json` gets oslo's JSON.
/// While the server drains before it stops (Ember's `graceful_shutdown_drain_time`) it answers
/// 503 `SHUTTING DOWN` whatever the file says, so the balancer stops sending requests first.
public struct HealthcheckApplication: WSGIApplication {
    public let disableByFilePath: String?

    public init(disableByFilePath: String?) {
        self.disableByFilePath = disableByFilePath
    }

    public func respond(to request: Request, context: WSGIRequestContext) async throws -> Response {
        var reasons: [String] = []
        var healthy = true
        if context.serverDraining {
            healthy = false
            reasons.append("SHUTTING DOWN")
        } else if let path = disableByFilePath {
            if FileManager.default.fileExists(atPath: path) {
                healthy = false
                reasons.append("DISABLED BY FILE")
            } else {
                reasons.append("OK")
            }
        }
        if request.method == .head {
            return Response(
                status: healthy ? .noContent : .serviceUnavailable,
                headers: [.contentType: "text/plain; charset=UTF-8", .contentLength: "0"]
            )
        }
        let status: HTTPResponse.Status = healthy ? .ok : .serviceUnavailable
        let accept = request.headers[.accept] ?? ""
        let text: String
        let contentType: String
        if accept.contains("application/json") && !accept.contains("text/plain") {
            let quoted = reasons.map { "        \"\($0)\"" }.joined(separator: ",\n")
            text = "{\n    \"detailed\": false,\n    \"reasons\": [\n\(quoted)\n    ]\n}"
            // oslo.middleware's JSON answer (seen against cinder 29.0.0's /healthcheck).
            contentType = "application/json"
        } else {
            text = reasons.joined(separator: "\n")
            contentType = "text/plain; charset=UTF-8"
        }
        return Response(
            status: status,
            headers: [.contentType: contentType, .contentLength: String(text.utf8.count)],
            body: .init(byteBuffer: ByteBuffer(string: text))
        )
    }
}

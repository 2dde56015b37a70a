import EmberCore
import HTTPTypes
import Hummingbird
import NIOCore

extension HTTPField.Name {
    public static let openStackRequestID = HTTPField.Name("x-openstack-request-id")!
    public static let computeRequestID = HTTPField.Name("x-compute-request-id")!
    /// Internal: marks an answer a cinder controller builds as a bare `webob.Response`
    /// (`text/html`, no body), which cinder's `Resource` does not give `x-compute-request-id`.
    /// ``MicroversionedResponder`` removes it.
    static let bareWebObResponse = HTTPField.Name("x-ember-bare-webob-response")!
    public static let openStackAPIVersion = HTTPField.Name("OpenStack-API-Version")!
    public static let authToken = HTTPField.Name("X-Auth-Token")!
    public static let serverManagementURL = HTTPField.Name("X-Server-Management-Url")!
    public static let forwardedProto = HTTPField.Name("X-Forwarded-Proto")!
    public static let forwardedHost = HTTPField.Name("X-Forwarded-Host")!
    public static let forwarded = HTTPField.Name("Forwarded")!
}

/// Responses shaped as cinder and webob shape them.
public enum WSGIResponses {
    /// A JSON body serialized as cinder serializes it.
    public static func json(
        _ value: JSONValue,
        status: HTTPResponse.Status = .ok,
        headers: HTTPFields = [:]
    ) -> Response {
        json(bytes: value.serializedBytes(), status: status, headers: headers)
    }

    /// JSON text already serialized as cinder serializes it.
    public static func json(
        bytes: [UInt8],
        status: HTTPResponse.Status = .ok,
        headers: HTTPFields = [:]
    ) -> Response {
        var headers = headers
        headers[.contentType] = "application/json"
        headers[.contentLength] = String(bytes.count)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// cinder's fault body: `{"itemNotFound": {"code": 404, "message": "…"}}`.
    public static func fault(_ error: EmberError, headers: HTTPFields = [:]) -> Response {
        var body = JSONObject()
        var inner: JSONObject = ["code": .int(error.status), "message": .string(error.message)]
        var headers = headers
        for header in error.headers {
            if let name = HTTPField.Name(header.name) { headers[name] = header.value }
        }
        if error.status == 413, let retryAfter = error.headers.first(where: { $0.name.lowercased() == "retry-after" }) {
            inner["retryAfter"] = .string(retryAfter.value)
        }
        body[error.faultName] = .object(inner)
        return json(.object(body), status: HTTPResponse.Status(code: error.status), headers: headers)
    }

    /// A body-less response with webob's text/plain content type.
    public static func empty(_ status: HTTPResponse.Status, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentLength] = "0"
        if headers[.contentType] == nil { headers[.contentType] = "text/plain; charset=UTF-8" }
        return Response(status: status, headers: headers)
    }
}

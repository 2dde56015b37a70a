import EmberCore
import HTTPTypes
import Hummingbird

/// What `cinder/api/openstack/wsgi.py:Resource` does around every controller call:
/// negotiate the microversion from `OpenStack-API-Version`, run the handler, and stamp the
/// response (fault or not) with `OpenStack-API-Version`, `Vary` and `x-compute-request-id`.
public enum MicroversionedResponder {
    ///
    /// With `negotiate` false (the seed's `/v2` and `/v1`, which predate microversions) the
    /// header is ignored, the handler runs at 3.0 and no version headers are added. `fault`
    /// renders what the handler throws (the seed's routers answer XML faults when asked).
    public static func respond(
        to request: Request,
        context: WSGIRequestContext,
        negotiate: Bool = true,
        fault: (EmberError) -> Response = { WSGIResponses.fault($0) },
        handler: (APIVersionRequest) async throws -> Response
    ) async rethrows -> Response {
        let header = negotiate ? request.headers[.openStackAPIVersion] : nil
        switch APIVersionRequest.negotiate(header: header) {
        case .failure(let error):
            var response = WSGIResponses.fault(error.emberError)
            response.headers[.computeRequestID] = context.requestID
            // cinder's `_is_legacy_endpoint`: no version headers when the version string
            // contains "1.0" or "2.0" (a request for 2.0 is refused without them).
            if let requested = error.requested, !Self.isLegacy(requested) {
                stamp(&response, version: requested)
            }
            return response
        case .success(let version):
            var response: Response
            do {
                response = try await handler(version)
            } catch let error as any EmberErrorConvertible {
                response = fault(error.emberError)
            }
            if response.headers[.bareWebObResponse] != nil {
                response.headers[.bareWebObResponse] = nil
            } else {
                response.headers[.computeRequestID] = context.requestID
            }
            if negotiate { stamp(&response, version: version) }
            return response
        }
    }

    /// cinder's `_is_legacy_endpoint`: a substring test on the version string.
    static func isLegacy(_ version: APIVersionRequest) -> Bool {
        let text = version.description
        return text.contains("1.0") || text.contains("2.0")
    }

    /// Adds `OpenStack-API-Version` and `Vary`. (cinder skips them for "legacy endpoints", a
    /// substring test for `1.0`/`2.0` in the version string that no 3.x version matches.)
    public static func stamp(_ response: inout Response, version: APIVersionRequest) {
        response.headers[.openStackAPIVersion] = "volume \(version)"
        response.headers[.vary] = "OpenStack-API-Version"
    }
}

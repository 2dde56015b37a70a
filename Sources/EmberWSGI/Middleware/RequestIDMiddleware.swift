import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// `request_id` (`cinder.api.middleware.request_id:RequestId.factory`): gives every request
/// an id `req-<uuid>`, puts it in the log metadata and returns it as
/// `x-openstack-request-id`. An inbound `X-OpenStack-Request-ID` of the same form becomes the
/// global request id (oslo.middleware's behaviour).
public struct RequestIDMiddleware: WSGIFilter {
    public let name = "request_id"

    public init() {}

    public func handle(
        _ request: Request,
        context: WSGIRequestContext,
        next: any WSGIApplication
    ) async throws
        -> Response
    {
        var context = context
        let id = Self.makeID()
        context.requestID = id
        if let inbound = request.headers[.openStackRequestID], Self.isValid(inbound) {
            context.globalRequestID = inbound
        }
        context.logger[metadataKey: "request.id"] = .string(id)
        var response = try await next.respond(to: request, context: context)
        response.headers[.openStackRequestID] = id
        return response
    }

    /// `req-` and a lowercase version 4 UUID.
    public static func makeID() -> String {
        "req-" + UUID().uuidString.lowercased()
    }

    /// oslo's `^req-[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$`.
    static func isValid(_ value: String) -> Bool {
        guard value.hasPrefix("req-") else { return false }
        let groups = value.dropFirst(4).split(separator: "-", omittingEmptySubsequences: false)
        guard groups.map(\.count) == [8, 4, 4, 4, 12] else { return false }
        return groups.allSatisfy { $0.allSatisfy { $0.isHexDigit && !$0.isUppercase } }
    }
}

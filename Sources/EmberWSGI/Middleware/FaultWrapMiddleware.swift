import EmberCore
import HTTPTypes
import Hummingbird
import Logging

/// `faultwrap` (`cinder.api.middleware.fault:FaultWrapper.factory`): anything thrown below it
/// becomes cinder's JSON fault.
///
/// An error that knows its fault (``EmberErrorConvertible``) keeps its status and message.
/// Anything else is a 500 `computeFault` with webob's generic text: the cause is logged with
/// the request id and never returned to the client.
public struct FaultWrapMiddleware: WSGIFilter {
    public let name = "faultwrap"

    public init() {}

    public func handle(
        _ request: Request,
        context: WSGIRequestContext,
        next: any WSGIApplication
    ) async throws
        -> Response
    {
        do {
            return try await next.respond(to: request, context: context)
        } catch {
            let fault = Self.fault(for: error, context: context)
            context.logger.info(
                "Request failed",
                metadata: ["url": .string(context.requestURL), "status": .stringConvertible(fault.status)]
            )
            return WSGIResponses.fault(fault)
        }
    }

    /// The fault a thrown error is shown as; unexpected errors are logged here.
    public static func fault(for error: any Error, context: WSGIRequestContext) -> EmberError {
        if let convertible = error as? any EmberErrorConvertible {
            return convertible.emberError
        }
        if let httpError = error as? any HTTPResponseError, httpError.status.code < 500 {
            return EmberError(status: httpError.status.code, message: httpError.status.reasonPhrase)
        }
        context.logger.error(
            "Caught error",
            metadata: ["error.type": .string(String(reflecting: type(of: error))), "error": .string("\(error)")]
        )
        return .internalError
    }
}

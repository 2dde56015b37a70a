/// An error Ember can show to an API user: an HTTP status, cinder's fault name for that
/// status, and a message that is safe to return.
///
/// The body is rendered as cinder's `wsgi.Fault` renders it:
/// `{"itemNotFound": {"code": 404, "message": "Volume abc could not be found."}}`.
public struct EmberError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The HTTP status code.
    public var status: Int
    /// The message returned to the user (cinder's `explanation`).
    public var message: String
    /// Extra response headers (`Retry-After` on quota faults).
    public var headers: [(name: String, value: String)]

    public init(status: Int, message: String, headers: [(name: String, value: String)] = []) {
        self.status = status
        self.message = message
        self.headers = headers
    }

    /// cinder's fault name for the status (`cinder/api/openstack/wsgi.py:Fault._fault_names`);
    /// any status without a name is a `computeFault`.
    public var faultName: String { Self.faultName(for: status) }

    public static func faultName(for status: Int) -> String {
        switch status {
        case 400: "badRequest"
        case 401: "unauthorized"
        case 403: "forbidden"
        case 404: "itemNotFound"
        case 405: "badMethod"
        case 409: "conflictingRequest"
        case 413: "overLimit"
        case 415: "badMediaType"
        case 501: "notImplemented"
        case 503: "serviceUnavailable"
        default: "computeFault"
        }
    }

    public var description: String { "\(faultName) (\(status)): \(message)" }

    public static func == (lhs: EmberError, rhs: EmberError) -> Bool {
        lhs.status == rhs.status && lhs.message == rhs.message
            && lhs.headers.map(\.name) == rhs.headers.map(\.name)
            && lhs.headers.map(\.value) == rhs.headers.map(\.value)
    }
}

extension EmberError {
    public static func badRequest(_ message: String) -> EmberError { EmberError(status: 400, message: message) }
    public static func unauthorized(_ message: String) -> EmberError { EmberError(status: 401, message: message) }
    public static func forbidden(_ message: String) -> EmberError { EmberError(status: 403, message: message) }
    public static func notFound(_ message: String) -> EmberError { EmberError(status: 404, message: message) }
    public static func conflict(_ message: String) -> EmberError { EmberError(status: 409, message: message) }
    public static func unsupportedMediaType(_ message: String) -> EmberError {
        EmberError(status: 415, message: message)
    }
    public static func serviceUnavailable(_ message: String) -> EmberError { EmberError(status: 503, message: message) }

    /// webob's text for a 500: what cinder returns for an error it cannot explain safely.
    public static let internalErrorMessage =
        "The server has either erred or is incapable of performing the requested operation."

    /// The 500 fault every unexpected error becomes; it leaks nothing about the cause.
    public static let internalError = EmberError(status: 500, message: internalErrorMessage)
}

/// An error that knows how it should be shown to an API user.
///
/// Errors from lower layers (the store, the bus) conform so that faultwrap can render them
/// without the lower layer knowing about HTTP.
public protocol EmberErrorConvertible: Error {
    var emberError: EmberError { get }
}

extension EmberError: EmberErrorConvertible {
    public var emberError: EmberError { self }
}

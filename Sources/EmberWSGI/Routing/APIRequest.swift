import EmberCore
import HTTPTypes
import Hummingbird

/// What a controller method gets: cinder's `req` plus the routing and decoded body.
public struct APIRequest: Sendable {
    public var method: HTTPRequest.Method
    public var headers: HTTPFields
    /// The decoded query string, in order (`sort=a&sort=b` keeps both).
    public var query: [(name: String, value: String)]
    public var context: WSGIRequestContext
    /// The negotiated microversion.
    public var version: APIVersionRequest
    /// Path parameters (`id`, `project_id`, parent ids).
    public var parameters: [String: String]
    /// The JSON body, or nil when the request had none (or no `Content-Type`, which cinder
    /// treats as no body).
    public var body: JSONValue?

    public init(
        method: HTTPRequest.Method,
        headers: HTTPFields = [:],
        query: [(name: String, value: String)] = [],
        context: WSGIRequestContext,
        version: APIVersionRequest,
        parameters: [String: String] = [:],
        body: JSONValue? = nil
    ) {
        self.method = method
        self.headers = headers
        self.query = query
        self.context = context
        self.version = version
        self.parameters = parameters
        self.body = body
    }

    /// The caller; the auth filters always set one before a controller runs.
    public var identity: Identity {
        context.identity ?? Identity(userID: "anonymous", projectID: nil)
    }

    /// The last value of a query parameter.
    public func queryValue(_ name: String) -> String? {
        query.last { $0.name == name }?.value
    }

    /// Every value of a query parameter, in order.
    public func queryValues(_ name: String) -> [String] {
        query.filter { $0.name == name }.map(\.value)
    }

    /// True when the requested microversion is at least `version` (`req.api_version_request.matches`).
    public func supports(_ version: String) -> Bool {
        guard let minimum = APIVersionRequest(version) else { return false }
        return self.version >= minimum
    }
}

/// What a controller method returns: cinder's `ResponseObject`.
public struct APIResponse: Sendable {
    public var status: HTTPResponse.Status
    public var body: JSONValue?
    public var headers: HTTPFields

    public init(status: HTTPResponse.Status = .ok, body: JSONValue? = nil, headers: HTTPFields = [:]) {
        self.status = status
        self.body = body
        self.headers = headers
    }

    /// A body-less 202, what cinder answers for accepted deletes and casts.
    public static let accepted = APIResponse(status: .accepted)
}

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
    /// The policy enforcer of the router that dispatched the request.
    public var policy: PolicyEnforcer

    public init(
        method: HTTPRequest.Method,
        headers: HTTPFields = [:],
        query: [(name: String, value: String)] = [],
        context: WSGIRequestContext,
        version: APIVersionRequest,
        parameters: [String: String] = [:],
        body: JSONValue? = nil,
        policy: PolicyEnforcer = .cinderDefaults
    ) {
        self.method = method
        self.headers = headers
        self.query = query
        self.context = context
        self.version = version
        self.parameters = parameters
        self.body = body
        self.policy = policy
    }

    /// cinder's `context.authorize(action, target=…)`, the one way a controller checks a
    /// policy: the target is the caller's `project_id` and `user_id` updated with `target` (the
    /// object's fields, such as its `project_id`). A refusal is cinder's 403 `forbidden`,
    /// "Policy doesn't allow <action> to be performed.".
    ///
    ///     try request.authorize(.volumeCreate)
    ///     try request.authorize(.volumeDelete, target: ["project_id": .string(volume.projectID)])
    public func authorize(_ action: PolicyAction, target: PolicyTarget = [:]) throws(EmberError) {
        try policy.authorize(action, identity: identity, target: target)
    }

    /// The non-fatal check (`fatal=False`), for optional response fields and filters.
    public func allows(_ action: PolicyAction, target: PolicyTarget = [:]) -> Bool {
        policy.allows(action, identity: identity, target: target)
    }

    /// Several non-fatal checks at once, each with the caller's own target.
    public func allows(_ actions: [PolicyAction]) -> [Bool] {
        policy.allows(actions, identity: identity)
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
    public var headers: HTTPFields
    /// True for what a cinder controller builds as a bare `webob.Response` around JSON text
    /// (the 3.15 ETag answers): labelled `text/html`, no `x-compute-request-id`.
    public var bareWebOb = false
    var payload: Payload

    enum Payload: Sendable {
        case none
        case tree(JSONValue)
        /// JSON text a view wrote directly (``JSONWriter``): list pages skip the tree.
        case encoded([UInt8])
    }

    public init(status: HTTPResponse.Status = .ok, body: JSONValue? = nil, headers: HTTPFields = [:]) {
        self.status = status
        self.payload = body.map(Payload.tree) ?? .none
        self.headers = headers
    }

    /// A response whose body is already JSON text.
    public init(status: HTTPResponse.Status = .ok, encodedBody: [UInt8], headers: HTTPFields = [:]) {
        self.status = status
        self.payload = .encoded(encodedBody)
        self.headers = headers
    }

    /// The body as a tree. An encoded body is parsed when read, so extensions that edit a
    /// response see a tree either way (no standard extension edits the encoded list pages).
    public var body: JSONValue? {
        get {
            switch payload {
            case .none: nil
            case .tree(let value): value
            case .encoded(let bytes): try? JSONValue.parse(bytes)
            }
        }
        set { payload = newValue.map(Payload.tree) ?? .none }
    }

    /// A body-less 202, what cinder answers for accepted deletes and casts that return a
    /// `webob.Response` (webob's default `text/html` content type).
    public static let accepted = APIResponse(status: .accepted)

    /// What cinder answers when a controller method decorated `@wsgi.response(status)`
    /// returns None (most actions): an empty body labelled `application/json`.
    public static func empty(_ status: HTTPResponse.Status) -> APIResponse {
        APIResponse(status: status, headers: [.contentType: "application/json"])
    }
}

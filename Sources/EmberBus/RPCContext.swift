import EmberCore

/// The request context a message carries: what cinder's `RequestContextSerializer` puts in
/// every RPC message so the worker acts as the caller.
public struct RPCContext: Codable, Sendable, Equatable {
    /// The API request id (`req-…`), for logs across services.
    public var requestID: String
    /// The calling user.
    public var userID: String?
    /// The calling project.
    public var projectID: String?
    /// The caller's roles.
    public var roles: [String]
    /// Whether the caller acts as an administrator.
    public var isAdmin: Bool
    /// The caller's token (`auth_token`), for the workers' calls to other services (Glance),
    /// as cinder's context serializer carries it; nil in noauth mode.
    public var authToken: String?

    public init(
        requestID: String,
        userID: String? = nil,
        projectID: String? = nil,
        roles: [String] = [],
        isAdmin: Bool = false
    ) {
        self.requestID = requestID
        self.userID = userID
        self.projectID = projectID
        self.roles = roles
        self.isAdmin = isAdmin
    }

    /// The context of an API request made by `identity`.
    public init(requestID: String, identity: Identity) {
        self.init(
            requestID: requestID,
            userID: identity.userID,
            projectID: identity.projectID,
            roles: identity.roles,
            isAdmin: identity.isAdmin
        )
        authToken = identity.authToken
    }

    /// A context for messages a service sends on its own behalf (periodic tasks).
    public static func service(requestID: String) -> RPCContext {
        RPCContext(requestID: requestID, roles: ["admin"], isAdmin: true)
    }

    enum CodingKeys: String, CodingKey {
        case requestID = "request_id"
        case userID = "user_id"
        case projectID = "project_id"
        case roles
        case isAdmin = "is_admin"
        case authToken = "auth_token"
    }
}

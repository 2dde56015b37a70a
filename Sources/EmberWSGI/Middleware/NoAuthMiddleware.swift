import EmberCore
import HTTPTypes
import Hummingbird

/// `noauth` and `noauth_include_project_id` (`cinder.api.middleware.auth:NoAuthMiddleware`):
/// development authentication with no identity service.
///
/// - `X-Auth-Token: user:project` makes the caller `user` in `project` (the project defaults
///   to the user), always an admin, as in cinder.
/// - No token: 204 with `X-Auth-Token: <X-Auth-User|admin>:<X-Auth-Project-Id|admin>` and
///   `X-Server-Management-Url` (the request URL, plus the project for the
///   `include_project_id` variant), as in cinder.
/// - Ember's one difference: version discovery (`GET /v3/`) is answered without a token, so
///   clients that discover the API before they authenticate (openstacksdk with
///   `auth_type: none`) work. cinder answers it with the 204 above.
public struct NoAuthMiddleware: WSGIFilter {
    public let name: String
    public let includeProjectID: Bool

    public init(includeProjectID: Bool) {
        self.includeProjectID = includeProjectID
        self.name = includeProjectID ? "noauth_include_project_id" : "noauth"
    }

    public func handle(
        _ request: Request,
        context: WSGIRequestContext,
        next: any WSGIApplication
    ) async throws
        -> Response
    {
        var context = context
        guard let token = request.headers[.authToken] else {
            if context.pathInfo.isEmpty || context.pathInfo == "/" {
                return try await next.respond(to: request, context: context)
            }
            let user = request.headers[HTTPField.Name("X-Auth-User")!] ?? "admin"
            let project = request.headers[HTTPField.Name("X-Auth-Project-Id")!] ?? "admin"
            var url = context.requestURL
            while url.hasSuffix("/") { url.removeLast() }
            if includeProjectID { url += "/" + project }
            return WSGIResponses.empty(
                .noContent,
                headers: [.authToken: "\(user):\(project)", .serverManagementURL: url]
            )
        }
        let parts = token.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let user = String(parts[0])
        let project = parts.count > 1 && !parts[1].isEmpty ? String(parts[1]) : user
        context.identity = Identity(
            userID: user,
            projectID: project,
            roles: ["admin"],
            isAdmin: true,
            remoteAddress: context.remoteAddress
        )
        return try await next.respond(to: request, context: context)
    }
}

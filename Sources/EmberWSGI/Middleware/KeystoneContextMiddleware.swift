import EmberCore
import HTTPTypes
import Hummingbird

/// `keystonecontext` (`cinder.api.middleware.auth:CinderKeystoneContext.factory`): turns the
/// identity headers that `authtoken` set into the request's ``Identity``.
///
/// Reads `X-User-Id` (or the legacy `X-User`), `X-Project-Id` (or `X-Tenant-Id`/`X-Tenant`),
/// `X-Project-Name` (`X-Tenant-Name`), `X-Roles`, the domain headers and `X-Service-Catalog`.
/// Without a user it answers 401, as cinder does. `is_admin` follows the `admin` role (cinder's
/// `context_is_admin` policy default). With `[DEFAULT] use_forwarded_for` the remote address is
/// taken from `X-Forwarded-For`.
public struct KeystoneContextMiddleware: WSGIFilter {
    public let name = "keystonecontext"
    public let useForwardedFor: Bool

    public init(useForwardedFor: Bool) {
        self.useForwardedFor = useForwardedFor
    }

    public func handle(
        _ request: Request,
        context: WSGIRequestContext,
        next: any WSGIApplication
    ) async throws
        -> Response
    {
        let headers = request.headers
        func header(_ names: String...) -> String? {
            for name in names {
                if let field = HTTPField.Name(name), let value = headers[field], !value.isEmpty { return value }
            }
            return nil
        }
        guard let user = header("X-User-Id", "X-User") else {
            context.logger.debug("Neither X_USER_ID nor X_USER found in request")
            return WebObError.unauthorized.response(for: request)
        }
        let roles = (header("X-Roles") ?? "").split(separator: ",").map { $0.trimmingWhitespace() }.filter {
            !$0.isEmpty
        }
        var remote = context.remoteAddress
        if useForwardedFor, let forwarded = header("X-Forwarded-For") {
            remote = forwarded.split(separator: ",").first.map { $0.trimmingWhitespace() } ?? remote
        }
        var context = context
        context.identity = Identity(
            userID: user,
            projectID: header("X-Project-Id", "X-Tenant-Id", "X-Tenant"),
            roles: roles,
            isAdmin: roles.contains { $0.lowercased() == "admin" },
            projectName: header("X-Project-Name", "X-Tenant-Name"),
            userName: header("X-User-Name"),
            userDomainID: header("X-User-Domain-Id"),
            userDomainName: header("X-User-Domain-Name"),
            projectDomainID: header("X-Project-Domain-Id"),
            projectDomainName: header("X-Project-Domain-Name"),
            serviceCatalog: header("X-Service-Catalog"),
            remoteAddress: remote
        )
        return try await next.respond(to: request, context: context)
    }
}

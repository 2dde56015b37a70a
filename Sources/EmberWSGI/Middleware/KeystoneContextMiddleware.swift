import EmberCore
import HTTPTypes
import Hummingbird

/// `keystonecontext` (`cinder.api.middleware.auth:CinderKeystoneContext.factory`): turns the
/// identity headers that `authtoken` set into the request's ``Identity``, cinder's
/// `RequestContext.from_environ`.
///
/// Reads `X-User-Id` (or the legacy `X-User`), `X-Project-Id` (or `X-Tenant-Id`/`X-Tenant`),
/// `X-Project-Name` (`X-Tenant-Name`), `X-Roles`, the user, project and token domain headers,
/// `OpenStack-System-Scope`, `X-Is-Admin-Project`, the `X-Service-*` headers of a service token
/// and `X-Service-Catalog`. Without a user it answers 401, as cinder does. `is_admin` is the
/// `context_is_admin` policy (`role:admin` by default), checked as cinder's
/// `policy.check_is_admin` does. With `[DEFAULT] use_forwarded_for` the remote address is
/// taken from `X-Forwarded-For`.
public struct KeystoneContextMiddleware: WSGIFilter {
    public let name = "keystonecontext"
    public let useForwardedFor: Bool
    public let policy: PolicyEnforcer

    public init(useForwardedFor: Bool, policy: PolicyEnforcer = .cinderDefaults) {
        self.useForwardedFor = useForwardedFor
        self.policy = policy
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
        func list(_ name: String) -> [String] {
            (header(name) ?? "").split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
        }
        guard let user = header("X-User-Id", "X-User") else {
            context.logger.debug("Neither X_USER_ID nor X_USER found in request")
            return WebObError.unauthorized.response(for: request)
        }
        var remote = context.remoteAddress
        if useForwardedFor, let forwarded = header("X-Forwarded-For") {
            remote = forwarded.split(separator: ",").first.map { $0.trimmingWhitespace() } ?? remote
        }
        var identity = Identity(
            userID: user,
            projectID: header("X-Project-Id", "X-Tenant-Id", "X-Tenant"),
            roles: list("X-Roles"),
            isAdmin: false,
            projectName: header("X-Project-Name", "X-Tenant-Name"),
            userName: header("X-User-Name"),
            userDomainID: header("X-User-Domain-Id"),
            userDomainName: header("X-User-Domain-Name"),
            projectDomainID: header("X-Project-Domain-Id"),
            projectDomainName: header("X-Project-Domain-Name"),
            serviceCatalog: header("X-Service-Catalog"),
            remoteAddress: remote
        )
        identity.domainID = header("X-Domain-Id")
        identity.authToken = header("X-Auth-Token", "X-Storage-Token")
        identity.systemScope = header("OpenStack-System-Scope")
        identity.isAdminProject = (header("X-Is-Admin-Project") ?? "True").lowercased() == "true"
        if header("X-Service-Identity-Status") == "Confirmed" {
            identity.serviceUserID = header("X-Service-User-Id")
            identity.serviceProjectID = header("X-Service-Project-Id")
            identity.serviceRoles = list("X-Service-Roles")
        }
        identity.isAdmin = policy.isAdmin(identity.policyCredentials)
        var context = context
        context.identity = identity
        return try await next.respond(to: request, context: context)
    }
}

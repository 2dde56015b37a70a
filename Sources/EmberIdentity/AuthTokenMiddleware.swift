import EmberCore
import EmberWSGI
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// `authtoken` (`keystonemiddleware.auth_token:filter_factory`): validates `X-Auth-Token` with
/// Keystone and passes the caller on as keystonemiddleware's identity headers.
///
/// - Identity headers the client sent are removed first, so nobody can claim roles.
/// - No token, or one Keystone does not know (garbage, revoked, expired) → 401 with
///   `{"error": {"code": 401, "title": "Unauthorized", …}}` and
///   `WWW-Authenticate: Keystone uri="<www_authenticate_uri>"`.
/// - Keystone unreachable → 503 ("The Keystone service is temporarily unavailable."), unless
///   the token is in the cache: a validated token is trusted for `token_cache_time` seconds
///   (never past its expiry).
/// - A valid token sets `X-Identity-Status: Confirmed`, `X-User-Id`, `X-User-Name`,
///   `X-User-Domain-Id/Name`, `X-Project-Id`, `X-Project-Name`, `X-Project-Domain-Id/Name`,
///   `X-Domain-Id/Name`, `X-Roles`, `X-Is-Admin-Project`, `X-Service-Catalog` (v2 layout),
///   `OpenStack-System-Scope` and the deprecated `X-Tenant-Id`, `X-Tenant-Name`, `X-Tenant`,
///   `X-User`, `X-Role`.
/// - `X-Service-Token` is validated too; it counts (`X-Service-Identity-Status: Confirmed` and
///   the `X-Service-*` headers) when it has one of `service_token_roles`; with
///   `service_token_roles_required` an invalid service token rejects the request.
/// - Any 401 from further down gets the `WWW-Authenticate` header as well.
public struct AuthTokenMiddleware: WSGIFilter {
    public let name = "authtoken"
    public let validator: TokenValidator

    public init(validator: TokenValidator) {
        self.validator = validator
    }

    /// Every header keystonemiddleware may set, removed from incoming requests.
    static let identityHeaders: [HTTPField.Name] = {
        let templates = [
            "Domain-Id", "Domain-Name", "Project-Id", "Project-Name", "Project-Domain-Id", "Project-Domain-Name",
            "User-Id", "User-Name", "User-Domain-Id", "User-Domain-Name", "Roles",
        ]
        var names = ["X-Service-Catalog", "X-Identity-Status", "X-Service-Identity-Status", "X-Is-Admin-Project"]
        names += ["X-Role", "X-User", "X-Tenant-Id", "X-Tenant-Name", "X-Tenant", "OpenStack-System-Scope"]
        for template in templates { names += ["X-" + template, "X-Service-" + template] }
        return names.compactMap { HTTPField.Name($0) }
    }()

    static let serviceTokenHeader = HTTPField.Name("X-Service-Token")!
    static let storageTokenHeader = HTTPField.Name("X-Storage-Token")!
    static let wwwAuthenticate = HTTPField.Name("WWW-Authenticate")!

    public func handle(
        _ request: Request,
        context: WSGIRequestContext,
        next: any WSGIApplication
    ) async throws
        -> Response
    {
        var head = request.head
        for name in Self.identityHeaders { head.headerFields[name] = nil }

        var serviceConfirmed: Bool?
        if let serviceToken = request.headers[Self.serviceTokenHeader] {
            do {
                let token = try await validator.token(serviceToken)
                let roles = Set(token.roles.map { $0.lowercased() })
                let hasRole = !roles.isDisjoint(with: validator.configuration.serviceTokenRoles.map { $0.lowercased() })
                serviceConfirmed = validator.configuration.serviceTokenRolesRequired ? hasRole : true
                if serviceConfirmed == true {
                    Self.set(token.headers(prefix: "-Service", includeCatalog: false), in: &head)
                }
            } catch {
                if case .unavailable = error { return unavailable(request) }
                context.logger.info("Invalid service token")
                serviceConfirmed = false
            }
            Self.set([("X-Service-Identity-Status", serviceConfirmed == true ? "Confirmed" : "Invalid")], in: &head)
        }

        guard let userToken = request.headers[.authToken] ?? request.headers[Self.storageTokenHeader] else {
            context.logger.info("Rejecting request: no token")
            return reject(request)
        }
        let token: KeystoneToken
        do {
            token = try await validator.token(userToken)
        } catch {
            if case .invalidToken = error {
                context.logger.info("Rejecting request: invalid user token")
                return reject(request)
            }
            return unavailable(request)
        }
        guard serviceConfirmed != false else {
            context.logger.info("Rejecting request: invalid service token")
            return reject(request)
        }
        Self.set([("X-Identity-Status", "Confirmed")], in: &head)
        Self.set(token.headers(prefix: "", includeCatalog: validator.configuration.includeServiceCatalog), in: &head)

        var response = try await next.respond(to: Request(head: head, body: request.body), context: context)
        if response.status == .unauthorized {
            response.headers[Self.wwwAuthenticate] = authenticateValue
        }
        return response
    }

    static func set(_ headers: [(String, String)], in head: inout HTTPRequest) {
        for (name, value) in headers {
            guard let field = HTTPField.Name(name) else { continue }
            head.headerFields[field] = value
        }
    }

    var authenticateValue: String { "Keystone uri=\"\(validator.configuration.authenticateURI)\"" }

    /// keystonemiddleware's 401.
    func reject(_ request: Request) -> Response {
        let body: JSONValue = [
            "error": [
                "code": 401,
                "title": "Unauthorized",
                "message": "The request you have made requires authentication.",
            ]
        ]
        let text = body.serialized()
        var headers: HTTPFields = [
            .contentType: "application/json; charset=UTF-8", .contentLength: String(text.utf8.count),
        ]
        headers[Self.wwwAuthenticate] = authenticateValue
        if request.method == .head { return Response(status: .unauthorized, headers: headers) }
        return Response(status: .unauthorized, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// keystonemiddleware's `HTTPServiceUnavailable`, rendered by webob.
    func unavailable(_ request: Request) -> Response {
        WebObError(
            status: .serviceUnavailable,
            explanation: "The server is currently unavailable. Please try again at a later time.",
            detail: "The Keystone service is temporarily unavailable."
        ).response(for: request)
    }
}

/// Validates tokens through the cache, then Keystone.
public final class TokenValidator: Sendable {
    public let client: KeystoneClient
    public let cache: TokenCache
    /// Where the cache's "now" comes from.
    public let clock: any EmberClock
    public var configuration: AuthTokenConfiguration { client.configuration }

    public init(
        client: KeystoneClient,
        clock: any EmberClock = .system,
        statistics: TokenCacheStatistics = TokenCacheStatistics()
    ) {
        self.client = client
        self.clock = clock
        self.cache = TokenCache(
            capacity: client.configuration.tokenCacheSize,
            lifetime: Double(client.configuration.tokenCacheTime),
            statistics: statistics
        )
    }

    public func token(_ token: String) async throws(KeystoneError) -> KeystoneToken {
        if let cached = cache.lookup(token, now: clock.now.timeIntervalSince1970) { return cached }
        let validated = try await client.validate(token)
        cache.store(token, token: validated, now: clock.now.timeIntervalSince1970)
        return validated
    }
}

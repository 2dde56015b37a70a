import AsyncHTTPClient
import EmberCore
import EmberIdentity
import EmberTesting
import EmberWSGI
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore

/// The Keystone `.ci/keystone.sh` runs, when `EMBER_TEST_KEYSTONE_URL` is set.
enum LiveKeystone {
    static let environment = ProcessInfo.processInfo.environment
    static let url = environment["EMBER_TEST_KEYSTONE_URL"]
    static let password = environment["EMBER_KEYSTONE_PASSWORD"] ?? ""
    static let serviceUser = environment["EMBER_KEYSTONE_SERVICE_USER"] ?? "ember"
    static let servicePassword = environment["EMBER_KEYSTONE_SERVICE_PASSWORD"] ?? ""

    /// True when the live tests can run; prints the notice `.ci/run` looks for otherwise.
    static var available: Bool {
        if url == nil {
            print("notice: EMBER_TEST_KEYSTONE_URL not set; skipping the tests against a real Keystone")
        }
        return url != nil
    }

    static func configuration(cacheTime: Int = 300, authURL: String? = nil) -> AuthTokenConfiguration {
        var configuration = AuthTokenConfiguration(
            authURL: authURL ?? url ?? "http://127.0.0.1:1/v3",
            username: serviceUser,
            password: servicePassword,
            projectName: "service",
            wwwAuthenticateURI: "http://keystone.example.test:5000/v3"
        )
        configuration.tokenCacheTime = cacheTime
        configuration.maxRetries = 0
        return configuration
    }

    /// Issues a project-scoped token for `user` (password auth), as a client would.
    static func token(user: String, password: String, project: String, http: HTTPClient) async throws -> String {
        try await issueKeystoneToken(
            keystoneURL: url ?? "",
            user: user,
            password: password,
            project: project,
            http: http
        )
    }

    /// Revokes a token (`DELETE /v3/auth/tokens`, the token revoking itself).
    static func revoke(_ token: String, http: HTTPClient) async throws {
        var request = HTTPClientRequest(url: (url ?? "") + "/auth/tokens")
        request.method = .DELETE
        request.headers.add(name: "X-Auth-Token", value: token)
        request.headers.add(name: "X-Subject-Token", value: token)
        let response = try await http.execute(request, timeout: TimeAmount(TestPatience.eventually))
        guard response.status.code == 204 else {
            throw KeystoneError.unavailable("cannot revoke a token: HTTP \(response.status.code)")
        }
    }
}

/// Answers with the identity headers authtoken set and the identity keystonecontext built.
struct IdentityEchoApp: WSGIApplication {
    static let echoed = [
        "X-Identity-Status", "X-User-Id", "X-User-Name", "X-User-Domain-Id", "X-User-Domain-Name", "X-Project-Id",
        "X-Project-Name", "X-Project-Domain-Id", "X-Project-Domain-Name", "X-Roles", "X-Is-Admin-Project",
        "X-Service-Catalog", "X-Tenant-Id", "X-Service-Identity-Status", "X-Service-User-Id", "X-Service-Roles",
        "X-Auth-Token",
    ]

    func respond(to request: Request, context: WSGIRequestContext) async throws -> Response {
        var headers = JSONObject()
        for name in Self.echoed {
            if let field = HTTPField.Name(name), let value = request.headers[field] { headers[name] = .string(value) }
        }
        let identity = context.identity
        let value: JSONValue = [
            "headers": .object(headers),
            "user": .optional(identity?.userID),
            "project": .optional(identity?.projectID),
            "roles": .array((identity?.roles ?? []).map(JSONValue.string)),
            "is_admin": .bool(identity?.isAdmin ?? false),
        ]
        return WSGIResponses.json(value)
    }
}

/// An app that always answers 401, to see authtoken add `WWW-Authenticate` on the way out.
struct UnauthorizedApp: WSGIApplication {
    func respond(to request: Request, context: WSGIRequestContext) async throws -> Response {
        Response(status: .unauthorized)
    }
}

enum Harness {
    /// Runs `test` against authtoken + keystonecontext + `app`, without a socket.
    static func test<Value: Sendable>(
        _ validator: TokenValidator,
        app: any WSGIApplication = IdentityEchoApp(),
        _ test: @Sendable (any TestClientProtocol) async throws -> Value
    ) async throws -> Value {
        let pipeline = app.wrapped(in: [
            AuthTokenMiddleware(validator: validator), KeystoneContextMiddleware(useForwardedFor: false),
        ])
        let application = Application(
            responder: PasteResponder(app: pipeline, scheme: "http", defaultHost: "localhost:8776"),
            logger: Logger(label: "test")
        )
        return try await application.test(.router, test)
    }

    static func withHTTP<Value: Sendable>(
        configuration: HTTPClient.Configuration = KeystoneAuthService.httpConfiguration,
        _ body: (HTTPClient) async throws -> Value
    ) async throws -> Value {
        let http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        do {
            let value = try await body(http)
            try await http.shutdown()
            return value
        } catch {
            try await http.shutdown()
            throw error
        }
    }
}

extension TestResponse {
    var json: JSONValue? { try? JSONValue.parse(Array(body.readableBytesView)) }
}

extension HTTPField.Name {
    static func named(_ name: String) -> HTTPField.Name { HTTPField.Name(name)! }
}

import AsyncHTTPClient
import EmberCore
import EmberIdentity
import EmberTesting
import EmberWSGI
import Foundation
import HTTPTypes
import Logging
import Testing

/// authtoken + keystonecontext against the real Keystone of `.ci/keystone.sh`.
///
/// Serialized: the tests share that one Keystone, which runs a single gunicorn worker over
/// SQLite (more workers give "database is locked"), so their token requests and revocations
/// queue behind each other there and the tests' timing checks would measure the queue.
@Suite(.serialized, .enabled(if: LiveKeystone.available)) struct AuthTokenLiveTests {
    static let logger = Logger(label: "test.keystone")

    static func validator(_ http: HTTPClient, cacheTime: Int = 300) -> TokenValidator {
        TokenValidator(
            client: KeystoneClient(
                configuration: LiveKeystone.configuration(cacheTime: cacheTime),
                http: http,
                logger: logger
            )
        )
    }

    @Test func aRealTokenBecomesKeystonemiddlewaresHeadersAndTheContext() async throws {
        try await Harness.withHTTP { http in
            let token = try await LiveKeystone.token(
                user: "alice",
                password: LiveKeystone.password,
                project: "project-a",
                http: http
            )
            try await Harness.test(Self.validator(http)) { client in
                let response = try await client.execute(
                    uri: "/v3/volumes",
                    method: .get,
                    headers: [
                        .named("X-Auth-Token"): token, .named("X-Roles"): "admin", .named("X-Is-Admin-Project"): "True",
                    ]
                )
                #expect(response.status == .ok)
                let headers = response.json?["headers"]
                #expect(headers?["X-Identity-Status"] == "Confirmed")
                #expect(headers?["X-User-Name"] == "alice")
                #expect(headers?["X-Project-Name"] == "project-a")
                #expect(headers?["X-User-Domain-Id"] == "default")
                #expect(headers?["X-Project-Domain-Name"] == "Default")
                #expect(headers?["X-Tenant-Id"] == headers?["X-Project-Id"])
                // The client's own X-Roles is gone: Keystone's roles (member implies reader) replace it.
                let roles = Set((headers?["X-Roles"]?.stringValue ?? "").split(separator: ",").map(String.init))
                #expect(roles == ["member", "reader"])
                #expect(headers?["X-Auth-Token"] == .string(token))
                // The catalog in keystonemiddleware's v2 layout, Ember registered in it.
                let catalog = try JSONValue.parse(headers?["X-Service-Catalog"]?.stringValue ?? "")
                guard case .array(let services) = catalog else {
                    Issue.record("no catalog")
                    return
                }
                let volume = services.first { $0["type"] == "volumev3" }
                #expect(volume?["endpoints"]?.arrayFirst?["publicURL"]?.stringValue?.contains("/v3/") == true)
                #expect(response.json?["user"] == headers?["X-User-Id"])
                #expect(response.json?["project"] == headers?["X-Project-Id"])
                #expect(response.json?["is_admin"] == false)
            }
        }
    }

    @Test func missingGarbageAndRevokedTokensAre401WithWWWAuthenticate() async throws {
        try await Harness.withHTTP { http in
            let revoked = try await LiveKeystone.token(
                user: "bob",
                password: LiveKeystone.password,
                project: "project-b",
                http: http
            )
            try await LiveKeystone.revoke(revoked, http: http)
            try await Harness.test(Self.validator(http)) { client in
                let cases: [HTTPFields] = [
                    [:],
                    [.named("X-Auth-Token"): "garbage"],
                    [.named("X-Auth-Token"): "gAAAAABnotreallyafernettoken0000000000000000000000000000"],
                    [.named("X-Auth-Token"): revoked],
                    // Identity headers alone prove nothing.
                    [.named("X-User-Id"): "someone", .named("X-Roles"): "admin"],
                ]
                for headers in cases {
                    let response = try await client.execute(uri: "/v3/volumes", method: .get, headers: headers)
                    #expect(response.status == .unauthorized)
                    #expect(
                        response.headers[.named("WWW-Authenticate")]
                            == "Keystone uri=\"http://keystone.example.test:5000/v3\""
                    )
                    #expect(response.json?["error"]?["title"] == "Unauthorized")
                    #expect(response.json?["error"]?["code"] == 401)
                }
            }
        }
    }

    @Test func aServiceTokenCountsOnlyWithTheServiceRole() async throws {
        try await Harness.withHTTP { http in
            let user = try await LiveKeystone.token(
                user: "alice",
                password: LiveKeystone.password,
                project: "project-a",
                http: http
            )
            let service = try await LiveKeystone.token(
                user: LiveKeystone.serviceUser,
                password: LiveKeystone.servicePassword,
                project: "service",
                http: http
            )
            try await Harness.test(Self.validator(http)) { client in
                let confirmed = try await client.execute(
                    uri: "/v3/volumes",
                    method: .get,
                    headers: [.named("X-Auth-Token"): user, .named("X-Service-Token"): service]
                )
                #expect(confirmed.status == .ok)
                #expect(confirmed.json?["headers"]?["X-Service-Identity-Status"] == "Confirmed")
                #expect(confirmed.json?["headers"]?["X-Service-Roles"]?.stringValue?.contains("service") == true)
                // A user's token is not a service token: rejected, as service_token_roles_required says.
                let refused = try await client.execute(
                    uri: "/v3/volumes",
                    method: .get,
                    headers: [.named("X-Auth-Token"): user, .named("X-Service-Token"): user]
                )
                #expect(refused.status == .unauthorized)
            }
        }
    }

    @Test func downstream401sGetTheHeaderToo() async throws {
        try await Harness.withHTTP { http in
            let token = try await LiveKeystone.token(
                user: "ann",
                password: LiveKeystone.password,
                project: "project-a",
                http: http
            )
            try await Harness.test(Self.validator(http), app: UnauthorizedApp()) { client in
                let response = try await client.execute(
                    uri: "/v3/x",
                    method: .get,
                    headers: [.named("X-Auth-Token"): token]
                )
                #expect(response.status == .unauthorized)
                #expect(response.headers[.named("WWW-Authenticate")] != nil)
            }
        }
    }

    @Test func validatedTokensAreCachedAndCachedValidationIsFaster() async throws {
        try await Harness.withHTTP { http in
            let token = try await LiveKeystone.token(
                user: "alice",
                password: LiveKeystone.password,
                project: "project-a",
                http: http
            )
            let uncached = Self.validator(http, cacheTime: -1)
            let cached = Self.validator(http)
            _ = try await uncached.token(token)  // fetches the service token
            let rounds = 20
            let clock = ContinuousClock()
            let slow = try await clock.measure {
                for _ in 0..<rounds { _ = try await uncached.token(token) }
            }
            _ = try await cached.token(token)
            #expect(cached.cache.count == 1)
            #expect(uncached.cache.count == 0)
            let fast = try await clock.measure {
                for _ in 0..<rounds { _ = try await cached.token(token) }
            }
            print(
                "measurement: token validation uncached \(slow / rounds) per token, cached \(fast / rounds) per token"
            )
            #expect(fast < slow)
        }
    }
}

/// What happens when Keystone cannot be reached (nothing listens on the configured port).
@Suite struct AuthTokenUnreachableTests {
    static func validator(_ http: HTTPClient) -> TokenValidator {
        let configuration = LiveKeystone.configuration(authURL: "http://127.0.0.1:9/v3")
        return TokenValidator(
            client: KeystoneClient(configuration: configuration, http: http, logger: Logger(label: "test"))
        )
    }

    @Test func unknownTokensAre503AndCachedTokensStillWork() async throws {
        // A connect timeout far beyond the bound below: only a refused connection answered at
        // once (not a timeout) passes, however loaded the machine.
        var settings = KeystoneAuthService.httpConfiguration
        settings.timeout.connect = .seconds(600)
        try await Harness.withHTTP(configuration: settings) { http in
            let validator = Self.validator(http)
            let now = Date().timeIntervalSince1970
            validator.cache.store("cached-token", token: try Fixtures.token(expiresIn: 600), now: now)
            try await Harness.test(validator) { client in
                let started = ContinuousClock.now
                let unknown = try await client.execute(
                    uri: "/v3/volumes",
                    method: .get,
                    headers: [.named("X-Auth-Token"): "other-token", .accept: "application/json"]
                )
                #expect(unknown.status == .serviceUnavailable)
                // A refused connection is answered without waiting for the connect timeout
                // (600 s here); the bound leaves room for a loaded machine running the suite in
                // parallel (15 s seen).
                #expect(ContinuousClock.now - started < .seconds(120))
                #expect(
                    unknown.json?["message"]?.stringValue?.contains("The Keystone service is temporarily unavailable.")
                        == true
                )
                let cached = try await client.execute(
                    uri: "/v3/volumes",
                    method: .get,
                    headers: [.named("X-Auth-Token"): "cached-token"]
                )
                #expect(cached.status == .ok)
                #expect(cached.json?["user"] == "u-fixture")
                #expect(cached.json?["project"] == "p-fixture")
            }
        }
    }

    /// A cached validation is trusted for `token_cache_time` of the validator's clock, then
    /// asked of Keystone again (unreachable here: 503).
    @Test func cachedTokensExpireAfterTokenCacheTime() async throws {
        try await Harness.withHTTP { http in
            let clock = ManualClock()
            let configuration = LiveKeystone.configuration(cacheTime: 300, authURL: "http://127.0.0.1:9/v3")
            let validator = TokenValidator(
                client: KeystoneClient(configuration: configuration, http: http, logger: Logger(label: "test")),
                clock: clock
            )
            let token = try Fixtures.token(expiresIn: 3600)
            validator.cache.store("cached-token", token: token, now: clock.now.timeIntervalSince1970)
            try await Harness.test(validator) { client in
                let headers: HTTPFields = [.named("X-Auth-Token"): "cached-token"]
                clock.advance(by: .seconds(299))
                #expect(try await client.execute(uri: "/v3/volumes", method: .get, headers: headers).status == .ok)
                clock.advance(by: .seconds(2))
                let expired = try await client.execute(uri: "/v3/volumes", method: .get, headers: headers)
                #expect(expired.status == .serviceUnavailable)
            }
        }
    }
}

enum Fixtures {
    static func timestamp(_ seconds: Double) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date(timeIntervalSince1970: seconds.rounded(.down)))
    }

    static func token(expiresIn seconds: Double, roles: [String] = ["member", "reader"]) throws -> KeystoneToken {
        let body: JSONValue = [
            "token": [
                "expires_at": .string(timestamp(Date().timeIntervalSince1970 + seconds)),
                "user": ["id": "u-fixture", "name": "fixture", "domain": ["id": "default", "name": "Default"]],
                "project": [
                    "id": "p-fixture", "name": "fixture-project", "domain": ["id": "default", "name": "Default"],
                ],
                "roles": .array(roles.map { ["id": .string($0), "name": .string($0)] }),
            ]
        ]
        return try KeystoneToken(body: body)
    }
}

extension JSONValue {
    var arrayFirst: JSONValue? {
        if case .array(let items) = self { return items.first }
        return nil
    }
}

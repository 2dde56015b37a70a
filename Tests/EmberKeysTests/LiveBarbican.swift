import AsyncHTTPClient
import EmberCore
import EmberKeys
import EmberTesting
import Foundation
import Logging
import NIOCore
import Testing

/// The Barbican `.ci/barbican.sh` runs (in the catalog of `.ci/keystone.sh`'s Keystone), when
/// `EMBER_TEST_BARBICAN_URL` is set.
enum LiveBarbican {
    static let environment = ProcessInfo.processInfo.environment
    static let url: String? = environment["EMBER_TEST_BARBICAN_URL"].flatMap { $0.isEmpty ? nil : $0 }
    static let keystoneURL = environment["EMBER_TEST_KEYSTONE_URL"] ?? ""
    static let password = environment["EMBER_KEYSTONE_PASSWORD"] ?? ""

    /// True when the live tests can run. Without the URL a notice is printed (`.ci/run` looks
    /// for it), and under CI (`CI` set) the tests still run so that they fail.
    static var available: Bool {
        if url != nil { return true }
        if environment["CI"] != nil { return true }
        print("notice: EMBER_TEST_BARBICAN_URL not set; skipping the tests against a real Barbican")
        return false
    }

    static let logger: Logger = {
        var logger = Logger(label: "ember.keys.tests")
        logger.logLevel = .critical
        return logger
    }()

    /// `[barbican]` for the live Barbican: its endpoint, or (`endpoint: false`) the catalog.
    static func configuration(endpoint: Bool = true) -> BarbicanConfiguration {
        BarbicanConfiguration(
            endpoint: endpoint ? url : nil,
            authEndpoint: keystoneURL,
            numberOfRetries: 5,
            timeout: 60
        )
    }

    /// Runs `body` with a Barbican key manager (and a plain HTTP client for checking
    /// Barbican directly), both shut down afterwards.
    static func withManager(
        _ configuration: BarbicanConfiguration = configuration(),
        _ body: (any KeyManager, HTTPClient) async throws -> Void
    ) async throws {
        guard url != nil else {
            Issue.record("CI is set but EMBER_TEST_BARBICAN_URL is missing: the Barbican tests cannot run")
            return
        }
        let service = try KeyManagerService(
            configuration: KeyManagerConfiguration(backend: .barbican, barbican: configuration),
            logger: logger
        )
        let http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
        do {
            try await body(service.manager, http)
        } catch {
            try? await service.shutdown()
            try? await http.shutdown()
            throw error
        }
        try await service.shutdown()
        try await http.shutdown()
    }

    /// A project-scoped token for `user` (password auth), as a client would get one.
    static func token(user: String, project: String, http: HTTPClient) async throws -> String {
        try await issueKeystoneToken(
            keystoneURL: keystoneURL,
            user: user,
            password: password,
            project: project,
            http: http
        )
    }

    /// A key manager context for `user`'s token, as the API builds it from a request.
    static func context(
        user: String = "alice",
        project: String = "project-a",
        http: HTTPClient
    ) async throws
        -> KeyManagerContext
    {
        KeyManagerContext(
            requestID: "req-" + UUID().uuidString.lowercased(),
            projectID: project,
            authToken: try await token(user: user, project: project, http: http)
        )
    }

    /// Reads a secret straight from Barbican (`GET /v1/secrets/{id}[/payload]`): the status,
    /// and the metadata or the payload bytes.
    static func get(_ path: String, token: String, http: HTTPClient) async throws -> (UInt, [UInt8]) {
        var request = HTTPClientRequest(url: (url ?? "") + "/v1/secrets/" + path)
        request.headers.add(name: "X-Auth-Token", value: token)
        request.headers.add(
            name: "Accept",
            value: path.hasSuffix("/payload") ? "application/octet-stream" : "application/json"
        )
        let response = try await http.execute(request, timeout: TimeAmount(TestPatience.eventually))
        let body = try await response.body.collect(upTo: 1 << 20)
        return (response.status.code, Array(body.readableBytesView))
    }
}

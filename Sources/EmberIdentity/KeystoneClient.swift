import AsyncHTTPClient
import EmberCore
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Synchronization

/// Keystone v3 over AsyncHTTPClient: the service user's token (password auth, project scope)
/// and token validation (`GET /v3/auth/tokens` with `X-Subject-Token`).
///
/// The service token is kept until shortly before it expires and fetched again when Keystone
/// rejects it (a 401 while validating), as keystoneauth's session re-authenticates. Tokens are
/// never logged.
public final class KeystoneClient: Sendable {
    public let configuration: AuthTokenConfiguration
    let http: HTTPClient
    let logger: Logger
    private let serviceToken = Mutex<(token: String, expiresAt: Double)?>(nil)

    /// The longest answer read from Keystone (a token with a large catalog is a few tens of KiB).
    static let maximumBodySize = 4 << 20
    /// A service token is renewed this many seconds before it expires.
    static let serviceTokenMargin = 30.0

    public init(configuration: AuthTokenConfiguration, http: HTTPClient, logger: Logger) {
        self.configuration = configuration
        self.http = http
        self.logger = logger
    }

    /// Validates a user (or service) token: Keystone's view of it, or `.invalidToken` when
    /// Keystone does not know it or it has expired.
    public func validate(_ subject: String) async throws(KeystoneError) -> KeystoneToken {
        var refreshed = false
        while true {
            let service = try await currentServiceToken(forceRefresh: refreshed)
            var request = HTTPClientRequest(
                url: configuration.identityV3URL + "/auth/tokens"
                    + (configuration.includeServiceCatalog ? "" : "?nocatalog")
            )
            request.method = .GET
            request.headers.add(name: "X-Auth-Token", value: service)
            request.headers.add(name: "X-Subject-Token", value: subject)
            request.headers.add(name: "Accept", value: "application/json")
            let (status, _, body) = try await send(request)
            switch status.code {
            case 200:
                let token = try KeystoneToken(body: try Self.json(body))
                guard token.expiresAt > Date().timeIntervalSince1970 else { throw .invalidToken }
                return token
            case 404:
                logger.info("Authorization failed for token")
                throw .invalidToken
            case 401 where !refreshed:
                logger.info("Identity server rejected the service token; authenticating again")
                refreshed = true
            case 401:
                throw .unavailable("Identity server rejected authorization necessary to fetch token data")
            default:
                logger.error(
                    "Bad response code while validating token",
                    metadata: ["keystone.status": .stringConvertible(status.code)]
                )
                throw .unavailable("Failed to fetch token data from identity server")
            }
        }
    }

    /// The service user's token, fetched when missing, near expiry or `forceRefresh`.
    public func currentServiceToken(forceRefresh: Bool = false) async throws(KeystoneError) -> String {
        let now = Date().timeIntervalSince1970
        if !forceRefresh, let cached = serviceToken.withLock({ $0 }), cached.expiresAt - Self.serviceTokenMargin > now {
            return cached.token
        }
        var request = HTTPClientRequest(url: configuration.identityV3URL + "/auth/tokens?nocatalog")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "application/json")
        request.body = .bytes(ByteBuffer(string: passwordAuthBody().serialized()))
        let (status, headers, body) = try await send(request)
        guard status.code == 201 || status.code == 200 else {
            logger.error(
                "Keystone refused the service user's credentials",
                metadata: [
                    "keystone.status": .stringConvertible(status.code),
                    "keystone.user": .string(configuration.username),
                ]
            )
            throw .unavailable("Identity server rejected the service user's credentials (HTTP \(status.code))")
        }
        guard let token = headers.first(name: "X-Subject-Token"), !token.isEmpty else {
            throw .malformedResponse("no X-Subject-Token on the service token")
        }
        let parsed = try KeystoneToken(body: try Self.json(body))
        serviceToken.withLock { $0 = (token, parsed.expiresAt) }
        logger.debug("Fetched a service token", metadata: ["keystone.user": .string(configuration.username)])
        return token
    }

    func passwordAuthBody() -> JSONValue {
        func domain(id: String?, name: String?) -> JSONValue {
            if let id { return ["id": .string(id)] }
            return ["name": .string(name ?? "Default")]
        }
        let user: JSONValue = [
            "name": .string(configuration.username),
            "domain": domain(id: configuration.userDomainID, name: configuration.userDomainName),
            "password": .string(configuration.password),
        ]
        let project: JSONValue
        if let id = configuration.projectID {
            project = ["id": .string(id)]
        } else {
            project = [
                "name": .string(configuration.projectName ?? ""),
                "domain": domain(id: configuration.projectDomainID, name: configuration.projectDomainName),
            ]
        }
        return [
            "auth": [
                "identity": ["methods": ["password"], "password": ["user": user]],
                "scope": ["project": project],
            ]
        ]
    }

    /// Sends a request; a failure to connect is retried `http_request_max_retries` times, then
    /// reported as `.unavailable`.
    func send(_ request: HTTPClientRequest) async throws(KeystoneError) -> (HTTPResponseStatus, HTTPHeaders, ByteBuffer)
    {
        var attempt = 0
        while true {
            do {
                let response = try await http.execute(
                    request,
                    timeout: .seconds(Int64(configuration.connectTimeout) + 20)
                )
                let body = try await response.body.collect(upTo: Self.maximumBodySize)
                return (response.status, response.headers, body)
            } catch {
                attempt += 1
                if attempt > configuration.maxRetries || Task.isCancelled {
                    logger.critical("Unable to reach Keystone", metadata: ["error": "\(error)"])
                    throw .unavailable("\(error)")
                }
            }
        }
    }

    static func json(_ body: ByteBuffer) throws(KeystoneError) -> JSONValue {
        do {
            return try JSONValue.parse(body.readableBytesView)
        } catch {
            throw .malformedResponse("not JSON")
        }
    }
}

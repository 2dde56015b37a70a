import AsyncHTTPClient
import EmberCore
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Synchronization

/// castellan's `BarbicanKeyManager`: keys kept as Barbican v1 secrets, asked for with the
/// caller's token, so a key belongs to the caller's project.
///
/// - `createKey` submits a key order (`POST /v1/orders`, type `key`), reads it until it is
///   `ACTIVE` (`number_of_retries` times, `retry_delay` seconds apart), keeps the id of the
///   secret it made and deletes the order, as castellan does.
/// - `store` posts a `symmetric` secret with the key's bytes (base64).
/// - `key` reads the secret's metadata, then its payload as `application/octet-stream`.
/// - `deleteKey` deletes the secret.
///
/// The endpoint is `[barbican] barbican_endpoint`, or else the `key-manager` endpoint of the
/// caller's catalog (read from Keystone at `auth_endpoint` with the caller's token, by
/// `barbican_endpoint_type` and `barbican_region_name`), with the API version appended. A
/// 401 or 403 is ``KeyManagerError/notAuthorized(_:)``, a 404 on a key
/// ``KeyManagerError/notFound(id:)``, anything else that fails (a 5xx, a refused connection, a
/// timeout) ``KeyManagerError/unavailable(_:)``; nothing is retried but the order poll, so an
/// unreachable Barbican fails at once. With `send_service_user_token` the token of
/// `[barbican_service_user]` goes along as `X-Service-Token` (fetched with its password and
/// kept until two minutes before it expires, as keystoneauth does). Tokens and key bytes are
/// never logged.
public final class BarbicanKeyManager: KeyManager {
    public let configuration: BarbicanConfiguration
    let http: HTTPClient
    let logger: Logger
    /// The catalog's endpoint, found once: the interface and region are fixed by the
    /// configuration.
    private let catalogEndpoint = Mutex<String?>(nil)
    /// The service user's token and when it expires.
    let serviceToken = Mutex<(token: String, expires: Date)?>(nil)
    /// The service context's token (`[keystone_authtoken]`'s user) and when it expires.
    let serviceContextToken = Mutex<(token: String, expires: Date)?>(nil)

    /// The longest answer read (a secret's metadata, a key, a token with its catalog).
    static let maximumBodySize = 4 << 20

    public init(configuration: BarbicanConfiguration, http: HTTPClient, logger: Logger) {
        self.configuration = configuration
        self.http = http
        self.logger = logger
    }

    // MARK: - KeyManager

    public func createKey(
        _ context: KeyManagerContext,
        algorithm: String,
        bitLength: Int
    ) async throws(KeyManagerError) -> String {
        let base = try await baseURL(context)
        let order: JSONValue = [
            "type": "key", "meta": ["algorithm": .string(algorithm), "bit_length": .int(bitLength)],
        ]
        let (status, body) = try await send(.POST, base + "/orders", json: order, context: context)
        try check(status, body, what: "Error creating key", keyID: nil)
        let submitted = try Self.json(body)
        guard let orderID = Self.lastComponent(submitted["order_ref"]?.stringValue) else {
            throw .unavailable("Error creating key: Barbican's answer has no order_ref")
        }
        let orderURL = base + "/orders/" + Self.escape(orderID)
        let secretRef = try await activeOrder(orderURL, context: context)
        // castellan's `_delete_order`: the order was only the way to the key; failing to delete
        // it is a warning, not a failure to create the key.
        let failure: String?
        do {
            let (deleted, deleteBody) = try await send(.DELETE, orderURL, context: context)
            failure = deleted.code >= 300 ? "HTTP \(deleted.code) \(Self.reason(deleteBody))" : nil
        } catch {
            failure = error.description
        }
        if let failure {
            logger.warning(
                "Failed to delete temporary order",
                metadata: ["order.id": .string(orderID), "reason": .string(failure)]
            )
        }
        guard let secretID = Self.lastComponent(secretRef) else {
            throw .unavailable("Error creating key: the order has no secret_ref")
        }
        return secretID
    }

    public func store(_ context: KeyManagerContext, key: SymmetricKey) async throws(KeyManagerError) -> String {
        let base = try await baseURL(context)
        let secret: JSONValue = [
            "payload": .string(Data(key.bytes).base64EncodedString()),
            "payload_content_type": "application/octet-stream",
            "payload_content_encoding": "base64",
            "algorithm": .string(key.algorithm),
            "bit_length": .int(key.bitLength),
            "secret_type": "symmetric",
        ]
        let (status, body) = try await send(.POST, base + "/secrets", json: secret, context: context)
        try check(status, body, what: "Error storing object", keyID: nil)
        let stored = try Self.json(body)
        guard let id = Self.lastComponent(stored["secret_ref"]?.stringValue) else {
            throw .unavailable("Error storing object: Barbican's answer has no secret_ref")
        }
        return id
    }

    public func key(_ context: KeyManagerContext, id: String) async throws(KeyManagerError) -> SymmetricKey {
        let url = try await secretURL(context, id: id)
        let (status, body) = try await send(.GET, url, context: context)
        try check(status, body, what: "Error retrieving object", keyID: id)
        let metadata = try Self.json(body)
        let type = metadata["secret_type"]?.stringValue ?? "opaque"
        guard type == "symmetric" else {
            throw .unsupported("Key \(id) is a Barbican secret of type \(type), not a symmetric key.")
        }
        let (payloadStatus, payload) = try await send(
            .GET,
            url + "/payload",
            accept: "application/octet-stream",
            context: context
        )
        try check(payloadStatus, payload, what: "Error retrieving object", keyID: id)
        let bytes = Array(payload.readableBytesView)
        let bitLength: Int
        if case .int(let bits)? = metadata["bit_length"] {
            bitLength = bits
        } else {
            bitLength = bytes.count * 8
        }
        return SymmetricKey(algorithm: metadata["algorithm"]?.stringValue ?? "", bitLength: bitLength, bytes: bytes)
    }

    public func deleteKey(_ context: KeyManagerContext, id: String) async throws(KeyManagerError) {
        let url = try await secretURL(context, id: id)
        let (status, body) = try await send(.DELETE, url, context: context)
        try check(status, body, what: "Error deleting object", keyID: id)
    }

    // MARK: - Orders

    /// castellan's `_get_active_order`: the order's `secret_ref` once it is `ACTIVE`.
    func activeOrder(_ url: String, context: KeyManagerContext) async throws(KeyManagerError) -> String? {
        for attempt in 0...configuration.numberOfRetries {
            let (status, body) = try await send(.GET, url, context: context)
            try check(status, body, what: "Error creating key", keyID: nil)
            let order = try Self.json(body)
            switch order["status"]?.stringValue {
            case "ACTIVE":
                return order["secret_ref"]?.stringValue
            case "ERROR":
                let code = order["error_status_code"].map { $0.stringValue ?? $0.serialized() } ?? "None"
                let reason = order["error_reason"]?.stringValue ?? "None"
                throw .unavailable("Order is in ERROR status - status code: \(code), status reason: \(reason)")
            default:
                guard attempt < configuration.numberOfRetries else { break }
                logger.info(
                    "Order is not active yet; will retry",
                    metadata: ["attempt": "\(attempt)", "total": "\(configuration.numberOfRetries)"]
                )
                do {
                    try await Task.sleep(for: .seconds(configuration.retryDelay))
                } catch {
                    throw .unavailable("Error creating key: cancelled while waiting for the order")
                }
            }
        }
        throw .unavailable(
            "Exceeded retries: Failed to find 'ACTIVE' status within \(configuration.numberOfRetries) retries"
        )
    }

    // MARK: - Endpoint

    /// `…/v1/secrets/{id}`; an empty id is castellan's "key identifier not provided".
    func secretURL(_ context: KeyManagerContext, id: String) async throws(KeyManagerError) -> String {
        guard !id.isEmpty else { throw .unsupported("key identifier not provided") }
        return try await baseURL(context) + "/secrets/" + Self.escape(id)
    }

    /// Barbican's versioned base URL: the configured endpoint, or the catalog's.
    func baseURL(_ context: KeyManagerContext) async throws(KeyManagerError) -> String {
        guard context.authToken != nil || configuration.serviceContext != nil else {
            throw .notAuthorized("User is not authorized to use key manager.")
        }
        if let endpoint = configuration.endpoint { return configuration.versionedBase(of: endpoint) }
        if let found = catalogEndpoint.withLock({ $0 }) { return configuration.versionedBase(of: found) }
        let found = try await endpointFromCatalog(context)
        catalogEndpoint.withLock { $0 = found }
        return configuration.versionedBase(of: found)
    }

    /// The `key-manager` endpoint of the caller's catalog: the caller's token read back from
    /// Keystone (`GET /v3/auth/tokens`, the token validating itself) with its catalog.
    func endpointFromCatalog(_ context: KeyManagerContext) async throws(KeyManagerError) -> String {
        var authEndpoint = configuration.authEndpoint
        while authEndpoint.hasSuffix("/") { authEndpoint.removeLast() }
        let (status, body) = try await send(
            .GET,
            authEndpoint + "/auth/tokens",
            subjectToken: try await token(for: context),
            withServiceToken: false,
            context: context
        )
        try check(status, body, what: "Error creating Barbican client", keyID: nil)
        let token = try Self.json(body)
        guard case .array(let services)? = token["token"]?["catalog"] else {
            throw .unavailable("Error creating Barbican client: the token has no service catalog")
        }
        let endpoints = services.filter { $0["type"]?.stringValue == "key-manager" }.flatMap { service in
            guard case .array(let list)? = service["endpoints"] else { return [JSONValue]() }
            return list
        }
        let match = endpoints.first { endpoint in
            guard endpoint["interface"]?.stringValue == configuration.endpointType else { return false }
            guard let region = configuration.regionName else { return true }
            return endpoint["region_id"]?.stringValue == region || endpoint["region"]?.stringValue == region
        }
        guard let url = match?["url"]?.stringValue else {
            throw .misconfigured(
                "Error creating Barbican client: no \(configuration.endpointType) key-manager endpoint"
                    + (configuration.regionName.map { " in region \($0)" } ?? "") + " in the service catalog"
            )
        }
        return url
    }

    // MARK: - Plumbing

    /// Sends one request with the caller's token and request id; reads the whole answer.
    func send(
        _ method: HTTPMethod,
        _ url: String,
        json: JSONValue? = nil,
        accept: String = "application/json",
        subjectToken: String? = nil,
        withServiceToken: Bool = true,
        context: KeyManagerContext
    ) async throws(KeyManagerError) -> (HTTPResponseStatus, ByteBuffer) {
        let service = withServiceToken ? try await serviceUserToken() : nil
        let caller = try await token(for: context)
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Accept", value: accept)
        request.headers.add(name: "User-Agent", value: "ember-barbican-client")
        request.headers.add(name: "X-OpenStack-Request-ID", value: context.requestID)
        if let caller { request.headers.add(name: "X-Auth-Token", value: caller) }
        if let subjectToken { request.headers.add(name: "X-Subject-Token", value: subjectToken) }
        if let service { request.headers.add(name: "X-Service-Token", value: service) }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: json.serialized()))
        }
        let deadline =
            configuration.timeout.map { NIODeadline.now() + .seconds(Int64($0)) } ?? NIODeadline.distantFuture
        do {
            let response = try await http.execute(request, deadline: deadline, logger: logger)
            return (response.status, try await response.body.collect(upTo: Self.maximumBodySize))
        } catch {
            logger.error(
                "Error contacting the key manager",
                metadata: ["url": .string(url), "method": .string(method.rawValue), "error": "\(error)"]
            )
            throw .unavailable("The key manager at \(url) could not be reached: \(error)")
        }
    }

    /// The token a request acts with: the caller's, or for the service context (a context
    /// without a token: a volume awaiting transfer holds its key there) the token of
    /// `[keystone_authtoken]`'s user, as cinder's `KeyTransfer` acts.
    func token(for context: KeyManagerContext) async throws(KeyManagerError) -> String? {
        if let token = context.authToken { return token }
        guard let user = configuration.serviceContext else { return nil }
        return try await passwordToken(user, kept: serviceContextToken, what: "the service context")
    }

    /// The service user's token when `send_service_user_token` asks for one: the kept one
    /// while it has more than two minutes left, else a new one (password auth, project scope).
    func serviceUserToken() async throws(KeyManagerError) -> String? {
        guard configuration.sendServiceUserToken else { return nil }
        guard let user = configuration.serviceUser else {
            throw .notAuthorized("missing configuration for service user")
        }
        return try await passwordToken(user, kept: serviceToken, what: "the service user")
    }

    /// A project-scoped password token for `user`: the one kept in `kept` while it has more
    /// than two minutes left, else a new one.
    func passwordToken(
        _ user: BarbicanServiceUser,
        kept store: borrowing Mutex<(token: String, expires: Date)?>,
        what: String
    ) async throws(KeyManagerError) -> String {
        if let kept = store.withLock({ $0 }), kept.expires.timeIntervalSinceNow > 120 { return kept.token }
        var authURL = user.authURL
        while authURL.hasSuffix("/") { authURL.removeLast() }
        var request = HTTPClientRequest(url: authURL + "/auth/tokens?nocatalog")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "ember-barbican-client")
        request.body = .bytes(ByteBuffer(string: user.authRequest.serialized()))
        let deadline =
            configuration.timeout.map { NIODeadline.now() + .seconds(Int64($0)) } ?? NIODeadline.distantFuture
        let status: HTTPResponseStatus
        let body: ByteBuffer
        let token: String?
        do {
            let response = try await http.execute(request, deadline: deadline, logger: logger)
            status = response.status
            token = response.headers.first(name: "X-Subject-Token")
            body = try await response.body.collect(upTo: Self.maximumBodySize)
        } catch {
            throw .unavailable("Keystone at \(authURL) could not be reached for \(what)'s token: \(error)")
        }
        try check(status, body, what: "Error getting \(what)'s token", keyID: nil)
        guard let token else { throw .unavailable("Keystone issued no token for \(what)") }
        let expiresAt = (try? Self.json(body))?["token"]?["expires_at"]?.stringValue
        let expires = expiresAt.flatMap(Self.date) ?? Date(timeIntervalSinceNow: 300)
        store.withLock { $0 = (token, expires) }
        return token
    }

    /// Keystone's `expires_at` (ISO 8601, with or without fractional seconds).
    static func date(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }

    /// castellan's translation of barbicanclient's errors: 401/403 → not authorized, 404 on a
    /// key → not found, anything else that is not 2xx → a key manager error.
    func check(
        _ status: HTTPResponseStatus,
        _ body: ByteBuffer,
        what: String,
        keyID: String?
    ) throws(KeyManagerError) {
        switch status.code {
        case 200..<300:
            return
        case 401, 403:
            throw .notAuthorized("\(what): HTTP \(status.code) \(Self.reason(body))")
        case 404 where keyID != nil:
            throw .notFound(id: keyID ?? "")
        default:
            throw .unavailable("\(what): HTTP \(status.code) \(Self.reason(body))")
        }
    }

    /// The text of an error answer: Barbican's `description` or `title`, keystonemiddleware's
    /// `error.message`, or the start of the body.
    static func reason(_ body: ByteBuffer) -> String {
        let text = String(buffer: body)
        guard let json = try? JSONValue.parse(text) else { return String(text.prefix(200)) }
        return json["description"]?.stringValue ?? json["error"]?["message"]?.stringValue
            ?? json["title"]?.stringValue ?? String(text.prefix(200))
    }

    static func json(_ body: ByteBuffer) throws(KeyManagerError) -> JSONValue {
        do {
            return try JSONValue.parse(body.readableBytesView)
        } catch {
            throw .unavailable("The key manager's answer is not JSON")
        }
    }

    /// castellan's `_retrieve_secret_uuid`: what follows the last `/` of a reference.
    static func lastComponent(_ reference: String?) -> String? {
        guard let reference, let last = reference.split(separator: "/").last, !last.isEmpty else { return nil }
        return String(last)
    }

    /// Percent-encodes a path segment.
    static func escape(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}

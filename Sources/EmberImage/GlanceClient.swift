import AsyncHTTPClient
import Crypto
import EmberCore
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Synchronization

/// Glance's image API v2 over AsyncHTTPClient: what cinder's `GlanceImageService` does for
/// volumes (show, find by name, create, upload and download data, delete).
///
/// Requests carry the caller's token (`X-Auth-Token`) when there is one, as cinder's glance
/// client does in keystone mode, and the request id. A request that cannot reach a server is
/// retried `num_retries` times, each time on the next of `api_servers` (cinder starts at a
/// random one); then, or when no server is configured, it fails with
/// ``GlanceError/connectionFailed(reason:)``. Image data is streamed both ways, never held
/// whole in memory. Tokens are never logged.
public final class GlanceClient: Sendable {
    public let configuration: GlanceConfiguration
    let http: HTTPClient?
    let logger: Logger
    private let start: Int
    /// The base properties of Glance's image schema, read once (cinder's `_image_schema`).
    private let baseProperties = Mutex<Set<String>?>(nil)

    /// The longest metadata answer read (an image list of a few hundred entries).
    static let maximumBodySize = 8 << 20

    /// - Parameter http: the client requests go through; nil only when no server is configured.
    public init(configuration: GlanceConfiguration, http: HTTPClient?, logger: Logger) {
        self.configuration = configuration
        self.http = http
        self.logger = logger
        start = configuration.apiServers.isEmpty ? 0 : Int.random(in: 0..<configuration.apiServers.count)
    }

    /// A client for a deployment without an image service: every call fails as an unreachable
    /// Glance does.
    public static func unconfigured(logger: Logger) -> GlanceClient {
        GlanceClient(configuration: GlanceConfiguration(), http: nil, logger: logger)
    }

    /// Who is asking: the token to forward (nil in noauth mode) and the request id.
    public struct Caller: Sendable {
        public var token: String?
        public var requestID: String

        public init(token: String?, requestID: String) {
            self.token = token
            self.requestID = requestID
        }
    }

    // MARK: - Images

    /// `GET /v2/images/{id}` (`show`).
    public func show(_ id: String, caller: Caller) async throws(GlanceError) -> GlanceImage {
        let (status, body) = try await send(.GET, "/v2/images/" + Self.escape(id), caller: caller)
        try Self.check(status, body, imageID: id)
        return try await image(from: body, caller: caller)
    }

    /// `GET /v2/images?name=…` (`detail` with a name filter), up to `limit` images.
    public func images(named name: String, limit: Int = 2, caller: Caller) async throws(GlanceError) -> [GlanceImage] {
        let query = "name=" + Self.escape(name) + "&limit=\(limit)"
        let (status, body) = try await send(.GET, "/v2/images?" + query, caller: caller)
        try Self.check(status, body, imageID: nil)
        guard case .array(let items)? = try Self.json(body)["images"] else {
            throw .unexpected(status: Int(status.code), message: "no images in Glance's answer")
        }
        let base = try await baseProperties(caller: caller)
        return items.compactMap { $0.objectValue.map { GlanceImage(fields: $0, baseProperties: base) } }
    }

    /// `POST /v2/images` (`create`): a new image (status `queued`) with these fields; custom
    /// properties travel as top-level fields, as v2 wants them.
    public func create(_ fields: JSONObject, caller: Caller) async throws(GlanceError) -> GlanceImage {
        let (status, body) = try await send(.POST, "/v2/images", body: .object(fields), caller: caller)
        try Self.check(status, body, imageID: nil)
        return try await image(from: body, caller: caller)
    }

    /// `DELETE /v2/images/{id}`.
    public func delete(_ id: String, caller: Caller) async throws(GlanceError) {
        let (status, body) = try await send(.DELETE, "/v2/images/" + Self.escape(id), caller: caller)
        try Self.check(status, body, imageID: id)
    }

    // MARK: - Data

    /// `PUT /v2/images/{id}/file` (`upload`): streams `length` bytes of `data` as the image's
    /// data. Not retried: a stream cannot be replayed.
    public func upload<Data: AsyncSequence & Sendable>(
        _ id: String,
        length: Int,
        data: Data,
        caller: Caller
    ) async throws(GlanceError) where Data.Element == ByteBuffer {
        guard let http, !configuration.apiServers.isEmpty else { throw Self.notConfigured }
        let server = configuration.apiServers[start]
        var request = HTTPClientRequest(url: server + "/v2/images/" + Self.escape(id) + "/file")
        request.method = .PUT
        addHeaders(&request, caller: caller)
        request.headers.replaceOrAdd(name: "Content-Type", value: "application/octet-stream")
        request.body = .stream(data, length: .known(Int64(length)))
        let status: HTTPResponseStatus
        let body: ByteBuffer
        do {
            let response = try await http.execute(request, deadline: .distantFuture, logger: logger)
            status = response.status
            body = try await response.body.collect(upTo: Self.maximumBodySize)
        } catch let error as GlanceError {
            throw error
        } catch {
            throw .connectionFailed(reason: "Error communicating with \(request.url): \(error)")
        }
        try Self.check(status, body, imageID: id)
    }

    /// `GET /v2/images/{id}/file` (`download`): hands the data to `sink` chunk by chunk, in
    /// order, and checks it against the `Content-MD5` Glance sends, as glanceclient does.
    /// Returns the number of bytes.
    @discardableResult
    public func download(
        _ id: String,
        caller: Caller,
        into sink: (ByteBuffer) async throws -> Void
    ) async throws -> Int {
        let response = try await execute(.GET, "/v2/images/" + Self.escape(id) + "/file", caller: caller)
        if response.status.code == 204 {
            throw GlanceError.invalid("Image \(id) has no data.")
        }
        guard response.status.code == 200 else {
            let body = try await response.body.collect(upTo: Self.maximumBodySize)
            try Self.check(response.status, body, imageID: id)
            throw GlanceError.unexpected(status: Int(response.status.code), message: "no image data")
        }
        let expected = response.headers.first(name: "Content-MD5")
        var md5 = Insecure.MD5()
        var count = 0
        for try await chunk in response.body {
            chunk.withUnsafeReadableBytes { md5.update(bufferPointer: $0) }
            count += chunk.readableBytes
            try await sink(chunk)
        }
        if let expected {
            let actual = md5.finalize().map { String(format: "%02x", $0) }.joined()
            if actual != expected.lowercased() { throw GlanceError.corruptDownload(expected: expected, actual: actual) }
        }
        return count
    }

    // MARK: - Plumbing

    static var notConfigured: GlanceError {
        .connectionFailed(reason: "no image service is configured ([glance] api_servers is empty)")
    }

    func image(from body: ByteBuffer, caller: Caller) async throws(GlanceError) -> GlanceImage {
        guard case .object(let fields) = try Self.json(body) else {
            throw .unexpected(status: 200, message: "Glance's answer is not an image")
        }
        return GlanceImage(fields: fields, baseProperties: try await baseProperties(caller: caller))
    }

    /// The base properties of `GET /v2/schemas/image` (a property is base unless it says
    /// `"is_base": false`), fetched once.
    func baseProperties(caller: Caller) async throws(GlanceError) -> Set<String> {
        if let cached = baseProperties.withLock({ $0 }) { return cached }
        let (status, body) = try await send(.GET, "/v2/schemas/image", caller: caller)
        try Self.check(status, body, imageID: nil)
        guard case .object(let properties)? = try Self.json(body)["properties"] else {
            throw .unexpected(status: Int(status.code), message: "Glance's image schema has no properties")
        }
        let base = Set(properties.entries.filter { $0.value["is_base"] != .bool(false) }.map(\.key))
        baseProperties.withLock { $0 = base }
        return base
    }

    func addHeaders(_ request: inout HTTPClientRequest, caller: Caller) {
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "ember-glance-client")
        request.headers.add(name: "X-OpenStack-Request-ID", value: caller.requestID)
        if let token = caller.token { request.headers.add(name: "X-Auth-Token", value: token) }
    }

    /// Sends a metadata request and reads the whole (small) answer.
    func send(
        _ method: HTTPMethod,
        _ path: String,
        body: JSONValue? = nil,
        caller: Caller
    ) async throws(GlanceError) -> (HTTPResponseStatus, ByteBuffer) {
        do {
            let response = try await execute(method, path, body: body, caller: caller)
            return (response.status, try await response.body.collect(upTo: Self.maximumBodySize))
        } catch let error as GlanceError {
            throw error
        } catch {
            throw .connectionFailed(reason: "\(error)")
        }
    }

    /// cinder's `GlanceClientWrapper.call`: a request that cannot reach its server (or gets a
    /// 503) is tried again on the next server, `num_retries` times, a second apart.
    func execute(
        _ method: HTTPMethod,
        _ path: String,
        body: JSONValue? = nil,
        caller: Caller
    ) async throws -> HTTPClientResponse {
        guard let http, !configuration.apiServers.isEmpty else { throw Self.notConfigured }
        let servers = configuration.apiServers
        let attempts = 1 + configuration.numRetries
        for attempt in 1...attempts {
            let server = servers[(start + attempt - 1) % servers.count]
            var request = HTTPClientRequest(url: server + path)
            request.method = method
            addHeaders(&request, caller: caller)
            if let body {
                request.headers.add(name: "Content-Type", value: "application/json")
                request.body = .bytes(ByteBuffer(string: body.serialized()))
            }
            let failure: String
            do {
                let response = try await http.execute(request, deadline: .distantFuture, logger: logger)
                if response.status != .serviceUnavailable { return response }
                _ = try? await response.body.collect(upTo: Self.maximumBodySize)
                failure = "HTTP 503 Service Unavailable from \(request.url)"
            } catch {
                failure = "Error finding address for \(request.url): \(error)"
            }
            let done = attempt == attempts || Task.isCancelled
            logger.error(
                "Error contacting glance server",
                metadata: [
                    "glance.server": .string(server), "glance.method": .string(method.rawValue),
                    "retrying": .stringConvertible(!done),
                ]
            )
            if done { throw GlanceError.connectionFailed(reason: failure) }
            try await Task.sleep(for: .seconds(1))
        }
        throw Self.notConfigured
    }

    /// cinder's `_translate_image_exception`: 401/403 → not authorized, 404 → not found,
    /// 400 → invalid, 413 → quota; anything else that is not 2xx is unexpected.
    static func check(_ status: HTTPResponseStatus, _ body: ByteBuffer, imageID: String?) throws(GlanceError) {
        let code = Int(status.code)
        if (200..<300).contains(code) { return }
        let detail = explanation(body)
        switch code {
        case 401, 403: throw .notAuthorized(id: imageID ?? "")
        case 404 where imageID != nil: throw .imageNotFound(id: imageID ?? "")
        case 400: throw .invalid("HTTP 400 Bad Request: \(detail)")
        case 413: throw .limitExceeded
        default: throw .unexpected(status: code, message: detail.isEmpty ? status.reasonPhrase : detail)
        }
    }

    /// The text of a Glance error page (webob renders `<h1>…</h1><br /><br />text`).
    static func explanation(_ body: ByteBuffer) -> String {
        let text = body.getString(at: body.readerIndex, length: body.readableBytes) ?? ""
        var plain = ""
        var inTag = false
        for character in text {
            if character == "<" {
                inTag = true
            } else if character == ">" {
                inTag = false
                plain.append(" ")
            } else if !inTag {
                plain.append(character)
            }
        }
        return plain.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    static func json(_ body: ByteBuffer) throws(GlanceError) -> JSONValue {
        do {
            return try JSONValue.parse(body.readableBytesView)
        } catch {
            throw .unexpected(status: 200, message: "Glance's answer is not JSON")
        }
    }

    /// Percent-encodes a path segment or query value.
    static func escape(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}

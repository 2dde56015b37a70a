import EmberCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// cinder's `APIRouter` plus `wsgi.Resource`: matches a route, then does what `Resource`
/// does around the controller method.
///
/// - microversion negotiation and the `OpenStack-API-Version`/`Vary`/`x-compute-request-id`
///   headers on every answer, faults included;
/// - a `Content-Type` other than JSON → 415 `badMediaType`; no `Content-Type` → the body is
///   ignored, as cinder does; unparsable JSON → 400 "Malformed request body";
/// - a project id in the URL that is not the caller's → 400 "Malformed request url";
/// - `POST …/action` with exactly one key dispatched to the controller's action handlers; an
///   unknown key → 400 "There is no such action: …";
/// - a method the controller lacks, or lacks at this microversion → 404 `itemNotFound`;
/// - response extensions for the method, then JSON serialization.
///
/// `GET ""` redirects to `/`, `GET /` is the version document; anything unrouted is webob's 404.
public struct APIRouter: WSGIApplication {
    public let mapper: APIMapper
    public let controllers: [String: APIController]
    public let catalog: VersionCatalog
    /// False for the seed's `/v2` and `/v1` routers: no microversion negotiation or headers,
    /// every request is served as 3.0.
    public let microversions: Bool
    /// The policies controllers check (``APIRequest/authorize(_:target:)``).
    public let policy: PolicyEnforcer
    /// True for the seed's `/v2` and `/v1` routers: answers (faults included) in XML when a
    /// `.xml` suffix or `Accept` asks, and XML request bodies read (``XMLNegotiation``).
    public let servesXML: Bool
    /// The OpenAPI document of this router, served at `GET openapi.json` beside the version
    /// index (`/v3/openapi.json`, behind the pipeline's authentication like every `/v3` path);
    /// nil for routers that do not describe themselves (the seed's `/v2` and `/v1`).
    public var openAPIDocument: [UInt8]?

    public init(
        mapper: APIMapper,
        controllers: [String: APIController],
        catalog: VersionCatalog,
        microversions: Bool = true,
        policy: PolicyEnforcer = .cinderDefaults,
        servesXML: Bool = false
    ) {
        self.mapper = mapper
        self.controllers = controllers
        self.catalog = catalog
        self.microversions = microversions
        self.policy = policy
        self.servesXML = servesXML
    }

    static let supportedContentTypes = ["application/json", "application/vnd.openstack.volume+json"]

    public func respond(to request: Request, context: WSGIRequestContext) async throws -> Response {
        let path = context.pathInfo
        if path.isEmpty || path == "/" {
            return try await VersionIndexRouter(catalog: catalog).respond(to: request, context: context)
        }
        if let openAPIDocument, path == "/openapi.json" {
            return OpenAPIResponder.respond(to: request, context: context, document: openAPIDocument)
        }
        // The seed's routes also took a `.xml` suffix (cinder 29's take `.json` only: on v3 a
        // `.xml` stays part of the id, and the volume is not found).
        let routedPath = servesXML && path.hasSuffix(".xml") && path.count > 4 ? String(path.dropLast(4)) : path
        guard let match = mapper.match(method: request.method, path: routedPath),
            let controller = controllers[match.controller]
        else {
            if let projectID = mapper.refusedProjectID(method: request.method, path: routedPath) {
                // cinder answers routes' plain HTML 404 here; a JSON fault that names the rule
                // saves the caller the guess (`demo` is a name, not a project id).
                throw EmberError.notFound(
                    "The project id '\(projectID)' in the URL does not match [DEFAULT] project_id_regex "
                        + "'\(mapper.projectIDPattern)'. Use the project's id, or the path without a project id."
                )
            }
            return WebObError.notFound.response(for: request)
        }
        context.routeRecord?.record(context.scriptName + match.template)
        context.logger.debug(
            "Routed request",
            metadata: ["controller": .string(match.controller), "action": .string(match.action)]
        )
        let xmlType = servesXML ? XMLNegotiation.xmlContentType(path: path, accept: request.headers[.accept]) : nil
        let fault: (EmberError) -> Response = { error in
            xmlType.map { XMLNegotiation.fault(error, contentType: $0) } ?? WSGIResponses.fault(error)
        }
        return try await MicroversionedResponder.respond(
            to: request,
            context: context,
            negotiate: microversions,
            fault: fault
        ) { version in
            try await dispatch(
                request,
                context: context,
                version: version,
                match: match,
                controller: controller,
                xmlType: xmlType
            )
        }
    }

    func dispatch(
        _ request: Request,
        context: WSGIRequestContext,
        version: APIVersionRequest,
        match: APIMapper.Match,
        controller: APIController,
        xmlType: String? = nil
    ) async throws -> Response {
        let xmlReader = servesXML ? controller.xmlDeserializers[match.action] ?? XMLDictDeserializer.deserialize : nil
        let body = try await decodeBody(request, xmlReader: xmlReader, logger: context.logger)
        var methodName = match.action
        var candidates = controller.methods[match.action]
        if candidates == nil, ["action", "create", "update", "delete"].contains(match.action) {
            if match.action == "action" {
                guard case .object(let object)? = body, object.count == 1, let key = object.keys.first else {
                    throw EmberError.badRequest("Malformed request body")
                }
                methodName = key
            }
            guard let actions = controller.actions[methodName] else {
                if match.action == "action" {
                    throw EmberError.badRequest(
                        "There is no such action: \(methodName). Verify the request body and Content-Type header and try again."
                    )
                }
                throw EmberError.notFound("The resource could not be found.")
            }
            candidates = actions
        }
        guard let candidates else { throw EmberError.notFound("The resource could not be found.") }
        guard let method = candidates.first(where: { $0.accepts(version) }) else {
            throw EmberError.notFound("The resource could not be found.")
        }
        if let projectID = match.parameters["project_id"], let identity = context.identity,
            projectID != identity.projectID
        {
            throw EmberError.badRequest("Malformed request url")
        }
        let apiRequest = APIRequest(
            method: request.method,
            headers: request.headers,
            query: Self.query(request.uri.query),
            context: context,
            version: version,
            parameters: match.parameters,
            body: body,
            policy: policy
        )
        var response = try await method.handler(apiRequest)
        for extensionHandler in controller.extensions[methodName] ?? [] {
            try await extensionHandler(apiRequest, &response)
        }
        if let xmlType, response.body != nil, !response.bareWebOb {
            let template = controller.xmlTemplates[methodName]
            return Self.renderXML(response, template: template, contentType: xmlType, head: request.method == .head)
        }
        return Self.render(response, head: request.method == .head)
    }

    /// cinder's `get_body` and deserializer; `xmlReader` reads XML bodies (the seed's routers).
    func decodeBody(
        _ request: Request,
        xmlReader: XMLBodyDeserializer? = nil,
        logger: Logger? = nil
    ) async throws -> JSONValue? {
        guard let contentType = request.headers[.contentType] else { return nil }
        let mediaType = contentType.split(separator: ";").first.map { $0.trimmingWhitespace().lowercased() } ?? ""
        if let xmlReader, XMLNegotiation.bodyTypes.contains(mediaType) {
            let buffer = try await request.body.collect(upTo: .max)
            guard buffer.readableBytes > 0 else { return nil }
            do {
                let root = try XMLBodyParser.parse(Array(buffer.readableBytesView))
                guard let body = xmlReader(root) else { throw XMLBodyRefusal.malformed("unexpected root element") }
                return body
            } catch {
                logger?.info("Refused an XML request body", metadata: ["reason": "\(error)"])
                throw EmberError.badRequest("Malformed request body")
            }
        }
        guard Self.supportedContentTypes.contains(mediaType) else {
            throw EmberError.unsupportedMediaType("Unsupported Content-Type")
        }
        let buffer = try await request.body.collect(upTo: .max)
        guard buffer.readableBytes > 0 else { return nil }
        do {
            return try JSONValue.parse(buffer.readableBytesView)
        } catch {
            if let key = error.duplicateKey {
                throw EmberError.badRequest("Malformed request body: the key '\(key)' appears twice in one object.")
            }
            throw EmberError.badRequest("Malformed request body")
        }
    }

    static func render(_ response: APIResponse, head: Bool) -> Response {
        var headers = response.headers
        let bytes: [UInt8]
        switch response.payload {
        case .none:
            headers[.contentLength] = "0"
            if headers[.contentType] == nil {
                headers[.contentType] = "text/html; charset=UTF-8"
                headers[.bareWebObResponse] = "1"
            }
            return Response(status: response.status, headers: headers)
        case .tree(let body): bytes = body.serializedBytes()
        case .encoded(let encoded): bytes = encoded
        }
        var rendered = WSGIResponses.json(bytes: bytes, status: response.status, headers: headers)
        if response.bareWebOb {
            rendered.headers[.contentType] = "text/html; charset=UTF-8"
            rendered.headers[.bareWebObResponse] = "1"
        }
        if head { rendered.body = .init() }
        return rendered
    }

    /// The answer in XML: the method's template, else the generic `XMLDictSerializer`.
    static func renderXML(_ response: APIResponse, template: XMLTemplate?, contentType: String, head: Bool) -> Response
    {
        let body = response.body ?? .null
        let bytes = template.map { $0.serialize(body) } ?? XMLDictSerializer.serialize(body) ?? []
        var headers = response.headers
        headers[.contentType] = contentType
        headers[.contentLength] = String(bytes.count)
        var rendered = Response(
            status: response.status,
            headers: headers,
            body: .init(byteBuffer: ByteBuffer(bytes: bytes))
        )
        if head { rendered.body = .init() }
        return rendered
    }

    /// The query string decoded as webob decodes it (`+` is a space, percent escapes).
    public static func query(_ query: String?) -> [(name: String, value: String)] {
        guard let query, !query.isEmpty else { return [] }
        return query.split(separator: "&").compactMap { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String {
                let spaced = text.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            guard let name = parts.first, !name.isEmpty else { return nil }
            return (decode(name), parts.count > 1 ? decode(parts[1]) : "")
        }
    }
}

import EmberCore
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Synchronization

/// Checks answers against the OpenAPI document Ember serves (`GET /openapi.json`): the
/// operation of the route template and method, its microversion range, the documented
/// statuses and the body's JSON Schema. ``APIHarness`` wraps every test client in
/// ``DocumentCheckedClient``, so a view that changes without the document fails its tests.
///
/// Paths the document does not describe (the seed's `/v2` and `/v1`, `/healthcheck`, paths no
/// route matches) and the noauth middleware's token-less 204 are not checked.
struct OpenAPIConformance: Sendable {
    let document: JSONValue
    private let operations: [Candidate]

    private struct Candidate: Sendable {
        var method: String
        var segments: [String?]
        var literals: Int
        var template: String
        var operation: JSONValue
    }

    init(document: JSONValue) {
        self.document = document
        var operations: [Candidate] = []
        for entry in document["paths"]?.objectValue?.entries ?? [] {
            let segments: [String?] = entry.key.split(separator: "/").map { part in
                part.hasPrefix("{") && part.hasSuffix("}") ? nil : String(part)
            }
            for method in entry.value.objectValue?.entries ?? [] {
                operations.append(
                    Candidate(
                        method: method.key,
                        segments: segments,
                        literals: segments.compactMap { $0 }.count,
                        template: entry.key,
                        operation: method.value
                    )
                )
            }
        }
        self.operations = operations
    }

    /// The operation the router would dispatch `path` to: among the templates that match,
    /// the one with the most literal segments (`/volumes/detail` before `/volumes/{id}`).
    func operation(method: HTTPRequest.Method, path: String) -> (template: String, operation: JSONValue)? {
        let parts = path.split(separator: "/").map(String.init)
        if let found = operation(method: method, parts: parts) { return found }
        // The router takes a `.json` suffix on the last segment.
        guard let last = parts.last, last.hasSuffix(".json"), last.count > 5 else { return nil }
        return operation(method: method, parts: parts.dropLast() + [String(last.dropLast(5))])
    }

    private func operation(method: HTTPRequest.Method, parts: [String]) -> (template: String, operation: JSONValue)? {
        let name = method == .head ? "get" : method.rawValue.lowercased()
        let matches = operations.filter { candidate in
            candidate.method == name && candidate.segments.count == parts.count
                && zip(candidate.segments, parts).allSatisfy { segment, part in segment == nil || segment == part }
        }
        guard let best = matches.max(by: { $0.literals < $1.literals }) else { return nil }
        return (best.template, best.operation)
    }

    /// What is wrong with the answer, or nil when the document describes it.
    func problem(
        method: HTTPRequest.Method,
        uri: String,
        requestHeaders: HTTPFields,
        requestBody: [UInt8]?,
        status: Int,
        responseHeaders: HTTPFields,
        body: [UInt8]
    ) -> String? {
        let path = String(uri.prefix { $0 != "?" })
        guard path == "/" || path == "/openapi.json" || path.hasPrefix("/v3/") else { return nil }
        guard let (template, operation) = operation(method: method, path: path) else { return nil }
        let label = "\(method) \(template) (\(uri)) answered \(status)"
        guard var response = operation["responses"]?[String(status)].map(resolve) else {
            let documented = operation["responses"]?.objectValue?.keys.joined(separator: ", ") ?? ""
            return "\(label): the document lists only \(documented)"
        }
        var range = operation["x-openstack-microversion"]
        var undescribed = operation["x-ember-response-undescribed"] == .bool(true)
        if let actions = operation["x-openstack-actions"], (200..<300).contains(status) {
            let key = requestBody.flatMap { try? JSONValue.parse($0) }?.objectValue?.keys.first
            guard let key, let action = actions[key] else {
                return "\(label): the document has no action '\(key ?? "")'"
            }
            guard let own = action["responses"]?[String(status)] else {
                return "\(label): action \(key) is documented with \(action["responses"]?.objectValue?.keys ?? [])"
            }
            response = own
            range = action["x-openstack-microversion"]
            undescribed = false
        }
        if (200..<300).contains(status), let range, let version = Self.version(requestHeaders) {
            if let min = range["min"]?.stringValue.flatMap(APIVersionRequest.init), version < min {
                return "\(label) at \(version), below the documented minimum \(min)"
            }
            if let max = range["max"]?.stringValue.flatMap(APIVersionRequest.init), version > max {
                return "\(label) at \(version), above the documented maximum \(max)"
            }
        }
        if method == .head || undescribed { return nil }
        let content = response["content"]?.objectValue
        guard let content else {
            if !body.isEmpty { return "\(label) with a body the document does not describe" }
            return nil
        }
        let mediaType = responseHeaders[.contentType].map { String($0.prefix { $0 != ";" }).lowercased() } ?? ""
        guard let media = content[mediaType] else {
            return "\(label) as \(mediaType); the document has \(content.keys.joined(separator: ", "))"
        }
        guard let schema = media["schema"] else { return nil }
        if mediaType != "application/json" {
            return nil
        }
        // An answer that may be anything may be empty too (`ResponseObject(None)`).
        if body.isEmpty, schema == [:] { return nil }
        guard let value = try? JSONValue.parse(body) else { return "\(label): the body is not JSON" }
        if let error = validate(value, against: schema, at: "$") { return "\(label): \(error)" }
        return nil
    }

    /// The requested microversion: 3.0 without the header, the maximum for `latest`.
    static func version(_ headers: HTTPFields) -> APIVersionRequest? {
        guard let header = headers[.openStackAPIVersion] else { return .minimum }
        let text = header.split(separator: " ").last.map(String.init) ?? ""
        if text.lowercased() == "latest" { return .maximum }
        return APIVersionRequest(text)
    }

    // MARK: - JSON Schema (the keywords the document uses)

    func resolve(_ schema: JSONValue) -> JSONValue {
        guard let reference = schema["$ref"]?.stringValue, reference.hasPrefix("#/") else { return schema }
        var node: JSONValue? = document
        for part in reference.dropFirst(2).split(separator: "/") { node = node?[String(part)] }
        return node.map(resolve) ?? schema
    }

    func validate(_ value: JSONValue, against schema: JSONValue, at path: String) -> String? {
        let schema = resolve(schema)
        if schema == .bool(true) { return nil }
        if schema == .bool(false) { return "\(path) is not allowed" }
        if let types = schema["type"] {
            let names: [String] =
                if case .array(let list) = types { list.compactMap(\.stringValue) } else { [types.stringValue ?? ""] }
            if !names.contains(where: { Self.matches(value, $0) }) {
                return "\(path) is \(value.serialized()), not of type \(names.joined(separator: " or "))"
            }
        }
        if case .array(let choices)? = schema["enum"], !choices.contains(value) {
            return "\(path) is \(value.serialized()), not one of \(JSONValue.array(choices).serialized())"
        }
        if let constant = schema["const"], constant != value {
            return "\(path) is \(value.serialized()), not \(constant.serialized())"
        }
        switch value {
        case .string(let text):
            if case .int(let minimum)? = schema["minLength"], text.count < minimum { return "\(path) is too short" }
            if case .int(let maximum)? = schema["maxLength"], text.count > maximum { return "\(path) is too long" }
            if let pattern = schema["pattern"]?.stringValue, (try? Regex(pattern).firstMatch(in: text)) == nil {
                return "\(path) '\(text)' does not match \(pattern)"
            }
        case .int(let number):
            if case .int(let minimum)? = schema["minimum"], number < minimum { return "\(path) is below \(minimum)" }
            if case .int(let maximum)? = schema["maximum"], number > maximum { return "\(path) is above \(maximum)" }
        case .array(let items):
            if case .int(let minimum)? = schema["minItems"], items.count < minimum {
                return "\(path) has too few items"
            }
            if case .int(let maximum)? = schema["maxItems"], items.count > maximum {
                return "\(path) has too many items"
            }
            if let itemSchema = schema["items"] {
                for (index, item) in items.enumerated() {
                    if let error = validate(item, against: itemSchema, at: "\(path)[\(index)]") { return error }
                }
            }
        case .object(let object):
            if case .int(let minimum)? = schema["minProperties"], object.count < minimum {
                return "\(path) has too few properties"
            }
            if case .int(let maximum)? = schema["maxProperties"], object.count > maximum {
                return "\(path) has too many properties"
            }
            for case .string(let name) in Self.list(schema["required"]) where object[name] == nil {
                return "\(path) lacks the required '\(name)'"
            }
            let properties = schema["properties"]?.objectValue ?? [:]
            let patterns = schema["patternProperties"]?.objectValue ?? [:]
            for entry in object.entries {
                let child = "\(path).\(entry.key)"
                if let propertySchema = properties[entry.key] {
                    if let error = validate(entry.value, against: propertySchema, at: child) { return error }
                    continue
                }
                var matchedPattern = false
                for pattern in patterns.entries where (try? Regex(pattern.key).firstMatch(in: entry.key)) != nil {
                    matchedPattern = true
                    if let error = validate(entry.value, against: pattern.value, at: child) { return error }
                }
                if matchedPattern { continue }
                if let additional = schema["additionalProperties"] {
                    if additional == .bool(false) {
                        return "\(path) has '\(entry.key)', which the document does not list"
                    }
                    if let error = validate(entry.value, against: additional, at: child) { return error }
                }
            }
        default:
            break
        }
        if case .array(let all)? = schema["allOf"] {
            for part in all { if let error = validate(value, against: part, at: path) { return error } }
        }
        if case .array(let any)? = schema["anyOf"],
            !any.contains(where: { validate(value, against: $0, at: path) == nil })
        {
            return "\(path) matches none of anyOf: "
                + any.compactMap { validate(value, against: $0, at: path) }.joined(separator: "; ")
        }
        if case .array(let one)? = schema["oneOf"] {
            let passing = one.filter { validate(value, against: $0, at: path) == nil }.count
            if passing != 1 { return "\(path) matches \(passing) of oneOf's \(one.count) schemas, not one" }
        }
        return nil
    }

    /// The elements of a JSON array (none for anything else).
    static func list(_ value: JSONValue?) -> [JSONValue] {
        if case .array(let values)? = value { return values }
        return []
    }

    static func matches(_ value: JSONValue, _ type: String) -> Bool {
        switch (value, type) {
        case (.string, "string"), (.int, "integer"), (.int, "number"), (.double, "number"), (.bool, "boolean"),
            (.object, "object"), (.array, "array"), (.null, "null"):
            true
        case (.double(let number), "integer"): number == number.rounded()
        default: false
        }
    }

    // MARK: - One document per process

    /// The checker for the document an application serves, fetched and parsed once per
    /// configuration `key` (every test of the process starts at once and asks for it).
    static func fetch(from client: any TestClientProtocol, key: String) async throws -> OpenAPIConformance {
        try await DocumentCache.shared.checker(key: key) {
            let response = try await client.executeRequest(uri: "/openapi.json", method: .get, headers: [:], body: nil)
            guard response.status == .ok else { throw APITestError.unexpected(response.status.code, response.text) }
            return OpenAPIConformance(document: try JSONValue.parse(response.body.readableBytesView))
        }
    }
}

/// The parsed documents by configuration: one fetch and parse each, however many tests ask
/// at once.
actor DocumentCache {
    static let shared = DocumentCache()
    private var checkers: [String: Task<OpenAPIConformance, any Error>] = [:]

    func checker(
        key: String,
        make: @escaping @Sendable () async throws -> OpenAPIConformance
    ) async throws -> OpenAPIConformance {
        if let task = checkers[key] { return try await task.value }
        let task = Task { try await make() }
        checkers[key] = task
        return try await task.value
    }
}

/// An answer the OpenAPI document does not describe.
struct OpenAPIMismatch: Error, CustomStringConvertible {
    var description: String
}

/// A test client that checks every answer against the served OpenAPI document.
struct DocumentCheckedClient: TestClientProtocol {
    let base: any TestClientProtocol
    let conformance: OpenAPIConformance

    var port: Int? { base.port }

    func executeRequest(
        uri: String,
        method: HTTPRequest.Method,
        headers: HTTPFields,
        body: ByteBuffer?
    ) async throws -> TestResponse {
        let response = try await base.executeRequest(uri: uri, method: method, headers: headers, body: body)
        if let problem = conformance.problem(
            method: method,
            uri: uri,
            requestHeaders: headers,
            requestBody: body.map { Array($0.readableBytesView) },
            status: Int(response.status.code),
            responseHeaders: response.headers,
            body: Array(response.body.readableBytesView)
        ) {
            throw OpenAPIMismatch(description: "The OpenAPI document does not describe this answer: \(problem)")
        }
        return response
    }
}

import EmberCore
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import EmberAPI

/// The OpenAPI document Ember serves, and the check every API test's answers go through.
@Suite struct OpenAPIDocumentTests {
    static func document(_ client: any TestClientProtocol) async throws -> JSONValue {
        let response = try await client.execute(uri: "/openapi.json", method: .get)
        #expect(response.status == .ok)
        #expect(response.headers[.contentType] == "application/json")
        return try #require(response.json)
    }

    @Test func servedWithoutATokenAtTheRootAndBehindTheV3Pipeline() async throws {
        try await APIHarness.run { client, _, _ in
            let root = try await client.execute(uri: "/openapi.json", method: .get)
            #expect(root.status == .ok)
            #expect(root.json?["openapi"] == "3.1.0")
            // /v3/openapi.json goes through the v3 pipeline: noauth answers a request without a
            // token as for any /v3 path, and serves the same document with one.
            let anonymous = try await client.execute(uri: "/v3/openapi.json", method: .get)
            #expect(anonymous.status == .noContent)
            let v3 = try await client.execute(uri: "/v3/openapi.json", method: .get, headers: APIHarness.token)
            #expect(v3.status == .ok)
            #expect(v3.body == root.body)
            let head = try await client.execute(uri: "/openapi.json", method: .head)
            #expect(head.status == .ok)
            #expect(head.body.readableBytes == 0)
        }
    }

    @Test func operationsCarryTheRoutersMicroversionRanges() async throws {
        try await APIHarness.run { client, _, _ in
            let paths = try #require(try await Self.document(client)["paths"])
            func range(_ path: String, _ method: String) -> [String?] {
                let operation = paths[path]?[method]
                return [
                    operation?["x-openstack-microversion"]?["min"]?.stringValue,
                    operation?["x-openstack-microversion"]?["max"]?.stringValue,
                ]
            }
            #expect(range("/v3/{project_id}/volumes", "get") == ["3.0", "3.71"])
            #expect(range("/v3/volumes", "post") == ["3.0", "3.71"])
            #expect(range("/v3/{project_id}/volumes/summary", "get") == ["3.12", "3.71"])
            #expect(range("/v3/{project_id}/attachments", "post") == ["3.27", "3.71"])
            #expect(range("/v3/{project_id}/default-types/{id}", "put") == ["3.62", "3.71"])
            #expect(range("/v3/{project_id}/clusters/enable", "put") == ["3.7", "3.71"])
            let actions = try #require(paths["/v3/{project_id}/volumes/{id}/action"]?["post"]?["x-openstack-actions"])
            #expect(actions["revert"]?["x-openstack-microversion"]?["min"] == "3.40")
            #expect(actions["os-reimage"]?["x-openstack-microversion"]?["min"] == "3.68")
            #expect(actions["os-extend"]?["x-openstack-microversion"]?["min"] == "3.0")
            // A route whose controller serves nothing (limits has no create) is not listed.
            #expect(paths["/v3/{project_id}/limits"]?["post"] == nil)
            #expect(paths["/v3/{project_id}/limits"]?["get"] != nil)
        }
    }

    @Test func requestBodiesAreTheSchemasTheControllersValidateWith() async throws {
        try await APIHarness.run { client, _, _ in
            let paths = try #require(try await Self.document(client)["paths"])
            let create = try #require(paths["/v3/{project_id}/volumes"]?["post"])
            #expect(
                create["requestBody"]?["content"]?["application/json"]?["schema"]
                    == VolumeSchemas.create(version: .maximum).jsonSchema
            )
            // 3.13, 3.47 and 3.53 change the create schema: each form with its range.
            let variants = try #require(create["x-openstack-request-schemas"])
            guard case .array(let forms) = variants else { throw APITestError.unexpected(0, "no variants") }
            #expect(forms.map { $0["min"]?.stringValue ?? "" } == ["3.0", "3.13", "3.47", "3.53"])
            #expect(forms.first?["schema"] == VolumeSchemas.create(version: .minimum).jsonSchema)
            let extend = paths["/v3/{project_id}/volumes/{id}/action"]?["post"]?["x-openstack-actions"]?["os-extend"]
            #expect(extend?["requestBody"] == VolumeActionSchemas.extend.jsonSchema)
            let backup = paths["/v3/{project_id}/backups"]?["post"]?["requestBody"]?["content"]?["application/json"]
            #expect(backup?["schema"] == BackupSchemas.create(version: .maximum).jsonSchema)
            let list = try #require(paths["/v3/{project_id}/volumes/detail"]?["get"]?["parameters"])
            guard case .array(let parameters) = list else { throw APITestError.unexpected(0, "no parameters") }
            let names = Set(parameters.compactMap { $0["name"]?.stringValue })
            #expect(
                names.isSuperset(of: ["project_id", "limit", "marker", "sort", "all_tenants", "with_count", "status"])
            )
        }
    }

    /// Every operation is described (request and answer): none is missing from the catalog, none
    /// is outlined, and no answer has an object without its fields that does not say why.
    @Test func everyOperationIsWellFormedAndDescribed() async throws {
        try await APIHarness.run { client, _, _ in
            let document = try await Self.document(client)
            let checker = OpenAPIConformance(document: document)
            var operationIDs = Set<String>()
            for path in document["paths"]?.objectValue?.entries ?? [] {
                let parameters = path.key.split(separator: "/").filter { $0.hasPrefix("{") }
                    .map { String($0.dropFirst().dropLast()) }
                for entry in path.value.objectValue?.entries ?? [] {
                    let operation = entry.value
                    let id = try #require(operation["operationId"]?.stringValue)
                    #expect(operationIDs.insert(id).inserted, "operationId \(id) twice")
                    let declared = Set(
                        OpenAPIConformance.list(operation["parameters"]).filter { $0["in"] == "path" }
                            .compactMap { $0["name"]?.stringValue }
                    )
                    #expect(declared == Set(parameters), "\(entry.key) \(path.key) declares \(declared)")
                    #expect(
                        operation["x-ember-response-undescribed"] == nil,
                        "\(entry.key) \(path.key) is missing from OperationCatalog"
                    )
                    // Every reference resolves.
                    for reference in Self.references(in: operation) {
                        #expect(checker.resolve(["$ref": .string(reference)]) != ["$ref": .string(reference)])
                    }
                    // Every answer is described field by field: no outline, and no object
                    // without its fields unless it says why it is open.
                    let label = "\(entry.key) \(path.key)"
                    #expect(operation["x-ember-response-outline"] == nil, "\(label) is outlined")
                    #expect(Self.bareObjects(in: operation["responses"] ?? [:], at: label) == [])
                    for action in operation["x-openstack-actions"]?.objectValue?.entries ?? [] {
                        let responses = action.value["responses"] ?? [:]
                        #expect(Self.bareObjects(in: responses, at: "\(label) \(action.key)") == [])
                    }
                }
            }
            for schema in document["components"]?["schemas"]?.objectValue?.entries ?? [] {
                #expect(Self.bareObjects(in: schema.value, at: "#/components/schemas/\(schema.key)") == [])
            }
            #expect(operationIDs.count > 300)
        }
    }

    /// The schemas under `value` that allow an object without naming its fields (no
    /// `properties`, `additionalProperties`, `patternProperties`, `maxProperties` or
    /// `anyOf`), and give no `description` of why it is open.
    static func bareObjects(in value: JSONValue, at path: String) -> [String] {
        guard case .object(let object) = value else {
            if case .array(let values) = value {
                return values.enumerated().flatMap { bareObjects(in: $0.element, at: "\(path)[\($0.offset)]") }
            }
            return []
        }
        var found: [String] = []
        let types: [JSONValue] =
            if case .array(let list)? = object["type"] { list } else { object["type"].map { [$0] } ?? [] }
        let shaping = [
            "properties", "additionalProperties", "patternProperties", "maxProperties", "anyOf", "description",
        ]
        if types.contains("object"), !shaping.contains(where: { object[$0] != nil }) {
            found.append(path)
        }
        for entry in object.entries where entry.key != "x-openstack-request-schemas" && entry.key != "requestBody" {
            found += bareObjects(in: entry.value, at: "\(path)/\(entry.key)")
        }
        return found
    }

    /// The check of bare objects can fail: an outlined answer (`{"volume": {"type": "object"}}`)
    /// is found, an open object that says why is not.
    @Test func aBareObjectIsFound() {
        let outlined: JSONValue = [
            "200": ["content": ["application/json": ["schema": ResponseSchemas.wrapped("volume", ["type": "object"])]]]
        ]
        #expect(
            Self.bareObjects(in: outlined, at: "op")
                == ["op/200/content/application/json/schema/properties/volume"]
        )
        let open: JSONValue = ["schema": ResponseSchemas.wrapped("volume", ResponseSchemas.open("The driver's."))]
        #expect(Self.bareObjects(in: open, at: "op") == [])
    }

    static func references(in value: JSONValue) -> [String] {
        switch value {
        case .object(let object):
            object.entries.flatMap { entry in
                entry.key == "$ref" ? [entry.value.stringValue ?? ""] : references(in: entry.value)
            }
        case .array(let values): values.flatMap(references(in:))
        default: []
        }
    }

    /// The check can fail: an answer with a field the view does not have, a field of the
    /// wrong type, a missing field or an undocumented status is refused.
    @Test func theCheckRefusesAnAnswerTheDocumentDoesNotDescribe() async throws {
        try await APIHarness.run { client, _, _ in
            let checker = OpenAPIConformance(document: try await Self.document(client))
            let id = try await client.createVolume()
            let uri = "/v3/\(APIHarness.project)/volumes/\(id)"
            let headers = APIHarness.headers(version: "3.71")
            let shown = try await client.execute(uri: uri, method: .get, headers: headers)
            let view = try #require(shown.json?["volume"]?.objectValue)
            func problem(_ volume: JSONObject, status: Int = 200, method: HTTPRequest.Method = .get) -> String? {
                checker.problem(
                    method: method,
                    uri: uri,
                    requestHeaders: headers,
                    requestBody: nil,
                    status: status,
                    responseHeaders: [.contentType: "application/json"],
                    body: JSONValue.object(["volume": .object(volume)]).serializedBytes()
                )
            }
            #expect(problem(view) == nil)
            var extra = view
            extra["surprise"] = "field"
            #expect(problem(extra)?.contains("'surprise', which the document does not list") == true)
            var mistyped = view
            mistyped["size"] = "1"
            #expect(problem(mistyped)?.contains("$.volume.size is \"1\", not of type integer") == true)
            var missing = view
            missing["bootable"] = nil
            #expect(problem(missing)?.contains("lacks the required 'bootable'") == true)
            #expect(problem(view, status: 202)?.contains("the document lists only") == true)
            // A method served outside its microversion range.
            let summary = checker.problem(
                method: .get,
                uri: "/v3/\(APIHarness.project)/volumes/summary",
                requestHeaders: APIHarness.headers(version: "3.11"),
                requestBody: nil,
                status: 200,
                responseHeaders: [.contentType: "application/json"],
                body: Array(#"{"volume-summary": {"total_size": 1, "total_count": 1}}"#.utf8)
            )
            #expect(summary?.contains("below the documented minimum 3.12") == true)
        }
    }

    /// The harness client throws on an answer the document does not describe.
    @Test func theHarnessClientThrowsOnAMismatch() async throws {
        try await APIHarness.run { client, _, _ in
            let document = try await Self.document(client)
            // A document whose volume view lacks `size`: the real answer now breaks it.
            var components = try #require(document["components"]?.objectValue)
            var schemas = try #require(components["schemas"]?.objectValue)
            var volume = try #require(schemas["Volume"]?.objectValue)
            var properties = try #require(volume["properties"]?.objectValue)
            properties["size"] = nil
            volume["properties"] = .object(properties)
            volume["required"] = .array(OpenAPIConformance.list(volume["required"]).filter { $0 != "size" })
            schemas["Volume"] = .object(volume)
            components["schemas"] = .object(schemas)
            var changed = try #require(document.objectValue)
            changed["components"] = .object(components)
            let strict = DocumentCheckedClient(
                base: client,
                conformance: OpenAPIConformance(document: .object(changed))
            )
            let id = try await client.createVolume()
            await #expect(throws: OpenAPIMismatch.self) {
                try await strict.execute(
                    uri: "/v3/\(APIHarness.project)/volumes/\(id)",
                    method: .get,
                    headers: APIHarness.token
                )
            }
        }
    }
}

import EmberCore
import EmberWSGI
import Synchronization

/// Ember's OpenAPI 3.1 document, built at start-up from what the server itself uses, so it
/// cannot drift from it:
///
/// - paths and methods from the v3 router's route table (``APIMapper/routeDescriptions``),
///   each route with and without `{project_id}` as the router matches them; a route is listed
///   only when its controller serves it (a method, or actions for `POST …/action`);
/// - each operation's microversion range (`x-openstack-microversion`) from the controller
///   methods' `minimum`/`maximum`, and each action's in `x-openstack-actions`;
/// - request bodies exported from the ``Schema`` values the controllers validate with
///   (``OperationCatalog``); a schema that changes with the microversion is given at the
///   operation's latest version, its earlier forms in `x-openstack-request-schemas`;
/// - query parameters and response bodies from ``OperationCatalog`` and ``ResponseSchemas``,
///   faults as cinder renders them.
///
/// The document is served at `GET /openapi.json` (no authentication, as the version document)
/// and `GET /v3/openapi.json` (behind the v3 pipeline's authentication).
public enum OpenAPIDocument {
    /// Where the v3 router is mounted (cinder's `api-paste.ini`).
    static let prefix = "/v3"

    static let description = """
        Ember's Block Storage API (cinder 29.0.0's v3, microversions \
        \(APIVersionRequest.minimum)–\(APIVersionRequest.maximum)). Send \
        `OpenStack-API-Version: volume 3.N` to pick a microversion (3.0 without it); \
        `x-openstack-microversion` gives each operation's range. The seed's /v2 and \
        /v1 routers are not described.
        """

    /// The document for a v3 router.
    public static func build(router: APIRouter) -> JSONValue {
        var paths: [(String, JSONObject)] = []
        var seen = Set<String>()
        var operationIDs = Set<String>()
        func add(_ path: String, _ method: String, _ operation: JSONValue) {
            let key = "\(method) \(path)"
            guard seen.insert(key).inserted else { return }
            var operation = operation
            // Two routes of one controller action (the services' custom routes) get distinct ids.
            if let id = operation["operationId"]?.stringValue {
                var unique = id
                var counter = 2
                while !operationIDs.insert(unique).inserted {
                    unique = "\(id)_\(counter)"
                    counter += 1
                }
                if case .object(var object) = operation {
                    object["operationId"] = .string(unique)
                    operation = .object(object)
                }
            }
            if let index = paths.firstIndex(where: { $0.0 == path }) {
                paths[index].1[method] = operation
            } else {
                paths.append((path, [method: operation]))
            }
        }
        for (path, method, operation) in rootOperations() { add(path, method, operation) }
        for route in router.mapper.routeDescriptions {
            guard let controller = router.controllers[route.controller],
                let operation = operation(route: route, controller: controller)
            else { continue }
            add(prefix + route.template, route.method.rawValue.lowercased(), operation)
        }
        return [
            "openapi": "3.1.0",
            "info": [
                "title": "Ember Block Storage API",
                "version": .string(APIVersionRequest.maximum.description),
                "description": .string(description),
            ],
            "servers": [["url": "/"]],
            "security": [["token": []]],
            "paths": .object(JSONObject(paths.map { ($0.0, JSONValue.object($0.1)) })),
            "components": [
                "securitySchemes": [
                    "token": [
                        "type": "apiKey", "in": "header", "name": "X-Auth-Token",
                        "description": "A Keystone token; with auth_strategy = noauth, USER:PROJECT.",
                    ]
                ],
                "schemas": ResponseSchemas.components,
                "responses": ResponseSchemas.faultComponents,
            ],
        ]
    }

    /// The document as the server sends it.
    public static func serialized(router: APIRouter) -> [UInt8] {
        build(router: router).serializedBytes()
    }

    /// Documents already built, by the loaded extensions' aliases: a v3 router's routes and
    /// methods depend on nothing else, and a process builds its router more than once (the
    /// `/v3` pipelines, the versions application; every API test).
    private static let cache = Mutex<[String: [UInt8]]>([:])

    /// ``serialized(router:)``, built once per extension set (under the lock, so routers built
    /// at the same moment wait for one build rather than each making its own).
    static func cachedBytes(router: APIRouter, extensions: Set<String>) -> [UInt8] {
        let key = extensions.sorted().joined(separator: ",")
        return cache.withLock { cache in
            if let bytes = cache[key] { return bytes }
            let bytes = serialized(router: router)
            cache[key] = bytes
            return bytes
        }
    }

    // MARK: - Operations

    /// The candidate methods the router dispatches a route to, each with its name
    /// (`APIRouter.dispatch`'s lookup): the routed method, else for `action` every body key,
    /// else for create/update/delete the actions of that name (`os-types-manage`).
    static func candidates(
        route: APIMapper.RouteDescription,
        controller: APIController
    ) -> [(
        name: String, methods: [APIMethod]
    )] {
        if let methods = controller.methods[route.action] { return [(route.action, methods)] }
        if route.action == "action" {
            // `create`, `update` and `delete` actions serve those verbs (`os-types-manage`),
            // unless their body is keyed by the name as an action's is (a group's `delete`).
            return controller.actions.keys.sorted().compactMap { key in
                guard let methods = controller.actions[key] else { return nil }
                if ["create", "update", "delete"].contains(key),
                    !OperationCatalog.spec(controller: route.controller, action: key).isKeyedAction(key)
                {
                    return nil
                }
                return (key, methods)
            }
        }
        if ["create", "update", "delete"].contains(route.action), let actions = controller.actions[route.action] {
            return [(route.action, actions)]
        }
        return []
    }

    static func operation(route: APIMapper.RouteDescription, controller: APIController) -> JSONValue? {
        let candidates = candidates(route: route, controller: controller)
        guard !candidates.isEmpty else { return nil }
        let isActionRoute = route.action == "action" && controller.methods["action"] == nil
        var operation: JSONObject = [
            "operationId": .string(
                "\(route.controller).\(route.action)"
                    + (route.parameters.first == "project_id" ? "" : ".without_project_id")
            ),
            "tags": [.string(route.controller)],
        ]
        let methods = candidates.flatMap(\.methods)
        operation["x-openstack-microversion"] = versionRange(methods)
        operation["x-ember-route"] = ["controller": .string(route.controller), "action": .string(route.action)]

        var parameters: [JSONValue] = route.parameters.map { name in
            [
                "name": .string(name), "in": "path", "required": true,
                "schema": ["type": "string", "minLength": 1],
            ]
        }
        if isActionRoute {
            var actions = JSONObject()
            var bodies: [JSONValue] = []
            var responses = JSONObject()
            for (name, methods) in candidates {
                let spec = OperationCatalog.spec(controller: route.controller, action: name)
                var action: JSONObject = ["x-openstack-microversion": versionRange(methods)]
                // An action whose controller checks the body by hand: `{"<name>": anything}`.
                let keyed: JSONValue = [
                    "type": "object", "properties": .object([name: [:]]), "required": [.string(name)],
                    "additionalProperties": false,
                ]
                let request = spec.requestSchemas(range: range(methods)) ?? (keyed, nil)
                action["requestBody"] = request.primary
                if let variants = request.variants { action["x-openstack-request-schemas"] = variants }
                action["responses"] = .object(spec.successResponses())
                actions[name] = .object(action)
                bodies.append(request.primary)
                for entry in spec.successResponses().entries where responses[entry.key] == nil {
                    responses[entry.key] = Self.anyOfActions(entry.key, candidates, route: route)
                }
            }
            operation["x-openstack-actions"] = .object(actions)
            operation["requestBody"] = [
                "required": true,
                "content": ["application/json": ["schema": ["oneOf": .array(bodies)]]],
            ]
            Self.addPipelineResponses(&responses)
            operation["responses"] = .object(responses)
            operation["parameters"] = .array(parameters)
            return .object(operation)
        }

        let spec = OperationCatalog.spec(controller: route.controller, action: candidates[0].name)
        parameters += spec.query.map(\.jsonValue)
        operation["parameters"] = .array(parameters)
        if let request = spec.requestSchemas(range: range(methods)) {
            operation["requestBody"] = [
                "required": true,
                "content": ["application/json": ["schema": request.primary]],
            ]
            if let variants = request.variants { operation["x-openstack-request-schemas"] = variants }
        } else if spec.acceptsAnyBody {
            operation["requestBody"] = [
                "required": false,
                "content": ["application/json": ["schema": ["type": "object", "description": "Checked by hand."]]],
            ]
        }
        if spec.response == nil && spec.status == nil {
            operation["x-ember-response-undescribed"] = true
        }
        var responses = spec.successResponses()
        Self.addPipelineResponses(&responses)
        operation["responses"] = .object(responses)
        return .object(operation)
    }

    /// The faults every route may answer, and noauth's 204 for a request without a token.
    static func addPipelineResponses(_ responses: inout JSONObject) {
        for entry in ResponseSchemas.faultResponses.entries { responses[entry.key] = entry.value }
        if responses["204"] == nil { responses["204"] = ResponseSchemas.noAuthWithoutToken }
    }

    /// The success response of status `status` for an action route: the union of the actions'
    /// bodies for that status (each action's own is in `x-openstack-actions`).
    static func anyOfActions(
        _ status: String,
        _ candidates: [(name: String, methods: [APIMethod])],
        route: APIMapper.RouteDescription
    ) -> JSONValue {
        var schemas: [JSONValue] = []
        var bodiless = false
        for (name, _) in candidates {
            let responses = OperationCatalog.spec(controller: route.controller, action: name).successResponses()
            guard let response = responses[status] else { continue }
            if let schema = response["content"]?["application/json"]?["schema"] {
                if !schemas.contains(schema) { schemas.append(schema) }
            } else {
                bodiless = true
            }
        }
        var response: JSONObject = ["description": .string(ResponseSchemas.reason(status))]
        // When some actions answer this status without a body and others with one, the route
        // describes no body; each action's own answer is in `x-openstack-actions`.
        if !schemas.isEmpty && !bodiless {
            let schema: JSONValue = schemas.count == 1 ? schemas[0] : ["anyOf": .array(schemas)]
            response["content"] = ["application/json": ["schema": schema]]
        }
        return .object(response)
    }

    /// The microversions the methods serve, lowest minimum to highest maximum.
    static func range(_ methods: [APIMethod]) -> ClosedRange<APIVersionRequest> {
        let low = methods.map(\.minimum).min() ?? .minimum
        let high = methods.map(\.maximum).max() ?? .maximum
        return max(low, .minimum)...min(high, .maximum)
    }

    static func versionRange(_ methods: [APIMethod]) -> JSONValue {
        let range = range(methods)
        return ["min": .string(range.lowerBound.description), "max": .string(range.upperBound.description)]
    }

    // MARK: - Outside the v3 router

    /// The version documents, the healthcheck and the document itself.
    static func rootOperations() -> [(String, String, JSONValue)] {
        func versions(_ description: String) -> JSONValue {
            [
                "description": .string(description),
                "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Versions"]]],
            ]
        }
        let document: JSONValue = [
            "description": "This document.",
            "content": [
                "application/json": [
                    "schema": ["type": "object", "required": ["openapi", "paths"], "description": "OpenAPI 3.1."]
                ]
            ],
        ]
        func unauthenticated(_ id: String, _ responses: JSONValue) -> JSONValue {
            ["operationId": .string(id), "tags": ["versions"], "security": [], "responses": responses]
        }
        let v3Index = versions("The versions Ember serves.")
        let rootIndex = versions("Multiple choices: the versions Ember serves.")
        return [
            ("/", "get", unauthenticated("versions.index", ["300": rootIndex])),
            ("/openapi.json", "get", unauthenticated("openapi.root", ["200": document])),
            (
                "/healthcheck", "get",
                unauthenticated(
                    "healthcheck",
                    [
                        "200": ["description": "OK", "content": ["text/plain": ["schema": ["type": "string"]]]],
                        "503": [
                            "description": "Disabled by file",
                            "content": ["text/plain": ["schema": ["type": "string"]]],
                        ],
                    ]
                )
            ),
            (
                prefix + "/", "get",
                [
                    "operationId": "versions.v3", "tags": ["versions"],
                    "responses": [
                        "200": v3Index, "204": ResponseSchemas.noAuthWithoutToken,
                        "401": ["$ref": "#/components/responses/Fault401"],
                    ],
                ]
            ),
            (
                prefix + "/openapi.json", "get",
                [
                    "operationId": "openapi.v3", "tags": ["versions"],
                    "responses": [
                        "200": document, "204": ResponseSchemas.noAuthWithoutToken,
                        "401": ["$ref": "#/components/responses/Fault401"],
                    ],
                ]
            ),
        ]
    }
}

import EmberCore
import EmberWSGI
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// The routing and `Resource` machinery, with a small controller standing in for the API.
@Suite struct APIRouterTests {
    static func router() -> any WSGIApplication {
        var mapper = APIMapper()
        mapper.resource(
            "widgets",
            controller: "widgets",
            collectionActions: [("detail", .get), ("summary", .get)],
            memberActions: [("action", .post)]
        )
        mapper.resource("parts", controller: "parts", parent: (memberName: "widget", collection: "widgets"))
        var widgets = APIController(name: "widgets")
        widgets.method("index") { request in
            APIResponse(body: ["widgets": [], "sort": .array(request.queryValues("sort").map(JSONValue.string))])
        }
        widgets.method("show") { request in
            guard request.parameters["id"] == "w1" else {
                throw EmberError.notFound("Widget \(request.parameters["id"] ?? "") could not be found.")
            }
            return APIResponse(body: ["widget": ["id": "w1"]])
        }
        widgets.extend("show") { _, response in
            guard case .object(var body)? = response.body, case .object(var widget)? = body["widget"] else { return }
            widget["os-extended:attr"] = "x"
            body["widget"] = .object(widget)
            response.body = .object(body)
        }
        // A page written as JSON text, and an extension that still edits it as a tree.
        widgets.method("detail") { _ in
            var writer = JSONWriter()
            writer.beginObject()
            writer.key("widgets")
            writer.beginArray()
            writer.beginObject()
            writer.field("id", "w1")
            writer.end()
            writer.end()
            writer.end()
            return APIResponse(encodedBody: writer.bytes)
        }
        widgets.extend("detail") { _, response in
            guard case .object(var body)? = response.body else { return }
            body["extended"] = true
            response.body = .object(body)
        }
        widgets.method("create") { request in
            APIResponse(status: .accepted, body: ["received": request.body ?? .null])
        }
        widgets.method("summary", minimum: "3.12") { _ in APIResponse(body: ["summary": ["total": 0]]) }
        widgets.method("delete") { _ in .accepted }
        widgets.action("os-extend") { request in
            APIResponse(status: .accepted, body: request.body?["os-extend"])
        }
        var parts = APIController(name: "parts")
        parts.method("index") { request in APIResponse(body: ["widget": .optional(request.parameters["widget_id"])]) }
        var router =
            APIRouter(
                mapper: mapper,
                controllers: ["widgets": widgets, "parts": parts],
                catalog: VersionCatalog(publicEndpoint: nil)
            )
            as any WSGIApplication
        router = router.wrapped(in: [
            RequestIDMiddleware(), FaultWrapMiddleware(), NoAuthMiddleware(includeProjectID: false),
        ])
        return router
    }

    static let token: HTTPFields = [.authToken: "admin:abc123", .contentType: "application/json"]

    @Test func routesCollectionMemberAndParentWithAndWithoutProject() async throws {
        try await PasteHarness.test(Self.router()) { client in
            for uri in ["/abc123/widgets", "/widgets", "/abc123/widgets.json", "/widgets/"] {
                let response = try await client.execute(uri: uri, method: .get, headers: Self.token)
                #expect(response.status == .ok, "\(uri)")
                #expect(response.headers[.openStackAPIVersion] == "volume 3.0")
                #expect(response.headers[.computeRequestID] == response.headers[.openStackRequestID])
            }
            let show = try await client.execute(uri: "/abc123/widgets/w1", method: .get, headers: Self.token)
            #expect(show.text == #"{"widget": {"id": "w1", "os-extended:attr": "x"}}"#)
            let parts = try await client.execute(uri: "/widgets/w9/parts", method: .get, headers: Self.token)
            #expect(parts.json?["widget"] == "w9")
            let sorted = try await client.execute(
                uri: "/widgets?sort=name:asc&sort=id%3Adesc",
                method: .get,
                headers: Self.token
            )
            #expect(sorted.json?["sort"] == ["name:asc", "id:desc"])
        }
    }

    @Test func projectIDMustMatchTheCallerAndThePattern() async throws {
        try await PasteHarness.test(Self.router()) { client in
            let other = try await client.execute(uri: "/fff000/widgets", method: .get, headers: Self.token)
            #expect(other.status == .badRequest)
            #expect(other.text == #"{"badRequest": {"code": 400, "message": "Malformed request url"}}"#)
            // A name where the id goes would route with an id that fits: cinder's plain 404,
            // but as a JSON fault that names the rule.
            let pattern = try await client.execute(uri: "/admin/widgets", method: .get, headers: Self.token)
            #expect(pattern.status == .notFound)
            #expect(
                pattern.json?["itemNotFound"]?["message"]
                    == "The project id 'admin' in the URL does not match [DEFAULT] project_id_regex '[0-9a-f\\-]+'. Use the project's id, or the path without a project id."
            )
            // A path no id would route stays the plain 404.
            let unrouted = try await client.execute(uri: "/admin/gadgets", method: .get, headers: Self.token)
            #expect(unrouted.status == .notFound)
            #expect(unrouted.headers[.contentType] == "text/plain; charset=UTF-8")
        }
    }

    @Test func unroutedAndMissingMethodsAre404() async throws {
        try await PasteHarness.test(Self.router()) { client in
            let collectionDelete = try await client.execute(uri: "/widgets", method: .delete, headers: Self.token)
            #expect(collectionDelete.status == .notFound)
            #expect(collectionDelete.text.hasPrefix("404 Not Found"))
            let update = try await client.execute(
                uri: "/widgets/w1",
                method: .put,
                headers: Self.token,
                body: ByteBuffer(string: "{}")
            )
            #expect(update.status == .notFound)
            #expect(update.json?["itemNotFound"]?["code"] == 404)
            let missing = try await client.execute(uri: "/widgets/w2", method: .get, headers: Self.token)
            #expect(missing.json?["itemNotFound"]?["message"] == "Widget w2 could not be found.")
        }
    }

    @Test func microversionGatesMethods() async throws {
        try await PasteHarness.test(Self.router()) { client in
            let old = try await client.execute(uri: "/widgets/summary", method: .get, headers: Self.token)
            #expect(old.status == .notFound)
            #expect(old.headers[.openStackAPIVersion] == "volume 3.0")
            var headers = Self.token
            headers[.openStackAPIVersion] = "volume 3.12"
            let new = try await client.execute(uri: "/widgets/summary", method: .get, headers: headers)
            #expect(new.status == .ok)
            #expect(new.headers[.openStackAPIVersion] == "volume 3.12")
        }
    }

    /// Route-table version literals are read when the routes are built (at start-up); a
    /// malformed one stops the process there instead of serving the method from 3.0.
    @Test func routeTableVersionsAreParsedOrStopTheProcess() async {
        let method = APIMethod(minimum: "3.12", maximum: "3.40") { _ in APIResponse() }
        #expect(method.minimum == APIVersionRequest(major: 3, minor: 12))
        #expect(method.maximum == APIVersionRequest(major: 3, minor: 40))
        #expect(!method.accepts(APIVersionRequest(major: 3, minor: 0)))
        await #expect(processExitsWith: .failure) {
            _ = APIMethod(minimum: "3.x") { _ in APIResponse() }
        }
        await #expect(processExitsWith: .failure) {
            _ = APIMethod(minimum: "3.0", maximum: "latest") { _ in APIResponse() }
        }
    }

    @Test func bodiesAreDecodedAsCinderDecodesThem() async throws {
        try await PasteHarness.test(Self.router()) { client in
            let created = try await client.execute(
                uri: "/widgets",
                method: .post,
                headers: Self.token,
                body: ByteBuffer(string: #"{"widget": {"size": 1}}"#)
            )
            #expect(created.status == .accepted)
            #expect(created.json?["received"] == ["widget": ["size": 1]])
            let malformed = try await client.execute(
                uri: "/widgets",
                method: .post,
                headers: Self.token,
                body: ByteBuffer(string: #"{"volume": {"size": 1,"#)
            )
            #expect(malformed.status == .badRequest)
            #expect(malformed.text == #"{"badRequest": {"code": 400, "message": "Malformed request body"}}"#)
            var plain = Self.token
            plain[.contentType] = "text/plain"
            let media = try await client.execute(
                uri: "/widgets",
                method: .post,
                headers: plain,
                body: ByteBuffer(string: "{}")
            )
            #expect(media.status == .unsupportedMediaType)
            #expect(media.text == #"{"badMediaType": {"code": 415, "message": "Unsupported Content-Type"}}"#)
            #expect(media.headers[.openStackAPIVersion] == "volume 3.0")
            let noType = try await client.execute(
                uri: "/widgets",
                method: .post,
                headers: [.authToken: "admin:abc123"],
                body: ByteBuffer(string: "garbage")
            )
            #expect(noType.json?["received"] == .null)
        }
    }

    @Test func actionsDispatchOnTheSingleBodyKey() async throws {
        try await PasteHarness.test(Self.router()) { client in
            let extend = try await client.execute(
                uri: "/widgets/w1/action",
                method: .post,
                headers: Self.token,
                body: ByteBuffer(string: #"{"os-extend": {"new_size": 2}}"#)
            )
            #expect(extend.status == .accepted)
            #expect(extend.json?["new_size"] == 2)
            let unknown = try await client.execute(
                uri: "/widgets/w1/action",
                method: .post,
                headers: Self.token,
                body: ByteBuffer(string: #"{"os-fly": {}}"#)
            )
            #expect(unknown.status == .badRequest)
            #expect(
                unknown.json?["badRequest"]?["message"]
                    == "There is no such action: os-fly. Verify the request body and Content-Type header and try again."
            )
            let two = try await client.execute(
                uri: "/widgets/w1/action",
                method: .post,
                headers: Self.token,
                body: ByteBuffer(string: #"{"a": {}, "b": {}}"#)
            )
            #expect(two.json?["badRequest"]?["message"] == "Malformed request body")
        }
    }

    @Test func deleteIs202WithAnEmptyBody() async throws {
        try await PasteHarness.test(Self.router()) { client in
            let response = try await client.execute(uri: "/widgets/w1", method: .delete, headers: Self.token)
            #expect(response.status == .accepted)
            #expect(response.body.readableBytes == 0)
        }
    }

    @Test func encodedBodiesAreServedAndExtensionsStillEditThem() async throws {
        try await PasteHarness.test(Self.router()) { client in
            let response = try await client.execute(uri: "/widgets/detail", method: .get, headers: Self.token)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            #expect(
                String(buffer: response.body) == #"{"widgets": [{"id": "w1"}], "extended": true}"#
            )
        }
    }
}

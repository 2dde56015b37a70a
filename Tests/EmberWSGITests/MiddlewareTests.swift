import EmberCore
import EmberTesting
import EmberWSGI
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite struct VersionsTests {
    let stock = RepositoryPaths.fixture("cinder-29.0.0-api-paste.ini")

    /// The compact form of the transcript's body, with the test framework's host.
    static let versionDocument =
        #"{"versions": [{"id": "v3.0", "status": "CURRENT", "version": "3.71", "min_version": "3.0", "updated": "2023-08-31T00:00:00Z", "links": [{"rel": "describedby", "type": "text/html", "href": "https://docs.openstack.org/"}, {"rel": "self", "href": "http://localhost/v3/"}], "media-types": [{"base": "application/json", "type": "application/vnd.openstack.volume+json;version=3"}]}]}"#

    @Test func rootIs300WithCindersDocumentAndHeaders() async throws {
        let app = try PasteHarness().load(path: stock)
        try await PasteHarness.test(app) { client in
            let response = try await client.execute(uri: "/", method: .get)
            #expect(response.status == .multipleChoices)
            #expect(response.text == Self.versionDocument)
            #expect(response.headers[.contentType] == "application/json")
            // cinder's transcript says 383 for host 127.0.0.1:18776; "localhost" is 6 bytes shorter.
            #expect(response.headers[.contentLength] == "377")
            let id = try #require(response.headers[.openStackRequestID])
            #expect(id.hasPrefix("req-") && id.count == 40)
            #expect(response.headers[.computeRequestID] == id)
            #expect(response.headers[.openStackAPIVersion] == "volume 3.0")
            #expect(response.headers[.vary] == "OpenStack-API-Version")
        }
    }

    @Test func v3IndexIs200AndBareV3Redirects() async throws {
        let app = try PasteHarness().load(path: stock)
        try await PasteHarness.test(app) { client in
            let index = try await client.execute(uri: "/v3/", method: .get, headers: [.authToken: "admin:p"])
            #expect(index.status == .ok)
            #expect(index.text == Self.versionDocument)
            let bare = try await client.execute(uri: "/v3", method: .get, headers: [.authToken: "admin:p"])
            #expect(bare.status == .found)
            #expect(bare.headers[.location] == "http://localhost/v3/")
            #expect(bare.headers[.openStackRequestID] != nil)
        }
    }

    @Test func microversionHeaderIsNegotiatedOnTheVersionDocument() async throws {
        let app = try PasteHarness().load(path: stock)
        try await PasteHarness.test(app) { client in
            let unsupported = try await client.execute(
                uri: "/",
                method: .get,
                headers: [.openStackAPIVersion: "volume 3.99"]
            )
            #expect(unsupported.status == .notAcceptable)
            #expect(
                unsupported.text
                    == #"{"computeFault": {"code": 406, "message": "Version 3.99 is not supported by the API. Minimum is 3.0 and maximum is 3.71."}}"#
            )
            #expect(unsupported.headers[.openStackAPIVersion] == "volume 3.99")
            let malformed = try await client.execute(
                uri: "/",
                method: .get,
                headers: [.openStackAPIVersion: "volume 3.x"]
            )
            #expect(malformed.status == .badRequest)
            #expect(
                malformed.json?["badRequest"]?["message"]
                    == "API Version String 3.x is of invalid format. Must be of format MajorNum.MinorNum."
            )
            #expect(malformed.headers[.openStackAPIVersion] == nil)
            #expect(malformed.headers[.computeRequestID] != nil)
            let latest = try await client.execute(
                uri: "/",
                method: .get,
                headers: [.openStackAPIVersion: "volume latest"]
            )
            #expect(latest.headers[.openStackAPIVersion] == "volume 3.71")
            let ten = try await client.execute(uri: "/", method: .get, headers: [.openStackAPIVersion: "volume 3.10"])
            #expect(ten.status == .multipleChoices)
            #expect(ten.headers[.openStackAPIVersion] == "volume 3.10")
        }
    }

    @Test func publicEndpointReplacesTheRequestHost() async throws {
        let app = try PasteHarness(conf: "[DEFAULT]\npublic_endpoint = https://volume.example.com/\n").load(path: stock)
        try await PasteHarness.test(app) { client in
            let response = try await client.execute(uri: "/", method: .get)
            #expect(response.text.contains(#""href": "https://volume.example.com/v3/""#))
        }
    }

    @Test(arguments: [
        ("http://h:8776", "http://h:8776/v3/"), ("http://h:8776/v3", "http://h:8776/v3/"),
        ("http://h/volume/v2/", "http://h/volume/v3/"), ("http://h/volume", "http://h/volume/v3/"),
    ])
    func selfLinkStripsTheVersion(base: String, expected: String) {
        let document = VersionCatalog(publicEndpoint: nil).document(baseURL: base)
        let links = document["versions"].flatMap { value -> JSONValue? in
            if case .array(let items) = value { return items.first?["links"] }
            return nil
        }
        #expect(links?.serialized().contains(expected) == true)
    }
}

@Suite struct NotFoundTests {
    @Test func unknownPathIsWebobsPlainTextPage() async throws {
        let app = try PasteHarness().load(path: RepositoryPaths.fixture("cinder-29.0.0-api-paste.ini"))
        try await PasteHarness.test(app) { client in
            let plain = try await client.execute(uri: "/v2/", method: .get)
            #expect(plain.status == .notFound)
            #expect(plain.headers[.contentType] == "text/plain; charset=UTF-8")
            #expect(plain.text == "404 Not Found\n\nThe resource could not be found.\n\n   ")
            #expect(plain.headers[.openStackRequestID] != nil)
            #expect(plain.headers[.openStackAPIVersion] == nil)
            let json = try await client.execute(uri: "/nowhere", method: .get, headers: [.accept: "application/json"])
            #expect(
                json.text
                    == #"{"message": "The resource could not be found.<br /><br />\n\n\n", "code": "404 Not Found", "title": "Not Found"}"#
            )
            let html = try await client.execute(uri: "/nowhere", method: .get, headers: [.accept: "*/*"])
            #expect(html.headers[.contentType] == "text/html; charset=UTF-8")
            #expect(html.text.contains("<h1>404 Not Found</h1>"))
            let v3Unknown = try await client.execute(
                uri: "/v3/p/nosuchthing",
                method: .get,
                headers: [.authToken: "a:p"]
            )
            #expect(v3Unknown.status == .notFound)
        }
    }
}

@Suite struct NoAuthTests {
    @Test func missingTokenGets204WithAFakeToken() async throws {
        let app = try PasteHarness().load(path: RepositoryPaths.fixture("cinder-29.0.0-api-paste.ini"))
        try await PasteHarness.test(app) { client in
            let response = try await client.execute(uri: "/v3/e9b8d2d1/volumes", method: .get)
            #expect(response.status == .noContent)
            #expect(response.headers[.authToken] == "admin:admin")
            #expect(response.headers[.serverManagementURL] == "http://localhost/v3/e9b8d2d1/volumes")
            let named = try await client.execute(
                uri: "/v3/volumes/",
                method: .get,
                headers: [HTTPField.Name("X-Auth-User")!: "alice", HTTPField.Name("X-Auth-Project-Id")!: "p1"]
            )
            #expect(named.headers[.authToken] == "alice:p1")
            #expect(named.headers[.serverManagementURL] == "http://localhost/v3/volumes")
            let discovery = try await client.execute(uri: "/v3/", method: .get)
            #expect(discovery.status == .ok)
        }
    }

    @Test func includeProjectIDVariantAppendsTheProject() async throws {
        let harness = try PasteHarness(conf: "[DEFAULT]\nauth_strategy = noauth_include_project_id\n")
        let app = try harness.load(path: RepositoryPaths.fixture("cinder-29.0.0-api-paste.ini"))
        try await PasteHarness.test(app) { client in
            let response = try await client.execute(uri: "/v3/volumes", method: .get)
            #expect(response.headers[.serverManagementURL] == "http://localhost/v3/volumes/admin")
        }
    }

    @Test(arguments: [("alice:proj", "alice", "proj"), ("alice", "alice", "alice"), ("alice:", "alice", "alice")])
    func tokenIsUserColonProject(token: String, user: String, project: String) async throws {
        let app = EchoApp().wrapped(in: [RequestIDMiddleware(), NoAuthMiddleware(includeProjectID: false)])
        try await PasteHarness.test(app) { client in
            let response = try await client.execute(uri: "/x", method: .get, headers: [.authToken: token])
            #expect(response.json?["user"] == .string(user))
            #expect(response.json?["project"] == .string(project))
            #expect(response.json?["is_admin"] == true)
        }
    }
}

@Suite struct KeystoneContextTests {
    @Test func identityComesFromAuthtokenHeaders() async throws {
        let app = EchoApp().wrapped(in: [KeystoneContextMiddleware(useForwardedFor: false)])
        try await PasteHarness.test(app) { client in
            let response = try await client.execute(
                uri: "/x",
                method: .get,
                headers: [
                    HTTPField.Name("X-User-Id")!: "u1", HTTPField.Name("X-Project-Id")!: "p1",
                    HTTPField.Name("X-Roles")!: "reader, member",
                ]
            )
            #expect(response.json?["user"] == "u1")
            #expect(response.json?["project"] == "p1")
            #expect(response.json?["roles"] == ["reader", "member"])
            #expect(response.json?["is_admin"] == false)
            #expect(response.json?["has_token"] == false)
            // The caller's token is kept, to be forwarded to the image service.
            let withToken = try await client.execute(
                uri: "/x",
                method: .get,
                headers: [HTTPField.Name("X-User-Id")!: "u1", .authToken: "gAAAA-token"]
            )
            #expect(withToken.json?["has_token"] == true)
            let admin = try await client.execute(
                uri: "/x",
                method: .get,
                headers: [HTTPField.Name("X-User")!: "u2", HTTPField.Name("X-Roles")!: "admin"]
            )
            #expect(admin.json?["is_admin"] == true)
        }
    }

    @Test func noUserIs401() async throws {
        let app = EchoApp().wrapped(in: [KeystoneContextMiddleware(useForwardedFor: false)])
        try await PasteHarness.test(app) { client in
            let response = try await client.execute(uri: "/x", method: .get, headers: [.accept: "application/json"])
            #expect(response.status == .unauthorized)
            #expect(response.json?["code"] == "401 Unauthorized")
        }
    }
}

@Suite struct FaultWrapTests {
    @Test func emberErrorsKeepTheirFault() async throws {
        let app = ThrowingApp(error: EmberError.conflict("Volume type with name gold already exists."))
            .wrapped(in: [RequestIDMiddleware(), FaultWrapMiddleware()])
        try await PasteHarness.test(app) { client in
            let response = try await client.execute(uri: "/", method: .get)
            #expect(response.status == .conflict)
            #expect(
                response.text
                    == #"{"conflictingRequest": {"code": 409, "message": "Volume type with name gold already exists."}}"#
            )
            #expect(response.headers[.openStackRequestID] != nil)
        }
    }

    @Test func overLimitCarriesRetryAfter() async throws {
        let quota = EmberError(
            status: 413,
            message: "VolumeLimitExceeded: Maximum number of volumes allowed (10) exceeded for quota 'volumes'.",
            headers: [("Retry-After", "0")]
        )
        let app = ThrowingApp(error: quota).wrapped(in: [FaultWrapMiddleware()])
        try await PasteHarness.test(app) { client in
            let response = try await client.execute(uri: "/", method: .get)
            #expect(response.status == .contentTooLarge)
            #expect(response.json?["overLimit"]?["retryAfter"] == "0")
            #expect(response.headers[HTTPField.Name("Retry-After")!] == "0")
        }
    }

    @Test func unexpectedErrorsBecomeA500ThatLeaksNothing() async throws {
        let app = ThrowingApp(error: SecretDatabaseError()).wrapped(in: [RequestIDMiddleware(), FaultWrapMiddleware()])
        try await PasteHarness.test(app) { client in
            let response = try await client.execute(uri: "/", method: .get)
            #expect(response.status == .internalServerError)
            #expect(
                response.text
                    == #"{"computeFault": {"code": 500, "message": "The server has either erred or is incapable of performing the requested operation."}}"#
            )
            #expect(!response.text.contains("hunter2"))
        }
    }

    @Test func errorsEscapingEveryFilterStillGetAFault() async throws {
        try await PasteHarness.test(ThrowingApp(error: SecretDatabaseError())) { client in
            let response = try await client.execute(uri: "/", method: .get)
            #expect(response.status == .internalServerError)
            #expect(response.json?["computeFault"]?["code"] == 500)
        }
    }
}

@Suite struct RequestIDTests {
    @Test func everyResponseGetsAFreshID() async throws {
        let app = EchoApp().wrapped(in: [RequestIDMiddleware()])
        try await PasteHarness.test(app) { client in
            let inbound = "req-0a1d067e-ebd5-4017-923e-6369f533e4a0"
            let first = try await client.execute(uri: "/", method: .get, headers: [.openStackRequestID: inbound])
            let second = try await client.execute(uri: "/", method: .get)
            let firstID = try #require(first.headers[.openStackRequestID])
            #expect(firstID != inbound)
            #expect(first.json?["request_id"] == .string(firstID))
            #expect(second.headers[.openStackRequestID] != firstID)
        }
    }
}

@Suite struct ProxyHeadersTests {
    @Test func forwardedHeadersChangeLinksOnlyWhenEnabled() async throws {
        let stock = RepositoryPaths.fixture("cinder-29.0.0-api-paste.ini")
        let headers: HTTPFields = [.forwardedProto: "https", .forwardedHost: "volume.example.com"]
        let enabled = try PasteHarness(conf: "[oslo_middleware]\nenable_proxy_headers_parsing = true\n").load(
            path: stock
        )
        try await PasteHarness.test(enabled) { client in
            let response = try await client.execute(uri: "/", method: .get, headers: headers)
            #expect(response.text.contains(#""href": "https://volume.example.com/v3/""#))
            let rfc = try await client.execute(
                uri: "/",
                method: .get,
                headers: [.forwarded: "for=1.2.3.4;proto=https;host=proxy.example:8443"]
            )
            #expect(rfc.text.contains(#""href": "https://proxy.example:8443/v3/""#))
        }
        let disabled = try PasteHarness().load(path: stock)
        try await PasteHarness.test(disabled) { client in
            let response = try await client.execute(uri: "/", method: .get, headers: headers)
            #expect(response.text.contains(#""href": "http://localhost/v3/""#))
        }
    }
}

@Suite struct CORSTests {
    let app: any WSGIApplication

    init() throws {
        var configuration = CORSMiddleware.Configuration()
        configuration.allowedOrigins = ["https://dashboard.example"]
        app = VersionIndexRouter(catalog: VersionCatalog(publicEndpoint: nil)).wrapped(in: [
            CORSMiddleware(configuration: configuration)
        ])
    }

    @Test func allowedOriginGetsCORSHeaders() async throws {
        try await PasteHarness.test(app) { client in
            let response = try await client.execute(
                uri: "/",
                method: .get,
                headers: [.origin: "https://dashboard.example"]
            )
            #expect(response.headers[.accessControlAllowOrigin] == "https://dashboard.example")
            #expect(response.headers[.accessControlAllowCredentials] == "true")
            #expect(response.headers[.accessControlExposeHeaders]?.contains("OpenStack-API-Version") == true)
            #expect(response.headers[.vary] == "OpenStack-API-Version,Origin")
            let other = try await client.execute(uri: "/", method: .get, headers: [.origin: "https://evil.example"])
            #expect(other.headers[.accessControlAllowOrigin] == nil)
        }
    }

    @Test func preflightIsAnsweredWithPermittedMethodAndHeaders() async throws {
        try await PasteHarness.test(app) { client in
            let preflight = try await client.execute(
                uri: "/volumes",
                method: .options,
                headers: [
                    .origin: "https://dashboard.example", .accessControlRequestMethod: "POST",
                    .accessControlRequestHeaders: "X-Auth-Token, Content-Type",
                ]
            )
            #expect(preflight.status == .ok)
            #expect(preflight.headers[.accessControlAllowMethods] == "POST")
            #expect(preflight.headers[.accessControlAllowHeaders] == "X-Auth-Token,Content-Type")
            #expect(preflight.headers[.accessControlMaxAge] == "3600")
            let refused = try await client.execute(
                uri: "/volumes",
                method: .options,
                headers: [
                    .origin: "https://dashboard.example", .accessControlRequestMethod: "POST",
                    .accessControlRequestHeaders: "X-Secret",
                ]
            )
            #expect(refused.headers[.accessControlAllowOrigin] == nil)
        }
    }
}

@Suite struct HealthcheckTests {
    @Test func disableByFileDrainsTheNode() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let text = """
            [composite:osapi_volume]
            use = egg:Paste#urlmap
            /healthcheck: healthcheck
            [pipeline:healthcheck]
            pipeline = request_id healthcheckapp
            [filter:request_id]
            paste.filter_factory = oslo_middleware.request_id:RequestId.factory
            [app:healthcheckapp]
            paste.app_factory = oslo_middleware:Healthcheck.app_factory
            backends = disable_by_file
            disable_by_file_path = \(dir.path)/disable
            """
        let app = try PasteHarness().load(text: text)
        try await PasteHarness.test(app) { client in
            let ok = try await client.execute(uri: "/healthcheck", method: .get)
            #expect(ok.status == .ok)
            #expect(ok.text == "OK")
            #expect(ok.headers[.openStackRequestID] != nil)
            #expect(try await client.execute(uri: "/healthcheck", method: .head).status == .noContent)
            let json = try await client.execute(
                uri: "/healthcheck",
                method: .get,
                headers: [.accept: "application/json"]
            )
            #expect(json.json?["reasons"] == ["OK"])
            try dir.write("disable", "")
            let disabled = try await client.execute(uri: "/healthcheck", method: .get)
            #expect(disabled.status == .serviceUnavailable)
            #expect(disabled.text == "DISABLED BY FILE")
        }
    }
}

@Suite struct SizeLimitTests {
    @Test func contentLengthOverTheLimitIs413BeforeTheBodyIsRead() async throws {
        let app = EchoApp().wrapped(in: [
            RequestIDMiddleware(), FaultWrapMiddleware(), SizeLimitMiddleware(limit: 1000),
        ])
        try await PasteHarness.test(app) { client in
            let over = try await client.execute(uri: "/", method: .post, body: ByteBuffer(repeating: 0x61, count: 1001))
            #expect(over.status == .contentTooLarge)
            #expect(
                over.text
                    == "413 Request Entity Too Large\n\nRequest is too large. Larger than max_request_body_size (1000).\n\n   "
            )
            let exact = try await client.execute(
                uri: "/",
                method: .post,
                body: ByteBuffer(repeating: 0x61, count: 1000)
            )
            #expect(exact.status == .ok)
            #expect(exact.json?["body_bytes"] == 1000)
        }
    }
}

@Suite struct HeaderLimitTests {
    @Test func linesFieldsAndTotalsAreLimitedAsCindersServerDoes() {
        var fields = HTTPFields()
        fields[HTTPField.Name("X-Fine")!] = String(repeating: "a", count: 16_384 - 11)
        #expect(PasteResponder.headerProblem(fields, maxHeaderLine: 16_384) == nil)
        fields[HTTPField.Name("X-Fine")!] = String(repeating: "a", count: 16_384 - 10)
        #expect(PasteResponder.headerProblem(fields, maxHeaderLine: 16_384)?.contains("X-Fine is 16384 bytes") == true)

        var many = HTTPFields()
        for index in 0..<101 { many[HTTPField.Name("X-H\(index)")!] = "a" }
        #expect(
            PasteResponder.headerProblem(many, maxHeaderLine: 16_384)
                == "Too many headers: 101, the most accepted is 100."
        )

        var large = HTTPFields()
        for index in 0..<5 { large[HTTPField.Name("X-L\(index)")!] = String(repeating: "b", count: 15_000) }
        #expect(PasteResponder.headerProblem(large, maxHeaderLine: 16_384)?.hasPrefix("Headers too large") == true)
    }
}

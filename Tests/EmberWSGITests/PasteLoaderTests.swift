import EmberCore
import EmberTesting
import EmberWSGI
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct PasteLoaderTests {
    @Test func cinderStockFileLoadsUnchanged() async throws {
        let app = try PasteHarness().load(path: RepositoryPaths.fixture("cinder-29.0.0-api-paste.ini"))
        try await PasteHarness.test(app) { client in
            let root = try await client.execute(uri: "/", method: .get)
            #expect(root.status == .multipleChoices)
            let v3 = try await client.execute(uri: "/v3/", method: .get, headers: [.authToken: "admin:abc"])
            #expect(v3.status == .ok)
            let health = try await client.execute(uri: "/healthcheck", method: .get)
            #expect(health.status == .ok)
            #expect(health.text == "OK")
            let v2 = try await client.execute(uri: "/v2/", method: .get)
            #expect(v2.status == .notFound)
        }
    }

    @Test func emberDefaultFileLoads() async throws {
        let app = try PasteHarness().load(path: RepositoryPaths.etc("api-paste.ini"))
        let status = try await PasteHarness.test(app) { client in
            try await client.execute(uri: "/", method: .get).status
        }
        #expect(status == .multipleChoices)
    }

    @Test func noauthPipelineIsTheOneCinderBuilds() throws {
        let document = try ConfigFiles.readDocument(RepositoryPaths.fixture("cinder-29.0.0-api-paste.ini"))
        let harness = try PasteHarness()
        let loader = PasteLoader(document: document, registry: harness.registry, environment: harness.environment)
        let v3 = try loader.app(named: "openstack_volume_api_v3")
        let names = try #require(v3 as? any PipelineDescribing).pipelineDescription
        #expect(
            names == [
                "request_id", "cors", "http_proxy_to_wsgi", "faultwrap", "sizelimit", "osprofiler", "noauth",
                "VersionIndexRouter",
            ]
        )
        let includeProject = try PasteHarness(conf: "[DEFAULT]\nauth_strategy = noauth_include_project_id\n")
        let other = PasteLoader(
            document: document,
            registry: includeProject.registry,
            environment: includeProject.environment
        )
        let otherNames = try #require(try other.app(named: "openstack_volume_api_v3") as? any PipelineDescribing)
        #expect(otherNames.pipelineDescription.contains("noauth_include_project_id"))
    }

    @Test func seed2013LayoutLoadsAndServesV1AndV2() async throws {
        let app = try PasteHarness().load(path: RepositoryPaths.fixture("cinder-2013-api-paste.ini"))
        try await PasteHarness.test(app) { client in
            let root = try await client.execute(uri: "/", method: .get)
            #expect(root.status == .multipleChoices)
            let ids = root.json?["versions"].map { value -> [String] in
                guard case .array(let items) = value else { return [] }
                return items.compactMap { $0["id"]?.stringValue }
            }
            #expect(ids == ["v3.0", "v2.0", "v1.0"])
            for prefix in ["/v1/", "/v2/"] {
                let response = try await client.execute(uri: prefix, method: .get, headers: [.authToken: "u:p"])
                #expect(response.status == .ok, "\(prefix)")
                #expect(response.json?["versions"] != nil)
            }
            #expect(try await client.execute(uri: "/v3/", method: .get).status == .notFound)
        }
    }

    @Test func disabledLegacyVersionsAreDroppedAsCinderDoes() async throws {
        let harness = try PasteHarness(conf: "[DEFAULT]\nenable_v1_api = false\n")
        let app = try harness.load(path: RepositoryPaths.fixture("cinder-2013-api-paste.ini"))
        try await PasteHarness.test(app) { client in
            let v1 = try await client.execute(uri: "/v1/", method: .get, headers: [.authToken: "u:p"])
            #expect(v1.status == .notFound)
            let v2 = try await client.execute(uri: "/v2/", method: .get, headers: [.authToken: "u:p"])
            #expect(v2.status == .ok)
        }
    }

    @Test func keystoneStrategyNamesTheMissingFilter() throws {
        let harness = try PasteHarness(conf: "[DEFAULT]\nauth_strategy = keystone\n")
        #expect {
            try harness.load(path: RepositoryPaths.fixture("cinder-29.0.0-api-paste.ini"))
        } throws: { error in
            "\(error)".contains("[filter:authtoken]") && "\(error)".contains("keystonemiddleware.auth_token")
        }
    }

    @Test func missingAppIsCindersPasteAppNotFound() throws {
        let harness = try PasteHarness()
        #expect {
            try harness.load(path: RepositoryPaths.fixture("cinder-29.0.0-api-paste.ini"), name: "osapi_compute")
        } throws: { error in
            guard case .appNotFound(let name, let path, let reason) = error as? PasteError else { return false }
            return name == "osapi_compute" && path.hasSuffix("cinder-29.0.0-api-paste.ini")
                && "\(error)".hasPrefix("Could not load paste app 'osapi_compute' from ")
                && reason.contains("No section 'osapi_compute'")
        }
    }

    @Test func missingSectionInsideAPipelineNamesIt() throws {
        let text = """
            [composite:osapi_volume]
            use = egg:Paste#urlmap
            /: apiversions
            [pipeline:apiversions]
            pipeline = request_id nosuchfilter osvolumeversionapp
            [filter:request_id]
            paste.filter_factory = oslo_middleware.request_id:RequestId.factory
            [app:osvolumeversionapp]
            paste.app_factory = cinder.api.versions:Versions.factory
            """
        #expect {
            try PasteHarness().load(text: text)
        } throws: { error in
            "\(error)".contains(
                "No section 'nosuchfilter' (prefixed by 'filter') found in config /etc/ember/api-paste.ini"
            )
        }
    }

    @Test func unknownFactoryNamesItself() throws {
        let text = """
            [composite:osapi_volume]
            use = egg:Paste#urlmap
            /: app
            [app:app]
            paste.app_factory = mycompany.api:Special.factory
            """
        #expect(
            throws: PasteError.unknownFactory(
                factory: "mycompany.api:Special.factory",
                section: "app:app",
                path: "/etc/ember/api-paste.ini"
            )
        ) {
            try PasteHarness().load(text: text)
        }
    }

    @Test func sectionWithoutFactoryIsRefused() throws {
        let text = "[composite:osapi_volume]\n/: x\n"
        #expect {
            try PasteHarness().load(text: text)
        } throws: { error in
            guard case .invalidSection(let section, _, _) = error as? PasteError else { return false }
            return section == "composite:osapi_volume"
        }
    }

    @Test func emptyPipelineAndMissingStrategyAreRefused() throws {
        let empty = "[pipeline:osapi_volume]\npipeline =\n"
        #expect(throws: PasteError.self) { try PasteHarness().load(text: empty) }
        let noStrategy = """
            [composite:osapi_volume]
            use = call:cinder.api.middleware.auth:pipeline_factory
            keystone = faultwrap app
            """
        #expect {
            try PasteHarness().load(text: noStrategy)
        } throws: { error in
            "\(error)".contains("no pipeline for auth_strategy 'noauth'")
        }
    }

    @Test func sectionsThatReferToEachOtherInALoopAreRefused() throws {
        let selfPipeline =
            "[pipeline:osapi_volume]\npipeline = faultwrap osapi_volume\n"
            + "[filter:faultwrap]\npaste.filter_factory = cinder.api.middleware.fault:FaultWrapper.factory\n"
        #expect {
            try PasteHarness().load(text: selfPipeline)
        } throws: { error in
            "\(error)".contains("loop: [pipeline:osapi_volume] → [pipeline:osapi_volume]")
        }
        let throughURLMap = """
            [composite:osapi_volume]
            use = egg:Paste#urlmap
            /v3: v3
            [filter-app:v3]
            use = call:cinder.api.middleware.fault:FaultWrapper.factory
            next = osapi_volume
            """
        #expect {
            try PasteHarness().load(text: throughURLMap)
        } throws: { error in
            "\(error)".contains("loop: [composite:osapi_volume] → [filter-app:v3] → [composite:osapi_volume]")
        }
    }

    @Test func interpolationThatNeverEndsOrExplodesIsRefused() throws {
        let selfReference = """
            [app:osapi_volume]
            use = call:cinder.api.versions:Versions.factory
            loop = %(loop)s
            """
        #expect {
            try PasteHarness().load(text: selfReference)
        } throws: { error in
            "\(error)".contains("the value of 'loop' still refers to other values after 10 substitutions")
        }
        var text = "[app:osapi_volume]\nuse = call:cinder.api.versions:Versions.factory\nv9 = x\n"
        for level in (0..<9).reversed() {
            text += "v\(level) = " + String(repeating: "%(v\(level + 1))s", count: 100) + "\n"
        }
        #expect {
            try PasteHarness().load(text: text)
        } throws: { error in
            "\(error)".contains("expands to more than 1048576 bytes")
        }
    }

    @Test func interpolationSetGetAndFilterApp() async throws {
        var registry = PasteFactoryRegistry.standard()
        registry.registerApp("ember.testing:Echo.factory") { _ in EchoApp() }
        registry.registerApp("ember.testing:Options.factory") { context in
            OptionsApp(
                options: context.localConf.map { "\($0.key)=\($0.value)" } + [
                    "global.flavor=\(context.globalConf["flavor"] ?? "")"
                ]
            )
        }
        let text = """
            [DEFAULT]
            flavor = plain
            [composite:osapi_volume]
            use = egg:Paste#urlmap
            /echo: wrapped
            /options: options
            not_found_app = options
            [filter-app:wrapped]
            use = call:cinder.api.middleware.fault:FaultWrapper.factory
            next = echo
            [app:echo]
            use = call:ember.testing:Echo.factory
            [app:options]
            use = call:ember.testing:Options.factory
            file = %(here)s/data.txt
            percent = 100%%
            set flavor = spicy
            get copied = flavor
            """
        let harness = try PasteHarness(registry: registry)
        let app = try harness.load(text: text)
        try await PasteHarness.test(app) { client in
            let echo = try await client.execute(uri: "/echo/x", method: .get)
            #expect(echo.json?["script_name"] == "/echo")
            #expect(echo.json?["path_info"] == "/x")
            let options = try await client.execute(uri: "/elsewhere", method: .get)
            #expect(options.text == "file=/etc/ember/data.txt,percent=100%,copied=spicy,global.flavor=spicy")
        }
    }
}

struct OptionsApp: WSGIApplication {
    let options: [String]
    func respond(to request: Request, context: WSGIRequestContext) async throws -> Response {
        Response(status: .ok, body: .init(byteBuffer: .init(string: options.joined(separator: ","))))
    }
}

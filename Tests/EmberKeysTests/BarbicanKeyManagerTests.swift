import AsyncHTTPClient
import EmberCore
import Foundation
import NIOCore
import Testing

@testable import EmberKeys

@Suite("Barbican key manager against a real Barbican", .enabled(if: LiveBarbican.available))
struct BarbicanKeyManagerTests {
    @Test func createdKeyIsABarbicanSecretOfTheAskedAlgorithmAndLength() async throws {
        try await LiveBarbican.withManager { manager, http in
            let context = try await LiveBarbican.context(http: http)
            let token = try #require(context.authToken)
            let id = try await manager.createKey(context, algorithm: "AES", bitLength: 256)
            #expect(UUID(uuidString: id) != nil, "a secret id is a UUID: \(id)")

            let (status, body) = try await LiveBarbican.get(id, token: token, http: http)
            #expect(status == 200)
            let metadata = try JSONValue.parse(body)
            #expect(metadata["algorithm"]?.stringValue?.lowercased() == "aes")
            #expect(metadata["bit_length"] == .int(256))
            #expect(metadata["secret_type"]?.stringValue == "symmetric")
            let (payloadStatus, payload) = try await LiveBarbican.get(id + "/payload", token: token, http: http)
            #expect(payloadStatus == 200)
            #expect(payload.count == 32)

            let key = try await manager.key(context, id: id)
            #expect(key.bitLength == 256)
            #expect(key.algorithm.lowercased() == "aes")
            #expect(key.bytes == payload)
            try await manager.deleteKey(context, id: id)
        }
    }

    @Test func cloneIsAnotherSecretWithTheSameBytes() async throws {
        try await LiveBarbican.withManager { manager, http in
            let context = try await LiveBarbican.context(http: http)
            let id = try await manager.createKey(context, algorithm: "AES", bitLength: 256)
            let clone = try await manager.cloneKey(context, id: id)
            #expect(clone != id)
            let original = try await manager.key(context, id: id)
            let copy = try await manager.key(context, id: clone)
            #expect(copy == original)

            // Deleting the source leaves the clone.
            try await manager.deleteKey(context, id: id)
            #expect(try await manager.key(context, id: clone) == original)
            try await manager.deleteKey(context, id: clone)
        }
    }

    @Test func storedKeyReadsBackByteForByte() async throws {
        try await LiveBarbican.withManager { manager, http in
            let context = try await LiveBarbican.context(http: http)
            let bytes = (0..<64).map { _ in UInt8.random(in: 0...255) }
            let key = SymmetricKey(algorithm: "AES", bitLength: 512, bytes: bytes)
            let id = try await manager.store(context, key: key)
            #expect(try await manager.key(context, id: id) == key)
            try await manager.deleteKey(context, id: id)
        }
    }

    @Test func deletedKeyIsGone() async throws {
        try await LiveBarbican.withManager { manager, http in
            let context = try await LiveBarbican.context(http: http)
            let token = try #require(context.authToken)
            let id = try await manager.createKey(context, algorithm: "AES", bitLength: 128)
            try await manager.deleteKey(context, id: id)
            #expect(try await LiveBarbican.get(id, token: token, http: http).0 == 404)
            await #expect(throws: KeyManagerError.notFound(id: id)) { try await manager.key(context, id: id) }
            await #expect(throws: KeyManagerError.notFound(id: id)) { try await manager.deleteKey(context, id: id) }
        }
    }

    @Test func unknownIDIsNotFound() async throws {
        try await LiveBarbican.withManager { manager, http in
            let context = try await LiveBarbican.context(http: http)
            let id = UUID().uuidString.lowercased()
            await #expect(throws: KeyManagerError.notFound(id: id)) { try await manager.key(context, id: id) }
            await #expect(throws: KeyManagerError.notFound(id: id)) { try await manager.deleteKey(context, id: id) }
            await #expect(throws: KeyManagerError.unsupported("key identifier not provided")) {
                try await manager.key(context, id: "")
            }
        }
    }

    @Test func wrongOrMissingTokenIsRefused() async throws {
        try await LiveBarbican.withManager { manager, http in
            let context = try await LiveBarbican.context(http: http)
            let id = try await manager.createKey(context, algorithm: "AES", bitLength: 256)
            var forged = context
            forged.authToken = "not-a-token"
            let read = await #expect(throws: KeyManagerError.self) { try await manager.key(forged, id: id) }
            #expect(read?.isNotAuthorized == true, "\(String(describing: read))")
            let create = await #expect(throws: KeyManagerError.self) {
                try await manager.createKey(forged, algorithm: "AES", bitLength: 256)
            }
            #expect(create?.isNotAuthorized == true, "\(String(describing: create))")
            var anonymous = context
            anonymous.authToken = nil
            await #expect(throws: KeyManagerError.notAuthorized("User is not authorized to use key manager.")) {
                try await manager.key(anonymous, id: id)
            }
            // The key is still there for its owner.
            #expect(try await manager.key(context, id: id).bytes.count == 32)
            try await manager.deleteKey(context, id: id)
        }
    }

    @Test func barbicansRefusalsKeepTheirReason() async throws {
        try await LiveBarbican.withManager { manager, http in
            // A reader may not create secrets (Barbican's 403).
            let reader = try await LiveBarbican.context(user: "ann", project: "project-a", http: http)
            let forbidden = await #expect(throws: KeyManagerError.self) {
                try await manager.createKey(reader, algorithm: "AES", bitLength: 256)
            }
            guard case .notAuthorized(let reason)? = forbidden else {
                Issue.record("expected notAuthorized, got \(String(describing: forbidden))")
                return
            }
            #expect(reason.contains("HTTP 403"), "\(reason)")
            // A length the crypto plugin does not support (Barbican's 400).
            let member = try await LiveBarbican.context(http: http)
            let unsupported = await #expect(throws: KeyManagerError.self) {
                try await manager.createKey(member, algorithm: "AES", bitLength: 7)
            }
            guard case .unavailable(let text)? = unsupported else {
                Issue.record("expected unavailable, got \(String(describing: unsupported))")
                return
            }
            #expect(text.hasPrefix("Error creating key: HTTP 400"), "\(text)")
        }
    }

    @Test func anotherProjectCannotReadOrDeleteTheKey() async throws {
        try await LiveBarbican.withManager { manager, http in
            let alice = try await LiveBarbican.context(http: http)
            let bob = try await LiveBarbican.context(user: "bob", project: "project-b", http: http)
            let id = try await manager.createKey(alice, algorithm: "AES", bitLength: 256)
            let read = await #expect(throws: KeyManagerError.self) { try await manager.key(bob, id: id) }
            #expect(read?.isNotAuthorized == true || read == .notFound(id: id), "\(String(describing: read))")
            let delete = await #expect(throws: KeyManagerError.self) { try await manager.deleteKey(bob, id: id) }
            #expect(delete?.isNotAuthorized == true || delete == .notFound(id: id), "\(String(describing: delete))")
            #expect(try await manager.key(alice, id: id).bitLength == 256)
            try await manager.deleteKey(alice, id: id)
        }
    }

    @Test func endpointComesFromTheCatalogWhenNotConfigured() async throws {
        try await LiveBarbican.withManager(LiveBarbican.configuration(endpoint: false)) { manager, http in
            let context = try await LiveBarbican.context(http: http)
            let id = try await manager.createKey(context, algorithm: "AES", bitLength: 256)
            // The secret is where the configured endpoint points: the catalog named the same Barbican.
            #expect(try await LiveBarbican.get(id, token: try #require(context.authToken), http: http).0 == 200)
            try await manager.deleteKey(context, id: id)
        }
        var elsewhere = LiveBarbican.configuration(endpoint: false)
        elsewhere.regionName = "NoSuchRegion"
        try await LiveBarbican.withManager(elsewhere) { manager, http in
            let context = try await LiveBarbican.context(http: http)
            let error = await #expect(throws: KeyManagerError.self) {
                try await manager.createKey(context, algorithm: "AES", bitLength: 256)
            }
            guard case .misconfigured(let reason)? = error else {
                Issue.record("expected misconfigured, got \(String(describing: error))")
                return
            }
            #expect(reason.contains("NoSuchRegion"))
        }
    }

    @Test func serviceUserTokenGoesAlongWhenAsked() async throws {
        var configuration = LiveBarbican.configuration()
        configuration.sendServiceUserToken = true
        configuration.serviceUser = BarbicanServiceUser(
            authURL: LiveBarbican.keystoneURL,
            username: LiveBarbican.environment["EMBER_KEYSTONE_SERVICE_USER"] ?? "ember",
            password: LiveBarbican.environment["EMBER_KEYSTONE_SERVICE_PASSWORD"] ?? "",
            projectName: "service"
        )
        try await LiveBarbican.withManager(configuration) { manager, http in
            let context = try await LiveBarbican.context(http: http)
            let barbican = try #require(manager as? BarbicanKeyManager)
            let id = try await manager.createKey(context, algorithm: "AES", bitLength: 256)
            #expect(barbican.serviceToken.withLock { $0 } != nil, "the service token was fetched and kept")
            // A service token Keystone does not know makes Barbican refuse: the header goes along.
            barbican.serviceToken.withLock { $0 = ("not-a-token", Date(timeIntervalSinceNow: 3600)) }
            let refused = await #expect(throws: KeyManagerError.self) { try await manager.key(context, id: id) }
            #expect(refused?.isNotAuthorized == true, "\(String(describing: refused))")
            // One about to expire is replaced.
            barbican.serviceToken.withLock { $0 = ("not-a-token", Date(timeIntervalSinceNow: 60)) }
            #expect(try await manager.key(context, id: id).bitLength == 256)
            try await manager.deleteKey(context, id: id)
        }
        var wrong = configuration
        wrong.serviceUser?.password = "not-the-password"
        try await LiveBarbican.withManager(wrong) { manager, http in
            let context = try await LiveBarbican.context(http: http)
            let refused = await #expect(throws: KeyManagerError.self) {
                try await manager.createKey(context, algorithm: "AES", bitLength: 256)
            }
            #expect(refused?.isNotAuthorized == true, "\(String(describing: refused))")
        }
        var missing = configuration
        missing.serviceUser = nil
        try await LiveBarbican.withManager(missing) { manager, http in
            let context = try await LiveBarbican.context(http: http)
            await #expect(throws: KeyManagerError.notAuthorized("missing configuration for service user")) {
                try await manager.createKey(context, algorithm: "AES", bitLength: 256)
            }
        }
    }

    @Test func unreachableBarbicanIsUnavailableAtOnce() async throws {
        var unreachable = LiveBarbican.configuration()
        unreachable.endpoint = "http://127.0.0.1:1"
        try await LiveBarbican.withManager(unreachable) { manager, http in
            let context = try await LiveBarbican.context(http: http)
            let started = ContinuousClock.now
            let error = await #expect(throws: KeyManagerError.self) {
                try await manager.createKey(context, algorithm: "AES", bitLength: 256)
            }
            guard case .unavailable? = error else {
                Issue.record("expected unavailable, got \(String(describing: error))")
                return
            }
            // A refused connection is neither retried (castellan's 60 retries a second apart
            // would take a minute) nor waited on; the bound leaves room for the whole suite
            // running on 2 cores (9.3 s seen) and still tells the two apart.
            #expect(ContinuousClock.now - started < .seconds(55))
        }
    }
}

@Suite("Barbican configuration ([barbican], castellan's options)")
struct BarbicanConfigurationTests {
    func read(_ text: String) throws -> KeyManagerConfiguration {
        try KeyManagerConfiguration(files: ConfigFiles(documents: [INIDocument(text: text, path: "k.conf")]))
    }

    @Test func defaultsAreCastellans() throws {
        #expect(try read("").barbican == BarbicanConfiguration())
        let defaults = BarbicanConfiguration()
        #expect(defaults.endpoint == nil)
        #expect(defaults.authEndpoint == "http://localhost/identity/v3")
        #expect(defaults.endpointType == "public")
        #expect(defaults.numberOfRetries == 60)
        #expect(defaults.retryDelay == 1)
        #expect(defaults.verifySSL)
    }

    @Test func everyOptionIsRead() throws {
        let configuration = try read(
            """
            [barbican]
            barbican_endpoint = https://kms.example.test:9311/
            barbican_api_version = v1
            auth_endpoint = https://keystone.example.test/v3
            barbican_endpoint_type = internal
            barbican_region_name = RegionTwo
            number_of_retries = 3
            retry_delay = 2
            verify_ssl = false
            verify_ssl_path = /etc/ssl/ca.pem
            timeout = 30
            """
        )
        #expect(
            configuration.barbican
                == BarbicanConfiguration(
                    endpoint: "https://kms.example.test:9311/",
                    apiVersion: "v1",
                    authEndpoint: "https://keystone.example.test/v3",
                    endpointType: "internal",
                    regionName: "RegionTwo",
                    numberOfRetries: 3,
                    retryDelay: 2,
                    verifySSL: false,
                    verifySSLPath: "/etc/ssl/ca.pem",
                    timeout: 30
                )
        )
    }

    @Test func serviceUserIsReadAsKeystoneauthsPasswordPlugin() throws {
        let configuration = try read(
            """
            [barbican]
            send_service_user_token = true
            [barbican_service_user]
            auth_type = password
            auth_url = http://keystone.example.test/v3
            username = cinder
            password = secret
            project_name = service
            user_domain_name = Default
            """
        )
        #expect(configuration.barbican.sendServiceUserToken)
        let user = try #require(configuration.barbican.serviceUser)
        #expect(
            user
                == BarbicanServiceUser(
                    authURL: "http://keystone.example.test/v3",
                    username: "cinder",
                    password: "secret",
                    projectName: "service",
                    userDomainName: "Default"
                )
        )
        #expect(user.userDomainID == nil)
        #expect(user.projectDomainID == "default")
        #expect(try read("[barbican_service_user]\nusername = cinder\n").barbican.serviceUser == nil)
    }

    @Test(arguments: [
        "[barbican]\nbarbican_endpoint_type = private\n",
        "[barbican_service_user]\nauth_type = v3token\n",
        "[barbican_service_user]\nauth_type = password\nauth_url = http://k/v3\nusername = u\nproject_name = p\n",
        "[barbican_service_user]\nauth_type = password\nauth_url = http://k/v3\nusername = u\npassword = p\n",
        "[barbican]\nnumber_of_retries = -1\n",
        "[barbican]\nverify_ssl = maybe\n",
        "[barbican]\ntimeout = 0\n",
    ])
    func malformedOptionsStopStartUp(text: String) {
        #expect(throws: ConfigurationError.self) { try read(text) }
    }

    @Test func factoryBuildsBarbicanOnlyWithAnHTTPClient() async throws {
        if try KeyManagerFactory.make(KeyManagerConfiguration(backend: .barbican)) != nil {
            Issue.record("the Barbican backend was built without an HTTP client")
        }
        let http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
        let manager = try KeyManagerFactory.make(KeyManagerConfiguration(backend: .barbican), http: http)
        #expect(manager is BarbicanKeyManager)
        try await http.shutdown()
        let service = try KeyManagerService(
            configuration: KeyManagerConfiguration(backend: .barbican),
            logger: LiveBarbican.logger
        )
        #expect(service.manager is BarbicanKeyManager)
        try await service.shutdown()
    }
}

extension KeyManagerError {
    var isNotAuthorized: Bool {
        if case .notAuthorized = self { return true }
        return false
    }
}

import EmberCore
import EmberIdentity
import Testing

@Suite struct TokenCacheTests {
    @Test func entriesLastUntilTheCacheTimeOrTheTokenExpiryWhicheverIsFirst() throws {
        let now = 1_000_000.0
        let cache = TokenCache(capacity: 10, lifetime: 300)
        var longLived = try Fixtures.token(expiresIn: 3600)
        longLived.expiresAt = now + 3600
        var shortLived = try Fixtures.token(expiresIn: 60)
        shortLived.expiresAt = now + 60
        cache.store("long", token: longLived, now: now)
        cache.store("short", token: shortLived, now: now)
        #expect(cache.lookup("long", now: now + 299) != nil)
        #expect(cache.lookup("long", now: now + 301) == nil)
        #expect(cache.lookup("short", now: now + 59) != nil)
        #expect(cache.lookup("short", now: now + 61) == nil)
        #expect(cache.count == 0)
    }

    @Test func lookupsAreCountedAsHitsAndMissesAcrossCachesSharingStatistics() throws {
        let now = 1_000_000.0
        var token = try Fixtures.token(expiresIn: 3600)
        token.expiresAt = now + 3600
        let statistics = TokenCacheStatistics()
        let v3 = TokenCache(capacity: 10, lifetime: 300, statistics: statistics)
        let v2 = TokenCache(capacity: 10, lifetime: 300, statistics: statistics)
        #expect(v3.lookup("a", now: now) == nil)
        v3.store("a", token: token, now: now)
        #expect(v3.lookup("a", now: now + 1) != nil)
        #expect(v3.lookup("a", now: now + 2) != nil)
        #expect(v2.lookup("a", now: now + 3) == nil)
        #expect(v3.lookup("a", now: now + 400) == nil, "expired: a miss")
        #expect(statistics.hits == 2 && statistics.misses == 3)
    }

    @Test func theCacheIsBoundedAndDropsTheOldestFirst() throws {
        let now = 1_000_000.0
        var token = try Fixtures.token(expiresIn: 3600)
        token.expiresAt = now + 3600
        let cache = TokenCache(capacity: 3, lifetime: 300)
        for index in 0..<5 { cache.store("t\(index)", token: token, now: now + Double(index)) }
        #expect(cache.count == 3)
        #expect(cache.lookup("t0", now: now) == nil)
        #expect(cache.lookup("t1", now: now) == nil)
        #expect(cache.lookup("t4", now: now) != nil)
        for index in 5..<3000 { cache.store("t\(index)", token: token, now: now) }
        #expect(cache.count == 3)
        #expect(cache.lookup("t2999", now: now) != nil)
    }

    @Test func aNegativeCacheTimeDisablesTheCache() throws {
        let cache = TokenCache(capacity: 10, lifetime: -1)
        cache.store("t", token: try Fixtures.token(expiresIn: 3600), now: 0)
        #expect(cache.count == 0)
    }
}

@Suite struct KeystoneTokenTests {
    @Test func parsesKeystoneTimestamps() throws {
        let body: (String) -> JSONValue = { expires in
            ["token": ["expires_at": .string(expires), "user": ["id": "u"]]]
        }
        #expect(try KeystoneToken(body: body("1970-01-02T00:00:00.000000Z")).expiresAt == 86_400)
        #expect(try KeystoneToken(body: body("2026-11-29T17:20:21.5Z")).expiresAt == 1_795_972_821.5)
        #expect(try KeystoneToken(body: body("2026-11-29T18:20:21+01:00")).expiresAt == 1_795_972_821)
        #expect(throws: KeystoneError.self) { try KeystoneToken(body: body("tomorrow")) }
        #expect(throws: KeystoneError.self) {
            try KeystoneToken(body: ["token": ["expires_at": "1970-01-02T00:00:00Z"]])
        }
    }

    @Test func theCatalogTakesKeystonemiddlewaresV2Layout() throws {
        let body: JSONValue = [
            "token": [
                "expires_at": "2030-01-01T00:00:00Z", "user": ["id": "u"], "is_admin_project": false,
                "catalog": [
                    [
                        "type": "volumev3", "name": "cinderv3",
                        "endpoints": [
                            ["interface": "public", "region": "RegionOne", "url": "http://a/v3/p"],
                            ["interface": "internal", "region": "RegionOne", "url": "http://b/v3/p"],
                            ["interface": "public", "region": "RegionTwo", "url": "http://c/v3/p"],
                        ],
                    ]
                ],
            ]
        ]
        let token = try KeystoneToken(body: body)
        #expect(!token.isAdminProject)
        let expected: JSONValue = [
            [
                "type": "volumev3", "name": "cinderv3",
                "endpoints": [
                    ["region": "RegionOne", "publicURL": "http://a/v3/p", "internalURL": "http://b/v3/p"],
                    ["region": "RegionTwo", "publicURL": "http://c/v3/p"],
                ],
            ]
        ]
        #expect(token.catalog == expected)
    }
}

@Suite struct AuthTokenConfigurationTests {
    @Test func readsKeystoneAuthtokenAsKeystonemiddlewareDoes() throws {
        let document = try INIDocument(
            text: """
                [keystone_authtoken]
                www_authenticate_uri = http://public.example.test:5000
                auth_url = http://127.0.0.1:35357/
                auth_type = password
                username = cinder
                password = secret
                project_name = service
                user_domain_name = Default
                project_domain_name = Default
                service_token_roles = service, admin
                token_cache_time = 60
                memcached_servers = 127.0.0.1:11211
                """,
            path: "cinder.conf"
        )
        let configuration = try AuthTokenConfiguration(files: ConfigFiles(documents: [document]))
        #expect(configuration.identityV3URL == "http://127.0.0.1:35357/v3")
        #expect(configuration.authenticateURI == "http://public.example.test:5000")
        #expect(configuration.serviceTokenRoles == ["service", "admin"])
        #expect(configuration.tokenCacheTime == 60)
        #expect(configuration.ignoredOptions == ["memcached_servers"])
    }

    @Test func missingCredentialsAndOtherPluginsAreRefused() throws {
        let noPassword = try INIDocument(
            text: "[keystone_authtoken]\nauth_type = password\nauth_url = http://k\nusername = u\nproject_name = p\n",
            path: "a.conf"
        )
        #expect(throws: ConfigurationError.self) {
            try AuthTokenConfiguration(files: ConfigFiles(documents: [noPassword]))
        }
        let token = try INIDocument(text: "[keystone_authtoken]\nauth_type = token\n", path: "b.conf")
        #expect(throws: ConfigurationError.self) { try AuthTokenConfiguration(files: ConfigFiles(documents: [token])) }
    }
}

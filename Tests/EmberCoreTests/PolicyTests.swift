import EmberCore
import EmberTesting
import Testing

@Suite struct PolicyParserTests {
    @Test(arguments: [
        ("", "@"),
        ("@", "@"),
        ("!", "!"),
        ("role:admin", "role:admin"),
        ("rule:admin_api", "rule:admin_api"),
        ("role:a or role:b and role:c", "(role:a or (role:b and role:c))"),
        ("(role:a or role:b) and role:c", "((role:a or role:b) and role:c)"),
        ("not role:a and role:b", "(not role:a and role:b)"),
        ("not (role:a or role:b)", "not (role:a or role:b)"),
        ("role:a AND role:b Or role:c", "((role:a and role:b) or role:c)"),
        ("((role:a))", "role:a"),
        ("is_admin:True or project_id:%(project_id)s", "(is_admin:True or project_id:%(project_id)s)"),
    ])
    func parsesOsloSyntax(text: String, expected: String) {
        let (check, problem) = PolicyParser.parse(text)
        #expect(problem == nil)
        #expect(check.description == expected)
    }

    @Test(arguments: ["role:a or", "(role:a", "role:a)", "and role:a", "role:a role:b", "'quoted'"])
    func malformedRulesNeverPass(text: String) {
        let (check, problem) = PolicyParser.parse(text)
        #expect(check == .never)
        #expect(problem != nil)
    }

    /// Found by `scripts/fuzz policy`: 200,000 `(` (or `not`s) overflowed the parser's stack.
    @Test func nestingDeeperThanTheLimitIsARuleThatNeverPasses() {
        let deep = String(repeating: "(", count: 200_000) + "role:a" + String(repeating: ")", count: 200_000)
        let (check, problem) = PolicyParser.parse(deep)
        #expect(check == .never)
        #expect(problem?.contains("nested deeper than 64 levels") == true)
        #expect(PolicyParser.parse(String(repeating: "not ", count: 200_000) + "role:a").check == .never)
        let limit = String(repeating: "(", count: 63) + "role:a" + String(repeating: ")", count: 63)
        #expect(PolicyParser.parse(limit).problem == nil)
    }

    @Test func tokensWithoutAColonAndRemoteChecksNeverPass() {
        #expect(PolicyParser.check("admin") == .never)
        #expect(PolicyParser.check("http://example.invalid/check") == .never)
    }
}

@Suite struct PolicyEvaluationTests {
    let rules: [String: PolicyCheck] = [
        "is_admin_rule": PolicyParser.check("role:admin"),
        "loop": PolicyParser.check("rule:loop"),
    ]
    let member: PolicyCredentials = [
        "user_id": "u1", "project_id": "p1", "roles": .list(["Member", "reader"]), "is_admin": false,
        "user": .dictionary(["enabled": true]),
    ]

    func check(_ text: String, target: PolicyTarget = ["project_id": "p1"]) -> Bool {
        PolicyParser.check(text).evaluate(target: target, credentials: member, rules: rules)
    }

    @Test func rolesMatchCaseInsensitively() {
        #expect(check("role:member"))
        #expect(check("role:READER"))
        #expect(!check("role:admin"))
    }

    @Test func genericChecksInterpolateTheTarget() {
        #expect(check("project_id:%(project_id)s"))
        #expect(!check("project_id:%(project_id)s", target: ["project_id": "p2"]))
        // A key missing from the target fails the check instead of matching anything.
        #expect(!check("project_id:%(project_id)s", target: [:]))
        #expect(check("user_id:u1"))
        #expect(!check("is_admin:True"))
        #expect(check("is_admin:False"))
        #expect(check("user.enabled:True"))
        #expect(!check("missing:None"))
    }

    @Test func literalKindsCompareWithTheMatch() {
        #expect(check("True:%(flag)s", target: ["flag": true]))
        #expect(!check("True:%(flag)s", target: ["flag": false]))
        #expect(check("'p1':%(project_id)s"))
        #expect(check("42:%(n)s", target: ["n": .int(42)]))
    }

    @Test func rulesResolveAndUnknownOrCyclicRulesFailClosed() {
        #expect(!check("rule:is_admin_rule"))
        #expect(check("not rule:is_admin_rule"))
        #expect(!check("rule:nonexistent"))
        #expect(!check("rule:loop"))
        #expect(check("@"))
        #expect(!check("!"))
    }
}

@Suite struct CinderPolicyDefaultsTests {
    let enforcer = PolicyEnforcer()

    static func identity(_ roles: [String], project: String = "p1") -> Identity {
        var identity = Identity(userID: "u-\(roles.first ?? "none")", projectID: project, roles: roles)
        identity.isAdmin = roles.contains("admin")
        return identity
    }

    static let reader = identity(["reader"])
    // Keystone's implied roles: member implies reader, admin implies member and reader.
    static let member = identity(["member", "reader"])
    static let admin = identity(["admin", "member", "reader"], project: "admin-project")

    @Test func registersEveryCinderRule() {
        #expect(CinderPolicies.ordered.count == 167)
        #expect(CinderPolicies.defaults["context_is_admin"] == "role:admin")
        #expect(CinderPolicies.defaults["volume:create"] == "rule:xena_system_admin_or_project_member")
    }

    @Test func readersReadTheirOwnProjectOnly() {
        #expect(enforcer.allows(.volumeGet, identity: Self.reader, target: ["project_id": "p1"]))
        #expect(!enforcer.allows(.volumeGet, identity: Self.reader, target: ["project_id": "p2"]))
        #expect(!enforcer.allows(.volumeCreate, identity: Self.reader))
        #expect(!enforcer.allows(.volumeDelete, identity: Self.reader, target: ["project_id": "p1"]))
    }

    @Test func membersChangeTheirOwnProjectOnly() {
        #expect(enforcer.allows(.volumeCreate, identity: Self.member))
        #expect(enforcer.allows(.volumeDelete, identity: Self.member, target: ["project_id": "p1"]))
        #expect(!enforcer.allows(.volumeDelete, identity: Self.member, target: ["project_id": "p2"]))
        #expect(!enforcer.allows(.volumeForceDelete, identity: Self.member, target: ["project_id": "p1"]))
        #expect(!enforcer.allows(.volumeExtensionTypeCreate, identity: Self.member))
        #expect(!enforcer.allows(.volumeExtensionVolumeHostAttribute, identity: Self.member))
    }

    @Test func adminsPassEveryProjectAndAdminOnlyRules() {
        #expect(enforcer.allows(.volumeGet, identity: Self.admin, target: ["project_id": "p2"]))
        #expect(enforcer.allows(.volumeExtensionTypeCreate, identity: Self.admin))
        #expect(enforcer.allows(.volumeExtensionQuotasUpdate, identity: Self.admin, target: ["project_id": "p2"]))
        #expect(enforcer.isAdmin(Self.admin.policyCredentials))
        #expect(!enforcer.isAdmin(Self.member.policyCredentials))
    }

    @Test func refusalsCarryCindersMessage() {
        #expect(throws: EmberError.forbidden("Policy doesn't allow volume:create to be performed.")) {
            try enforcer.authorize(.volumeCreate, identity: Self.reader)
        }
    }

    @Test func unregisteredActionsAreRefused() {
        #expect(!enforcer.allows("volume:no_such_rule", identity: Self.admin))
    }
}

@Suite struct PolicyOverrideTests {
    @Test func aPolicyFileOverridesAndExtendsTheDefaults() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write(
            "policy.yaml",
            """
            # Readers may create volumes here; nobody may delete them.
            "volume:create": "rule:xena_system_admin_or_project_reader"
            volume:delete: "!"
            "custom_rule": role:auditor
            """
        )
        let conf = try dir.write("ember.conf", "[DEFAULT]\n")
        let configuration = try EmberConfiguration.load(files: [conf])
        let overrides = try PolicyConfiguration().loadOverrides(in: configuration)
        #expect(overrides.count == 3)
        let enforcer = PolicyEnforcer(overrides: overrides)
        let reader = CinderPolicyDefaultsTests.reader
        #expect(enforcer.allows(.volumeCreate, identity: reader))
        #expect(!enforcer.allows(.volumeDelete, identity: CinderPolicyDefaultsTests.admin))
        #expect(enforcer.current.overridden == ["volume:create", "volume:delete", "custom_rule"])

        enforcer.replaceOverrides([:])
        #expect(!enforcer.allows(.volumeCreate, identity: reader))
        #expect(enforcer.allows(.volumeDelete, identity: CinderPolicyDefaultsTests.admin))
    }

    @Test func jsonPolicyFilesAreRead() throws {
        let rules = try PolicyFile.parse(#"{"volume:get": "role:admin", "volume:get_all": ""}"#, path: "p.json")
        #expect(rules == ["volume:get": "role:admin", "volume:get_all": ""])
        let enforcer = PolicyEnforcer(overrides: rules)
        #expect(enforcer.allows(.volumeGetAll, identity: Identity(userID: "anyone", projectID: nil)))
    }

    @Test func malformedPolicyFilesAreRefused() {
        #expect(throws: ConfigurationError.self) { try PolicyFile.parse("- a\n- b\n", path: "p.yaml") }
        #expect(throws: ConfigurationError.self) { try PolicyFile.parse("\"volume:get\": [1, 2]\n", path: "p.yaml") }
        #expect(throws: ConfigurationError.self) { try PolicyFile.parse("a: [\n", path: "p.yaml") }
    }

    @Test func aMissingDefaultFileMeansDefaultsButANamedOneMustExist() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let plain = try dir.write("plain.conf", "[DEFAULT]\n")
        #expect(try PolicyConfiguration().loadOverrides(in: EmberConfiguration.load(files: [plain])) == [:])
        let named = try dir.write("named.conf", "[oslo_policy]\npolicy_file = missing-policy.yaml\n")
        let configuration = try EmberConfiguration.load(files: [named])
        #expect(throws: ConfigurationError.self) {
            try PolicyConfiguration(files: configuration.files).loadOverrides(in: configuration)
        }
    }
}

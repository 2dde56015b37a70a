import EmberCore
import EmberTesting
import Testing

@Suite struct ConfigFilesTests {
    @Test func laterFilesWinAndConfigDirIsReadSorted() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let first = try dir.write("first.conf", "[DEFAULT]\nosapi_volume_listen_port = 1000\ndebug = true\n")
        let second = try dir.write("second.conf", "[DEFAULT]\nosapi_volume_listen_port = 2000\n")
        let confDir = try TemporaryDirectory()
        defer { confDir.remove() }
        try confDir.write("20-b.conf", "[DEFAULT]\nosapi_volume_listen = 10.0.0.2\n")
        try confDir.write("10-a.conf", "[DEFAULT]\nosapi_volume_listen = 10.0.0.1\nbacklog = 7\n")
        try confDir.write("ignored.txt", "[DEFAULT]\nbacklog = 1\n")
        let configuration = try EmberConfiguration.load(files: [first, second], directories: [confDir.path])
        #expect(configuration.api.port == 2000)
        #expect(configuration.api.listen == "10.0.0.2")
        #expect(configuration.api.backlog == 7)
        #expect(configuration.logging.debug)
    }

    @Test func defaultsMatchCinder() throws {
        let configuration = try EmberConfiguration(files: ConfigFiles())
        // cinder binds 0.0.0.0; Ember's default is noauth, so it binds loopback until told.
        #expect(configuration.api.listen == "127.0.0.1")
        #expect(configuration.api.listenLimitedToLoopback)
        #expect(configuration.api.port == 8776)
        #expect(configuration.api.maxRequestBodySize == 114_688)
        #expect(configuration.api.gracefulShutdownTimeout == 60)
        #expect(configuration.api.authStrategy == "noauth")
        #expect(configuration.api.pasteConfig == "api-paste.ini")
        #expect(configuration.ssl == nil)
        #expect(!configuration.logging.debug)
    }

    /// Without authentication every caller is who it claims to be, so an unset listen address
    /// is loopback; with Keystone it is cinder's `0.0.0.0`; a configured address always wins.
    @Test(arguments: [
        ("auth_strategy = noauth\n", "127.0.0.1", true),
        ("auth_strategy = noauth_include_project_id\n", "127.0.0.1", true),
        ("auth_strategy = keystone\n", "0.0.0.0", false),
        ("auth_strategy = noauth\nosapi_volume_listen = 0.0.0.0\n", "0.0.0.0", false),
        ("auth_strategy = noauth\nosapi_volume_listen = 10.1.2.3\n", "10.1.2.3", false),
    ])
    func listenAddressIsLoopbackOnlyWithoutAuthenticationAndUnset(text: String, listen: String, limited: Bool) throws {
        let document = try INIDocument(text: "[DEFAULT]\n" + text, path: "a")
        let api = try APIConfiguration(files: ConfigFiles(documents: [document]))
        #expect(api.listen == listen)
        #expect(api.listenLimitedToLoopback == limited)
    }

    @Test func osloMiddlewareLimitWinsOverTheDeprecatedName() throws {
        let both = try INIDocument(
            text: "[DEFAULT]\nosapi_max_request_body_size = 10\n[oslo_middleware]\nmax_request_body_size = 20\n",
            path: "a"
        )
        #expect(try APIConfiguration(files: ConfigFiles(documents: [both])).maxRequestBodySize == 20)
        let legacy = try INIDocument(text: "[DEFAULT]\nosapi_max_request_body_size = 10\n", path: "a")
        #expect(try APIConfiguration(files: ConfigFiles(documents: [legacy])).maxRequestBodySize == 10)
    }

    @Test func interpolationFollowsOsloRules() throws {
        let document = try INIDocument(
            text: """
                [DEFAULT]
                state_path = /var/lib/ember
                lock_path = $state_path/locks
                [database]
                connection = sqlite:///${state_path}/ember.sqlite
                price = $$5
                """,
            path: "a"
        )
        let files = ConfigFiles(documents: [document], interpolationDefaults: ["state_path": "/unused"])
        #expect(files.value("DEFAULT", "lock_path") == "/var/lib/ember/locks")
        #expect(files.value("database", "connection") == "sqlite:////var/lib/ember/ember.sqlite")
        #expect(files.value("database", "price") == "$5")
        let empty = ConfigFiles(documents: [], interpolationDefaults: ["state_path": "/srv/ember"])
        #expect(
            empty.string("database", "connection", default: "sqlite:///$state_path/x.db") == "sqlite:////srv/ember/x.db"
        )
    }

    @Test(arguments: [
        ("osapi_volume_listen_port = eighty", "osapi_volume_listen_port", "eighty", "an integer"),
        ("osapi_volume_listen_port = 70000", "osapi_volume_listen_port", "70000", "at most 65535"),
        ("debug = maybe", "debug", "maybe", "a boolean"),
        ("auth_strategy = ldap", "auth_strategy", "ldap", "one of noauth"),
        ("graceful_shutdown_timeout = -1", "graceful_shutdown_timeout", "-1", "at least 0"),
        ("project_id_regex = [0-9a-f", "project_id_regex", "[0-9a-f", "a regular expression"),
    ])
    func malformedValuesNameFileSectionOptionAndValue(
        line: String,
        option: String,
        value: String,
        expected: String
    )
        throws
    {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let path = try dir.write("ember.conf", "[DEFAULT]\n\(line)\n")
        #expect {
            try EmberConfiguration.load(files: [path])
        } throws: { error in
            let text = "\(error)"
            return text.contains(path) && text.contains("[DEFAULT]") && text.contains(option)
                && text.contains("'\(value)'")
                && text.contains(expected)
        }
    }

    @Test func unreadableFileIsReported() {
        #expect(
            throws: ConfigurationError.unreadable(
                path: "/nonexistent/ember.conf",
                reason: "no such file or not readable"
            )
        ) {
            try EmberConfiguration.load(files: ["/nonexistent/ember.conf"])
        }
    }

    @Test func sslNeedsCertificateAndKeyTogether() throws {
        let onlyCert = try INIDocument(text: "[ssl]\ncert_file = /c.pem\n", path: "a")
        #expect(throws: ConfigurationError.self) { try SSLConfiguration(files: ConfigFiles(documents: [onlyCert])) }
        let old = try INIDocument(text: "[ssl]\ncert_file = /c.pem\nkey_file = /k.pem\nversion = TLSv1\n", path: "a")
        #expect(throws: ConfigurationError.self) { try SSLConfiguration(files: ConfigFiles(documents: [old])) }
        let good = try INIDocument(
            text: "[ssl]\ncert_file = /c.pem\nkey_file = /k.pem\nca_file = /ca.pem\nversion = TLSv1.3\n",
            path: "a"
        )
        let ssl = try #require(try SSLConfiguration(files: ConfigFiles(documents: [good])))
        #expect(ssl.caFile == "/ca.pem")
        #expect(ssl.minimumVersion == "TLSv1_3")
    }

    @Test func logDestinationFollowsOsloLog() {
        #expect(LoggingConfiguration().destination(binary: "ember-api") == nil)
        #expect(
            LoggingConfiguration(logFile: "api.log", logDir: "/var/log/ember").destination(binary: "x")
                == "/var/log/ember/api.log"
        )
        #expect(
            LoggingConfiguration(logFile: "/tmp/a.log", logDir: "/var/log").destination(binary: "x") == "/tmp/a.log"
        )
        #expect(
            LoggingConfiguration(logDir: "/var/log/ember").destination(binary: "ember-api")
                == "/var/log/ember/ember-api.log"
        )
    }
}

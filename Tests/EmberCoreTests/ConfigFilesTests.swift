import EmberCore
import EmberTesting
import Foundation
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
        #expect(configuration.api.gracefulShutdownDrainTime == 0, "no drain unless asked: stop accepting at once")
        #expect(configuration.api.clientSocketTimeout == 900)
        #expect(configuration.api.keepAlive)
        #expect(configuration.api.maxConnections == 0, "no connection limit unless asked")
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

    @Test func interpolationLoopsAndExplosionsAreRefusedWhenTheFilesAreRead() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ember-interp-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        func load(_ text: String) throws(ConfigurationError) -> ConfigFiles {
            let path = directory + "/ember.conf"
            #expect(FileManager.default.createFile(atPath: path, contents: Data(text.utf8)))
            return try ConfigFiles.load(files: [path])
        }
        #expect {
            try load("[DEFAULT]\nlock_path = $state_path/locks\nstate_path = ${DEFAULT.lock_path}/x\n")
        } throws: { error in
            "\(error)".contains(
                "option DEFAULT.lock_path refers to itself: $DEFAULT.lock_path → $DEFAULT.state_path → $DEFAULT.lock_path"
            )
        }
        #expect {
            try load("[database]\nconnection = $connection\n")
        } throws: { error in
            "\(error)"
                == "Configuration option database.connection refers to itself: $database.connection → $database.connection"
        }
        // Ten options each repeating the next a hundred times: 10^20 bytes if expanded.
        var text = "[DEFAULT]\nv9 = x\n"
        for level in (0..<9).reversed() {
            text += "v\(level) = " + String(repeating: "$v\(level + 1)", count: 100) + "\n"
        }
        let clock = ContinuousClock.now
        #expect {
            try load(text)
        } throws: { error in
            "\(error)".contains("expands to more than 1048576 bytes")
        }
        #expect(ContinuousClock.now - clock < .seconds(60))
        // The same references without a loop, within the limit, still expand.
        let fine = try load("[DEFAULT]\na = $b$b\nb = ${c}-\nc = $$\n")
        #expect(fine.value("DEFAULT", "a") == "$-$-")
    }

    @Test(arguments: [
        ("osapi_volume_listen_port = eighty", "osapi_volume_listen_port", "eighty", "an integer"),
        ("osapi_volume_listen_port = 70000", "osapi_volume_listen_port", "70000", "at most 65535"),
        ("debug = maybe", "debug", "maybe", "a boolean"),
        ("auth_strategy = ldap", "auth_strategy", "ldap", "one of noauth"),
        ("graceful_shutdown_timeout = -1", "graceful_shutdown_timeout", "-1", "at least 0"),
        ("graceful_shutdown_drain_time = -5", "graceful_shutdown_drain_time", "-5", "at least 0"),
        ("graceful_shutdown_drain_time = soon", "graceful_shutdown_drain_time", "soon", "an integer"),
        ("wsgi_keep_alive = sometimes", "wsgi_keep_alive", "sometimes", "a boolean"),
        ("osapi_volume_max_connections = -1", "osapi_volume_max_connections", "-1", "at least 0"),
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

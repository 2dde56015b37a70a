import EmberCore
import EmberTesting
import Testing

@Suite struct ConfigEnvironmentTests {
    @Test func variablesOverrideFilesAndFillMissingOptions() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let conf = try dir.write(
            "ember.conf",
            "[DEFAULT]\nosapi_volume_listen_port = 1000\nbacklog = 7\n[database]\nconnection = sqlite:///a.db\n"
        )
        let configuration = try EmberConfiguration.load(
            files: [conf],
            environment: [
                "EMBER_DEFAULT__OSAPI_VOLUME_LISTEN_PORT": "2000",
                "EMBER_DATABASE__CONNECTION": "postgresql://u:p@db/ember",
                "EMBER_KEYSTONE_AUTHTOKEN__WWW_AUTHENTICATE_URI": "http://keystone:5000/v3",
                "EMBER_default__Debug": "true",
            ]
        )
        #expect(configuration.api.port == 2000)
        #expect(configuration.api.backlog == 7, "options no variable sets keep the file's value")
        #expect(configuration.files.value("database", "connection") == "postgresql://u:p@db/ember")
        #expect(configuration.files.value("keystone_authtoken", "www_authenticate_uri") == "http://keystone:5000/v3")
        #expect(configuration.logging.debug)
    }

    @Test(arguments: [
        ("EMBER_TEST_POSTGRES_URL", "postgresql://x"),
        ("EMBER_BIN", "/usr/bin/ember"),
        ("EMBER___PORT", "1"),
        ("EMBER_DEFAULT__", "1"),
        ("EMBER_DEFAULT___PORT", "1"),
        ("OS_DEFAULT__OSAPI_VOLUME_LISTEN_PORT", "1"),
        ("ember_default__osapi_volume_listen_port", "1"),
    ])
    func variablesThatAreNotOptionsAreIgnored(name: String, value: String) {
        #expect(ConfigFiles.environmentDocuments([name: value], sections: []).isEmpty)
    }

    @Test func backendSectionsMatchIgnoringCaseAndPunctuation() throws {
        let document = try INIDocument(
            text: "[DEFAULT]\nenabled_backends = backend-1\n[backend-1]\nvolume_backend_name = one\n",
            path: "ember.conf"
        )
        let files = ConfigFiles(documents: [document]).addingEnvironment([
            "EMBER_BACKEND_1__VOLUME_BACKEND_NAME": "fast",
            "EMBER_NEW__FILE_VOLUME_DIR": "/srv/new",
        ])
        #expect(files.value("backend-1", "volume_backend_name") == "fast")
        #expect(files.value("new", "file_volume_dir") == "/srv/new", "an unknown section is the name lowercased")
    }

    @Test func variablesInterpolateAndAreInterpolated() throws {
        let document = try INIDocument(text: "[DEFAULT]\nlock_path = $state_path/locks\n", path: "ember.conf")
        let files = ConfigFiles(documents: [document]).addingEnvironment([
            "EMBER_DEFAULT__STATE_PATH": "/var/lib/ember",
            "EMBER_DATABASE__CONNECTION": "sqlite:///$state_path/ember.sqlite",
        ])
        #expect(files.value("DEFAULT", "lock_path") == "/var/lib/ember/locks")
        #expect(files.value("database", "connection") == "sqlite:////var/lib/ember/ember.sqlite")
    }

    @Test func aMalformedVariableIsReportedByName() throws {
        #expect {
            try EmberConfiguration.load(files: [], environment: ["EMBER_DEFAULT__OSAPI_VOLUME_LISTEN_PORT": "http"])
        } throws: { error in
            "\(error)".contains("environment variable EMBER_DEFAULT__OSAPI_VOLUME_LISTEN_PORT")
                && "\(error)".contains("'http'")
        }
    }

    @Test func variablesDoNotChangeWhereRelatedFilesAreFound() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let conf = try dir.write("ember.conf", "[DEFAULT]\n")
        try dir.write("api-paste.ini", "[composite:osapi_volume]\n")
        let configuration = try EmberConfiguration.load(
            files: [conf],
            environment: ["EMBER_DEFAULT__API_PASTE_CONFIG": "api-paste.ini"]
        )
        #expect(configuration.findConfigFile("api-paste.ini") == dir.path + "/api-paste.ini")
        #expect(configuration.files.documents.last?.isEnvironment == true)
    }
}

import EmberBus
import EmberCore
import Testing

@Suite struct TransportConfigurationTests {
    static func files(_ text: String) throws -> ConfigFiles {
        ConfigFiles(documents: [try INIDocument(text: text, path: "/etc/cinder/cinder.conf")])
    }

    @Test func defaultsToTheInProcessBus() throws {
        let configuration = try TransportConfiguration(files: Self.files(""))
        #expect(configuration == TransportConfiguration())
        #expect(configuration.transport == .inProcess)
        #expect(configuration.visibilityTimeout == .seconds(60))
        #expect(configuration.pollInterval == .seconds(1))
        #expect(configuration.maxAttempts == 5)
        #expect(configuration.rpcResponseTimeout == .seconds(60))
    }

    @Test func readsAPostgresTransportAndOptions() throws {
        let configuration = try TransportConfiguration(
            files: Self.files(
                """
                [DEFAULT]
                transport_url = postgresql://ember:s%40cret@db.example:5433/cinder?sslmode=disable
                rpc_response_timeout = 30
                [ember_bus]
                visibility_timeout = 120
                poll_interval = 0.5
                max_attempts = 7
                """
            )
        )
        #expect(
            configuration.transport
                == .postgresql(
                    PostgresURL(
                        host: "db.example",
                        port: 5433,
                        username: "ember",
                        password: "s@cret",
                        database: "cinder"
                    )
                )
        )
        #expect(configuration.rpcResponseTimeout == .seconds(30))
        #expect(configuration.visibilityTimeout == .seconds(120))
        #expect(configuration.pollInterval == .milliseconds(500))
        #expect(configuration.maxAttempts == 7)
    }

    @Test func unixSocketHostIsAccepted() throws {
        let url = try PostgresURL.parse("postgres://ember@/cinder?host=/run/postgresql").get()
        #expect(url.unixSocketPath == "/run/postgresql/.s.PGSQL.5432")
        #expect(url.database == "cinder")
    }

    @Test(arguments: [
        "[DEFAULT]\ntransport_url = rabbit://guest:guest@localhost:5672/",
        "[DEFAULT]\ntransport_url = postgresql://db/cinder?sslmode=require",
        "[ember_bus]\nvisibility_timeout = soon",
        "[ember_bus]\nmax_attempts = 0",
        "[ember_bus]\npoll_interval = 0",
        "[ember_bus]\ntable_prefix = Robert'); DROP TABLE students;--",
    ])
    func malformedOptionsAreConfigurationErrors(text: String) throws {
        #expect(throws: ConfigurationError.self) { try TransportConfiguration(files: Self.files(text)) }
    }

    @Test func makesTheConfiguredBus() {
        #expect(TransportConfiguration().makeBus(logger: BusFixture.logger) is InProcessBus)
    }
}

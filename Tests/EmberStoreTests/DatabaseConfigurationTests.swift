import EmberCore
import Foundation
import Testing

@testable import EmberStore

/// `[database]` options and connection URLs.
@Suite("Database configuration")
struct DatabaseConfigurationTests {
    typealias Settings = DatabaseConfiguration.PostgresSettings

    static func postgres(
        _ endpoint: DatabaseConfiguration.PostgresEndpoint,
        user: String = "ember",
        password: String? = "secret",
        database: String = "cinder",
        ssl: DatabaseConfiguration.SSLMode = .prefer
    ) -> DatabaseConfiguration.Backend {
        .postgresql(
            Settings(
                endpoint: endpoint,
                username: user,
                password: password,
                database: database,
                sslMode: ssl,
                sslRootCertificate: nil,
                connectTimeout: nil
            )
        )
    }

    static let validURLs: [(String, DatabaseConfiguration.Backend)] = [
        ("sqlite:///ember.sqlite", .sqlite(path: "ember.sqlite")),
        ("sqlite:///state/dir/ember.db", .sqlite(path: "state/dir/ember.db")),
        ("sqlite:////var/lib/ember/ember.db", .sqlite(path: "/var/lib/ember/ember.db")),
        ("postgresql://ember:secret@db.example.com:6432/cinder", postgres(.tcp(host: "db.example.com", port: 6432))),
        ("postgresql+psycopg2://ember:secret@10.0.0.5/cinder", postgres(.tcp(host: "10.0.0.5", port: 5432))),
        ("postgres://ember:secret@[::1]:5433/cinder", postgres(.tcp(host: "::1", port: 5433))),
        ("postgresql://ember:s%40cr%3At@db/cinder", postgres(.tcp(host: "db", port: 5432), password: "s@cr:t")),
        (
            "postgresql://ember:secret@db/cinder?sslmode=disable",
            postgres(.tcp(host: "db", port: 5432), ssl: .disable)
        ),
        (
            "postgresql://ember:secret@db/cinder?sslmode=require",
            postgres(.tcp(host: "db", port: 5432), ssl: .require)
        ),
        (
            "postgresql://ember:secret@db/cinder?sslmode=verify-full",
            postgres(.tcp(host: "db", port: 5432), ssl: .verifyFull)
        ),
        (
            "postgresql://ember@/cinder?host=/var/run/postgresql",
            postgres(.unixSocket(path: "/var/run/postgresql/.s.PGSQL.5432"), password: nil)
        ),
        (
            "postgresql://ember@%2Ftmp%2Fpg:5433/cinder",
            postgres(.unixSocket(path: "/tmp/pg/.s.PGSQL.5433"), password: nil)
        ),
        ("postgresql://ember@/cinder", postgres(.unixSocket(path: "/var/run/postgresql/.s.PGSQL.5432"), password: nil)),
    ]

    @Test(arguments: validURLs)
    func parsesConnectionURLs(url: String, backend: DatabaseConfiguration.Backend) throws {
        #expect(try DatabaseConfiguration.parse(url) == backend)
    }

    static let invalidURLs: [(String, String)] = [
        ("mysql+pymysql://cinder:pw@db/cinder", "'mysql+pymysql' is not supported"),
        ("postgresql://ember:pw@db/cinder?sslmode=verify-ca", "sslmode"),
        ("postgresql://ember:pw@db/cinder?sslmode=allow", "sslmode"),
        ("postgresql://ember:pw@db:port/cinder", "port"),
        ("postgresql://ember:pw@db:70000/cinder", "port"),
        ("postgresql://ember:pw@db", "naming a database"),
        ("postgresql://:pw@db/cinder", "naming a user"),
        ("sqlite://", "file path"),
        ("sqlite:///:memory:", "in-memory"),
        ("not a url", "a database URL"),
    ]

    @Test(arguments: invalidURLs)
    func rejectsMalformedURLs(url: String, reason: String) {
        #expect {
            _ = try DatabaseConfiguration.parse(url)
        } throws: { error in
            (error as? DatabaseConfiguration.URLError)?.expected.contains(reason) == true
        }
    }

    static func files(_ text: String) throws -> ConfigFiles {
        ConfigFiles(documents: [try INIDocument(text: text, path: "/etc/ember/ember.conf")])
    }

    @Test
    func defaultsToSQLiteUnderStatePath() throws {
        let configuration = try DatabaseConfiguration(files: ConfigFiles(), statePath: "/var/lib/ember")
        #expect(configuration.backend == .sqlite(path: "/var/lib/ember/ember.sqlite"))
        #expect(configuration.maxPoolSize == 5)
        #expect(configuration.maxRetries == 10)
        #expect(configuration.retryInterval == 10)
        #expect(configuration.syncOnStartup)
    }

    @Test
    func readsDatabaseSection() throws {
        let configuration = try DatabaseConfiguration(
            files: Self.files(
                """
                [DEFAULT]
                state_path = /srv/ember
                [database]
                connection = postgresql://ember:hunter2@db/cinder
                max_pool_size = 12
                max_retries = -1
                retry_interval = 2.5
                sync_on_startup = false
                """
            ),
            statePath: "/srv/ember"
        )
        #expect(configuration.maxPoolSize == 12)
        #expect(configuration.maxRetries == -1)
        #expect(configuration.retryInterval == 2.5)
        #expect(!configuration.syncOnStartup)
        #expect(configuration.redactedConnection == "postgresql://ember:***@db/cinder")
    }

    @Test
    func interpolatesStatePathInTheURL() throws {
        let configuration = try DatabaseConfiguration(
            files: Self.files(
                """
                [DEFAULT]
                state_path = /srv/ember
                [database]
                connection = sqlite:///$state_path/cinder.sqlite
                """
            ),
            statePath: "/srv/ember"
        )
        #expect(configuration.backend == .sqlite(path: "/srv/ember/cinder.sqlite"))
    }

    @Test
    func malformedURLNamesFileSectionOptionAndHidesThePassword() throws {
        #expect(
            throws: ConfigurationError.malformedValue(
                path: "/etc/ember/ember.conf",
                section: "database",
                option: "connection",
                value: "postgresql://ember:***@db/cinder?sslmode=bogus",
                expected:
                    "a PostgreSQL URL with sslmode disable, prefer, require or verify-full ('bogus' is not supported)"
            )
        ) {
            try DatabaseConfiguration(
                files: Self.files(
                    """
                    [database]
                    connection = postgresql://ember:hunter2@db/cinder?sslmode=bogus
                    """
                ),
                statePath: "/tmp"
            )
        }
        #expect(throws: ConfigurationError.self) {
            try DatabaseConfiguration(files: Self.files("[database]\nmax_retries = -2\n"), statePath: "/tmp")
        }
    }

    @Test
    func storeErrorsBecomeCinderFaults() {
        #expect(StoreError.notFound(.volume, id: "v1").emberError == .notFound("Volume v1 could not be found."))
        #expect(StoreError.markerNotFound("m1").emberError == .badRequest("Marker m1 could not be found."))
        #expect(StoreError.databaseUnavailable("down").emberError.status == 503)
        let over = StoreError.overQuota([
            QuotaOverage(resource: "volumes", requested: 1, limit: 10, inUse: 10, reserved: 0)
        ])
        #expect(over.emberError.status == 413)
        #expect(over.emberError.headers.map(\.name) == ["Retry-After"])
        #expect(StoreError.internalError("secret detail").emberError == .internalError)
    }
}

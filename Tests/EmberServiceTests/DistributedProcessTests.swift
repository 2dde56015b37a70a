import EmberTesting
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import NIOPosix
import Testing

/// `ember api` + `ember scheduler` + `ember volume` as separate processes on PostgreSQL (store
/// and bus), each test in a fresh database of the CI server (`EMBER_TEST_POSTGRES_URL`).
@Suite struct DistributedProcessTests {
    static let project = "0c7d3a5e9f1b4c2d8e6a4b3c2d1e0f9a"

    /// kill -9 of the volume service in the middle of 50 creates, then a restart: every volume
    /// ends `available` (or `error` with a user message), none stays `creating`, and the bus
    /// holds no undelivered or dead-lettered cast.
    @Test func volumeServiceKilledMidCreatesRecoversEveryVolume() async throws {
        guard let cluster = try await DistributedCluster.start() else { return }
        defer { cluster.tearDown() }
        let api = try await cluster.startRole("api")
        let port = try Self.port(from: try await api.waitForLine(containing: "Started osapi_volume on"))
        // Debug logging (set through the environment) shows when capability reports arrive.
        let scheduler = try await cluster.startRole("scheduler", environment: ["EMBER_DEFAULT__DEBUG": "true"])
        try await scheduler.waitForLine(containing: "Scheduler started")
        var volume = try await cluster.startRole("volume")
        try await volume.waitForLine(containing: "Volume service started")
        // The scheduler needs one capability report before it can place volumes.
        try await scheduler.waitForLine(containing: "Received capabilities")

        let total = 50
        let clients = (0..<5).map { _ in Self.client(port: port) }
        var created: [String] = []
        for batch in 0..<(total / clients.count) {
            if batch == 5 {
                // Mid-stream: the volume service dies without any chance to clean up.
                volume.signal(SIGKILL)
                _ = try await volume.waitForExit()
            }
            try await withThrowingTaskGroup(of: String.self) { group in
                for (index, client) in clients.enumerated() {
                    group.addTask { try await Self.createVolume(client, name: "mp-\(batch)-\(index)") }
                }
                for try await id in group { created.append(id) }
            }
        }
        #expect(created.count == total)
        #expect(try await Self.statuses(clients[0]).values.contains("creating"), "the kill left work to recover")

        volume = try await cluster.startRole("volume")
        try await volume.waitForLine(containing: "Volume service started")

        // Settled: no volume creating and no cast waiting (the one the killed process had
        // claimed comes back after the visibility timeout, 3 s, and must then be consumed).
        let pendingCasts = "SELECT count(*) FROM ember_bus_messages WHERE consumer_id IS NULL AND dead_at IS NULL"
        var statuses: [String: String] = [:]
        var pending = ""
        _ = try await poll(every: .milliseconds(500)) {
            statuses = try await Self.statuses(clients[0])
            pending = try await cluster.sql(pendingCasts)
            return !statuses.values.contains("creating") && pending == "0"
        }
        #expect(Set(statuses.keys) == Set(created), "every accepted create has its volume")
        let stuck = statuses.filter { $0.value == "creating" }
        #expect(stuck.isEmpty, "volumes stuck in creating: \(stuck.keys.sorted())\n\(volume.log)")
        let withMessage = Set(
            try await cluster.sql("SELECT resource_uuid FROM messages").split(separator: "\n").map(String.init)
        )
        for (id, status) in statuses where status != "available" {
            #expect(
                status == "error" && withMessage.contains(id),
                "volume \(id) ended \(status) without a user message"
            )
        }
        let available = statuses.filter { $0.value == "available" }.keys
        for id in available {
            #expect(
                FileManager.default.fileExists(atPath: cluster.directory.path + "/volumes/file-mp/volume-" + id),
                "available volume \(id) has no data file"
            )
        }
        // No cast lost: nothing left undelivered, nothing dead-lettered.
        let dead = try await cluster.sql("SELECT count(*) FROM ember_bus_messages WHERE dead_at IS NOT NULL")
        #expect(pending == "0" && dead == "0", "pending casts \(pending), dead letters \(dead)")

        for client in clients { try? await client.shutdown() }
        for child in [api, scheduler, volume] { child.signal(SIGTERM) }
        for child in [api, scheduler, volume] {
            #expect(try await child.waitForExit() == 0, "\(child.log)")
        }
    }

    static func port(from line: String) throws -> Int {
        let address = try #require(
            line.components(separatedBy: "Started osapi_volume on ").last?.split(separator: " ").first
        )
        return try #require(address.split(separator: ":").last.flatMap { Int($0) })
    }

    /// A connected HTTP client of the API on `port`.
    static func client(port: Int) -> TestClient {
        let client = TestClient(
            host: "127.0.0.1",
            port: port,
            configuration: .init(timeout: TestPatience.eventually),
            eventLoopGroupProvider: .shared(MultiThreadedEventLoopGroup.singleton)
        )
        client.connect()
        return client
    }

    static var headers: HTTPFields {
        [.init("X-Auth-Token")!: "admin:" + project, .contentType: "application/json"]
    }

    /// POST a 1 GiB volume; returns its id (fails unless the API answers 202).
    static func createVolume(_ client: TestClient, name: String) async throws -> String {
        let response = try await client.post(
            "/v3/\(project)/volumes",
            headers: headers,
            body: ByteBuffer(string: #"{"volume": {"size": 1, "name": "\#(name)"}}"#)
        )
        let text = response.body.map { String(buffer: $0) } ?? ""
        try #require(response.status == .accepted, "create answered \(response.status): \(text)")
        let body = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        return try #require((body["volume"] as? [String: Any])?["id"] as? String)
    }

    /// Every volume of the project: id → status.
    static func statuses(_ client: TestClient) async throws -> [String: String] {
        let response = try await client.get("/v3/\(project)/volumes/detail?limit=1000", headers: headers)
        let text = response.body.map { String(buffer: $0) } ?? ""
        let body = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(text)")
        let volumes = try #require(body["volumes"] as? [[String: Any]], "\(text)")
        var result: [String: String] = [:]
        for volume in volumes {
            if let id = volume["id"] as? String, let status = volume["status"] as? String { result[id] = status }
        }
        return result
    }
}

/// A fresh database on the CI PostgreSQL server with its schema, and the configuration that
/// the role processes share.
struct DistributedCluster {
    let directory: TemporaryDirectory
    let serverURL: String
    let databaseURL: String
    let database: String
    let config: String

    /// Nil (after a notice) when `EMBER_TEST_POSTGRES_URL` is not set; CI must set it.
    /// `extraConfig` is appended to the configuration (more backend sections).
    static func start(extraConfig: String = "") async throws -> DistributedCluster? {
        guard let server = ProcessInfo.processInfo.environment["EMBER_TEST_POSTGRES_URL"] else {
            print("notice: EMBER_TEST_POSTGRES_URL not set; skipping the distributed process tests")
            #expect(ProcessInfo.processInfo.environment["CI"] == nil, "CI must run the distributed process tests")
            return nil
        }
        let database = "ember_mp_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let result = try await ChildProcess.run(
            "/usr/bin/env",
            [
                "psql", "-q", "-v", "ON_ERROR_STOP=1", withDatabase(server, "postgres"), "-c",
                "CREATE DATABASE \(database)",
            ]
        )
        try #require(result.status == 0, "psql CREATE DATABASE failed: \(result.output)")
        let directory = try TemporaryDirectory(prefix: "ember-mp")
        let url = withDatabase(server, database)
        let config = try directory.write(
            "ember.conf",
            """
            [DEFAULT]
            host = mp-node
            osapi_volume_listen = 127.0.0.1
            osapi_volume_listen_port = 0
            api_paste_config = \(RepositoryPaths.etc("api-paste.ini"))
            state_path = \(directory.path)
            transport_url = \(url)
            enabled_backends = file-mp
            report_interval = 1
            periodic_interval = 2
            service_down_time = 60
            graceful_shutdown_timeout = 30
            quota_volumes = -1
            quota_gigabytes = -1

            [database]
            connection = \(url)

            [ember_bus]
            visibility_timeout = 3
            poll_interval = 1

            [file-mp]
            volume_backend_name = file-mp

            """ + extraConfig
        )
        let cluster = DistributedCluster(
            directory: directory,
            serverURL: server,
            databaseURL: url,
            database: database,
            config: config
        )
        let sync = try await ChildProcess.run(
            RepositoryPaths.emberBinary,
            ["manage", "db", "sync", "--config-file", config]
        )
        try #require(sync.status == 0, "ember manage db sync failed: \(sync.output)")
        return cluster
    }

    /// Starts `ember ROLE` with the shared configuration and `environment` added to ours.
    func startRole(_ role: String, environment: [String: String] = [:]) async throws -> ChildProcess {
        try ChildProcess(
            RepositoryPaths.emberBinary,
            arguments: [role, "--config-file", config],
            environment: ProcessInfo.processInfo.environment.merging(environment) { $1 }
        )
    }

    /// Runs one SQL statement in the test database; returns psql's unaligned, tuples-only output.
    func sql(_ statement: String) async throws -> String {
        let result = try await ChildProcess.run("/usr/bin/env", ["psql", "-qtA", databaseURL, "-c", statement])
        try #require(result.status == 0, "psql failed: \(result.output)")
        return result.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Drops the database (after the processes ended) and removes the directory.
    func tearDown() {
        let drop = Process()
        drop.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        drop.arguments = [
            "psql", "-q", DistributedCluster.withDatabase(serverURL, "postgres"), "-c",
            "DROP DATABASE IF EXISTS \(database) WITH (FORCE)",
        ]
        drop.standardOutput = FileHandle.nullDevice
        drop.standardError = FileHandle.nullDevice
        try? drop.run()
        drop.waitUntilExit()
        directory.remove()
    }

    /// `url` with its database name replaced (any `?query` kept).
    static func withDatabase(_ url: String, _ name: String) -> String {
        var base = url
        var query = ""
        if let mark = url.firstIndex(of: "?") {
            base = String(url[..<mark])
            query = String(url[mark...])
        }
        guard let slash = base.lastIndex(of: "/") else { return url }
        return String(base[...slash]) + name + query
    }
}

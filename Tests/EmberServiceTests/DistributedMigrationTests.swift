import EmberTesting
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// Migration and retype between two `ember volume` processes, each with its own file backend,
/// with `ember api` and `ember scheduler` apart, over PostgreSQL (store and bus).
@Suite struct DistributedMigrationTests {
    typealias D = DistributedProcessTests
    static let pattern = (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 17) }

    static func send(
        _ client: TestClient,
        _ method: HTTPRequest.Method,
        _ path: String,
        _ body: String? = nil
    ) async throws -> (HTTPResponse.Status, [String: Any]) {
        let uri = "/v3/\(D.project)" + path
        let response =
            method == .get
            ? try await client.get(uri, headers: D.headers)
            : try await client.post(uri, headers: D.headers, body: ByteBuffer(string: body ?? ""))
        let text = response.body.map { String(buffer: $0) } ?? ""
        let json = (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:]
        return (response.status, json)
    }

    static func volume(_ client: TestClient, _ id: String) async throws -> [String: Any] {
        let (_, body) = try await send(client, .get, "/volumes/\(id)")
        return try #require(body["volume"] as? [String: Any])
    }

    /// Polls the volume until `done` holds; returns it.
    static func wait(
        _ client: TestClient,
        _ id: String,
        _ what: String,
        _ done: ([String: Any]) -> Bool
    ) async throws -> [String: Any] {
        var last: [String: Any] = [:]
        if try await poll(
            every: .milliseconds(200),
            until: {
                last = try await volume(client, id)
                return done(last)
            }
        ) {
            return last
        }
        Issue.record("volume \(id) never reached: \(what)")
        throw CancellationError()
    }

    static func backend(_ volume: [String: Any]) -> String {
        let host = volume["os-vol-host-attr:host"] as? String ?? ""
        return String(host.split(separator: "@").last?.split(separator: "#").first ?? "")
    }

    static func read(_ path: String) throws -> [UInt8] {
        let handle = try #require(FileHandle(forReadingAtPath: path))
        defer { try? handle.close() }
        try handle.seek(toOffset: 5 << 20)
        return Array(try handle.read(upToCount: 4096) ?? Data())
    }

    @Test func migrateAndRetypeBetweenVolumeProcesses() async throws {
        guard
            let cluster = try await DistributedCluster.start(
                extraConfig: "[file-mq]\nvolume_backend_name = file-mq\n"
            )
        else { return }
        defer { cluster.tearDown() }
        let api = try await cluster.startRole("api")
        let port = try D.port(from: try await api.waitForLine(containing: "Started osapi_volume on"))
        let scheduler = try await cluster.startRole("scheduler")
        try await scheduler.waitForLine(containing: "Scheduler started")
        var volumes: [ChildProcess] = []
        for backend in ["file-mp", "file-mq"] {
            let process = try await cluster.startRole(
                "volume",
                environment: ["EMBER_DEFAULT__ENABLED_BACKENDS": backend]
            )
            try await process.waitForLine(containing: "Volume service started")
            volumes.append(process)
        }
        let client = D.client(port: port)
        // Both backends known to the scheduler.
        _ = try await poll(every: .milliseconds(200)) {
            let (_, pools) = try await Self.send(client, .get, "/scheduler-stats/get_pools")
            return (pools["pools"] as? [Any])?.count == 2
        }

        let id = try await D.createVolume(client, name: "mp-migrate")
        let created = try await Self.wait(client, id, "available") { $0["status"] as? String == "available" }
        let source = Self.backend(created)
        let target = source == "file-mp" ? "file-mq" : "file-mp"
        let directory = cluster.directory.path + "/volumes/"
        let handle = try #require(FileHandle(forUpdatingAtPath: directory + source + "/volume-" + id))
        try handle.seek(toOffset: 5 << 20)
        try handle.write(contentsOf: Data(Self.pattern))
        try handle.close()

        let (migrateStatus, _) = try await Self.send(
            client,
            .post,
            "/volumes/\(id)/action",
            #"{"os-migrate_volume": {"host": "mp-node@\#(target)", "lock_volume": true}}"#
        )
        #expect(migrateStatus == .accepted)
        let migrated = try await Self.wait(client, id, "migration ended") {
            ["success", "error"].contains($0["os-vol-mig-status-attr:migstat"] as? String ?? "")
                && $0["status"] as? String == "available"
        }
        #expect(migrated["os-vol-mig-status-attr:migstat"] as? String == "success")
        #expect(Self.backend(migrated) == target)
        #expect(try Self.read(directory + target + "/volume-" + id) == Self.pattern)
        // The source's data goes just after the volume shows `success` (the completion writes
        // the row first, then deletes the old data, as cinder's completion does).
        let sourceGone = try await poll {
            !FileManager.default.fileExists(atPath: directory + source + "/volume-" + id)
        }
        #expect(sourceGone)

        // Back with a retype to a type only the source backend serves.
        let (typeStatus, _) = try await Self.send(
            client,
            .post,
            "/types",
            #"{"volume_type": {"name": "mp-pinned", "extra_specs": {"volume_backend_name": "\#(source)"}}}"#
        )
        #expect(typeStatus == .ok)
        let (retypeStatus, _) = try await Self.send(
            client,
            .post,
            "/volumes/\(id)/action",
            #"{"os-retype": {"new_type": "mp-pinned", "migration_policy": "on-demand"}}"#
        )
        #expect(retypeStatus == .accepted)
        let retyped = try await Self.wait(client, id, "retyped") {
            $0["volume_type"] as? String == "mp-pinned" && $0["status"] as? String == "available"
        }
        #expect(Self.backend(retyped) == source)
        #expect(try Self.read(directory + source + "/volume-" + id) == Self.pattern)

        for child in [api, scheduler] + volumes { child.signal(SIGTERM) }
        for child in [api, scheduler] + volumes {
            #expect(try await child.waitForExit() == 0, "\(child.log)")
        }
    }
}

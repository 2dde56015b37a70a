import EmberCore
import EmberService
import EmberTesting
import EmberWSGI
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NIOPosix
import Synchronization
import Testing

@Suite struct GracefulShutdownTests {
    /// SIGTERM's path through the launcher, driven without an OS signal so that parallel tests
    /// in this process are not disturbed.
    @Test func inFlightRequestCompletesAndNewConnectionsAreRefused() async throws {
        let logger = Logger(label: "test.shutdown")
        let (started, startedSignal) = AsyncStream<Void>.makeStream()
        let server = try WSGIServer(
            configuration: .init(host: "127.0.0.1", port: 0),
            app: SlowApp(delay: .milliseconds(1500), started: startedSignal),
            logger: logger
        )
        let launcher = Launcher(logger: logger, gracefulShutdownTimeout: .seconds(20), trapSignals: false)
        await launcher.serve(server)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await launcher.wait() }
            let port = await server.listeningPort()
            try await withClient(port: port) { client in
                try await withThrowingTaskGroup(of: TestClient.Response.self) { requests in
                    requests.addTask { try await client.get("/slow") }
                    // SIGTERM once the request is in the app: a connection whose request has not
                    // been read yet is idle, and graceful shutdown closes idle connections.
                    var iterator = started.makeAsyncIterator()
                    _ = await iterator.next()
                    await launcher.receive(.sigterm)
                    let refused = try await poll(every: .milliseconds(20)) { connectionRefused(port: port) }
                    #expect(refused, "a new connection was accepted after SIGTERM")
                    let response = try #require(try await requests.next())
                    #expect(response.status == .ok)
                    #expect(String(buffer: try #require(response.body)) == "slow done")
                }
            }
            try await group.waitForAll()
        }
    }

    @Test func shutdownTimeoutCancelsRequestsThatRunTooLong() async throws {
        let logger = Logger(label: "test.shutdown")
        let server = try WSGIServer(
            configuration: .init(host: "127.0.0.1", port: 0),
            app: SlowApp(delay: .seconds(600)),
            logger: logger
        )
        let launcher = Launcher(logger: logger, gracefulShutdownTimeout: .milliseconds(500), trapSignals: false)
        await launcher.serve(server)
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try? await launcher.wait() }
            let port = await server.listeningPort()
            let client = TestClient(
                host: "127.0.0.1",
                port: port,
                configuration: .init(timeout: .seconds(30)),
                eventLoopGroupProvider: .shared(MultiThreadedEventLoopGroup.singleton)
            )
            client.connect()
            try await client.executeAndDontWaitForResponse(.init("/slow", method: .get))
            try await Task.sleep(for: .milliseconds(200))
            await launcher.shutdown()
            try await group.waitForAll()
            try? await client.shutdown()
        }
        // The request would run 600 s; cancelled after the 0.5 s timeout, the launcher ends in
        // seconds (up to 21 s seen with the whole suite starting at once on 2 cores).
        #expect(ContinuousClock.now - start < TestPatience.eventually)
    }
}

extension GracefulShutdownTests {
    @Test func secondSignalDuringShutdownExitsAtOnce() async throws {
        let logger = Logger(label: "test.shutdown")
        let server = try WSGIServer(
            configuration: .init(host: "127.0.0.1", port: 0),
            app: SlowApp(delay: .seconds(30)),
            logger: logger
        )
        let exits = ExitRecorder()
        let launcher = Launcher(
            logger: logger,
            gracefulShutdownTimeout: .seconds(60),
            trapSignals: false,
            forcedExit: { exits.record() }
        )
        await launcher.serve(server)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try? await launcher.wait() }
            let port = await server.listeningPort()
            let client = TestClient(
                host: "127.0.0.1",
                port: port,
                configuration: .init(timeout: .seconds(60)),
                eventLoopGroupProvider: .shared(MultiThreadedEventLoopGroup.singleton)
            )
            client.connect()
            try await client.executeAndDontWaitForResponse(.init("/slow", method: .get))
            try await Task.sleep(for: .milliseconds(200))
            await launcher.receive(.sigterm)
            #expect(exits.count == 0, "the first signal drains")
            await launcher.receive(.sigint)
            #expect(exits.count == 1, "the second signal exits at once")
            try? await client.shutdown()
            group.cancelAll()
        }
    }
}

final class ExitRecorder: Sendable {
    private let calls = Mutex(0)
    func record() { calls.withLock { $0 += 1 } }
    var count: Int { calls.withLock { $0 } }
}

/// The real binary and real signals.
@Suite struct EmberProcessTests {
    func startEmber(_ extra: String = "") throws -> (ChildProcess, TemporaryDirectory) {
        let dir = try TemporaryDirectory()
        let conf = try dir.write(
            "ember.conf",
            """
            [DEFAULT]
            osapi_volume_listen = 127.0.0.1
            osapi_volume_listen_port = 0
            api_paste_config = \(RepositoryPaths.etc("api-paste.ini"))
            state_path = \(dir.path)
            graceful_shutdown_timeout = 30
            \(extra)
            """
        )
        let child = try ChildProcess(RepositoryPaths.emberBinary, arguments: ["all", "--config-file", conf])
        return (child, dir)
    }

    func port(from line: String) throws -> Int {
        let address = try #require(
            line.components(separatedBy: "Started osapi_volume on ").last?.split(separator: " ").first
        )
        return try #require(address.split(separator: ":").last.flatMap { Int($0) })
    }

    @Test func sigtermStopsAcceptingClosesIdleConnectionsAndExitsZero() async throws {
        let (ember, dir) = try startEmber()
        defer { dir.remove() }
        let port = try port(from: try await ember.waitForLine(containing: "Started osapi_volume on"))
        let socket = try RawSocket(port: port)
        try socket.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try socket.receive().hasPrefix("HTTP/1.1 300 Multiple Choices"))
        ember.signal(SIGTERM)
        try await ember.waitForLine(containing: "Caught SIGTERM")
        let refused = try await poll(every: .milliseconds(20)) { connectionRefused(port: port) }
        #expect(refused, "a new connection was accepted after SIGTERM")
        #expect(throws: POSIXError.self, "the idle keep-alive connection is closed") { try socket.receive() }
        let status = try await ember.waitForExit()
        #expect(status == 0, "\(ember.log)")
        #expect(ember.log.contains("All services stopped"))
        // One signal, one line: the signal's, not a second "shutdown request" too.
        #expect(ember.log.components(separatedBy: "Caught SIGTERM").count == 2, "\(ember.log)")
        #expect(!ember.log.contains("Caught shutdown request"), "\(ember.log)")
        // Every request has its access-log line, with its status and request id.
        #expect(ember.log.contains(#""GET / HTTP/1.1" status: 300 len: "#), "\(ember.log)")
    }

    @Test func sighupReloadsTheLogLevelWithoutDroppingConnections() async throws {
        let (ember, dir) = try startEmber()
        defer { dir.remove() }
        let port = try port(from: try await ember.waitForLine(containing: "Started osapi_volume on"))
        let socket = try RawSocket(port: port)
        try socket.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try socket.receive().hasPrefix("HTTP/1.1 300"))
        let conf = dir.path + "/ember.conf"
        let text = try String(contentsOfFile: conf, encoding: .utf8)
        try text.replacingOccurrences(of: "[DEFAULT]", with: "[DEFAULT]\ndebug = true").write(
            toFile: conf,
            atomically: true,
            encoding: .utf8
        )
        ember.signal(SIGHUP)
        try await ember.waitForLine(containing: "Configuration reloaded")
        #expect(ember.log.contains("debug=true"))
        try socket.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try socket.receive().hasPrefix("HTTP/1.1 300"), "the keep-alive connection survived SIGHUP")
        ember.signal(SIGTERM)
        #expect(try await ember.waitForExit() == 0)
    }

    /// SIGHUP re-reads `[ssl] cert_file` and `key_file`: an operator renews the certificate
    /// in place and signals, and new connections get the new certificate at once.
    @Test func sighupReloadsTheTLSCertificate() async throws {
        let tlsDir = try TemporaryDirectory()
        defer { tlsDir.remove() }
        let certificates = try await TestCertificates(in: tlsDir)
        let (ember, dir) = try startEmber(
            "\n[ssl]\ncert_file = \(certificates.serverCertificate)\nkey_file = \(certificates.serverKey)\n"
        )
        defer { dir.remove() }
        let port = try port(from: try await ember.waitForLine(containing: "Started osapi_volume on"))
        let before = try await HTTPSTests.handshake(port: port)
        #expect(before.output.contains("subject=CN = localhost\n"), "\(before.output)")
        try await certificates.issue(
            commonName: "localhost-renewed",
            certificate: certificates.serverCertificate,
            key: certificates.serverKey,
            server: true
        )
        ember.signal(SIGHUP)
        try await ember.waitForLine(containing: "Reloaded the TLS certificate and key")
        let after = try await HTTPSTests.handshake(port: port)
        #expect(after.output.contains("subject=CN = localhost-renewed"), "\(after.output)")
        ember.signal(SIGTERM)
        #expect(try await ember.waitForExit() == 0)
    }

    @Test(arguments: [
        ("osapi_volume_listen_port = http", "osapi_volume_listen_port", "'http'"),
        ("auth_strategy = kerberos", "auth_strategy", "'kerberos'"),
        ("api_paste_config = /nonexistent/api-paste.ini", "api_paste_config", "/nonexistent/api-paste.ini"),
        ("project_id_regex = (unclosed", "project_id_regex", "'(unclosed'"),
    ])
    func malformedConfigurationStopsStartup(line: String, option: String, value: String) async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let conf = try dir.write("ember.conf", "[DEFAULT]\nosapi_volume_listen = 127.0.0.1\n\(line)\n")
        let result = try await ChildProcess.run(RepositoryPaths.emberBinary, ["api", "--config-file", conf])
        #expect(result.status == 1)
        #expect(result.output.contains(option) && result.output.contains(value), "\(result.output)")
    }

    @Test func manageDatabaseSyncAndVersionOnSQLiteAndPostgreSQL() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let sqlite = try dir.write("sqlite.conf", "[DEFAULT]\nstate_path = \(dir.path)\n")
        let before = try await ChildProcess.run(
            RepositoryPaths.emberBinary,
            ["manage", "db", "version", "--config-file", sqlite]
        )
        #expect(before.status == 0 && before.output.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
        let sync = try await ChildProcess.run(
            RepositoryPaths.emberBinary,
            ["manage", "db", "sync", "--config-file", sqlite]
        )
        #expect(sync.status == 0 && sync.output.contains("Migrated database from version 0 to"), "\(sync.output)")
        let after = try await ChildProcess.run(
            RepositoryPaths.emberBinary,
            ["manage", "db", "version", "--config-file", sqlite]
        )
        let latest = after.output.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(Int(latest) ?? 0 > 0)
        let again = try await ChildProcess.run(
            RepositoryPaths.emberBinary,
            ["manage", "db", "sync", "--config-file", sqlite]
        )
        #expect(again.status == 0 && again.output.contains("nothing to do"))

        guard let url = ProcessInfo.processInfo.environment["EMBER_TEST_POSTGRES_URL"] else {
            print("notice: EMBER_TEST_POSTGRES_URL not set; skipping ember manage db on PostgreSQL")
            #expect(ProcessInfo.processInfo.environment["CI"] == nil, "CI must run the PostgreSQL half")
            return
        }
        let postgres = try dir.write(
            "pg.conf",
            "[database]\nconnection = \(url.replacingOccurrences(of: "postgresql://", with: "postgresql+psycopg2://"))\n"
        )
        let pgSync = try await ChildProcess.run(
            RepositoryPaths.emberBinary,
            ["manage", "db", "sync", "--config-file", postgres]
        )
        #expect(pgSync.status == 0, "\(pgSync.output)")
        let pgVersion = try await ChildProcess.run(
            RepositoryPaths.emberBinary,
            ["manage", "db", "version", "--config-file", postgres]
        )
        #expect(pgVersion.output.trimmingCharacters(in: .whitespacesAndNewlines) == latest)
    }

    @Test func helpAndVersion() async throws {
        let help = try await ChildProcess.run(RepositoryPaths.emberBinary, ["api", "--help"])
        #expect(help.status == 0)
        #expect(help.output.contains("--config-file") && help.output.contains("--config-dir"))
        let version = try await ChildProcess.run(RepositoryPaths.emberBinary, ["--version"])
        #expect(version.output.contains("3.71"))
    }

    /// `ember config list`: each value with its source, secrets masked (a URL keeps all but
    /// its password), unknown options named as ignored; `ember config sample` is the sample file.
    @Test func configListMasksSecretsAndNamesSources() async throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let conf = try dir.write(
            "ember.conf",
            """
            [DEFAULT]
            enabled_backends = b1
            transport_url = postgresql://ember:bus-secret@db.invalid/ember
            not_an_option = 1
            [b1]
            file_volume_dir = /srv/b1
            [keystone_authtoken]
            password = hunter2
            """
        )
        let list = try await ChildProcess.run(RepositoryPaths.emberBinary, ["config", "list", "--config-file", conf])
        #expect(list.status == 0, "\(list.output)")
        #expect(list.output.contains("transport_url = postgresql://ember:****@db.invalid/ember  (\(conf))"))
        #expect(list.output.contains("password = ****  (\(conf))"))
        #expect(!list.output.contains("hunter2") && !list.output.contains("bus-secret"))
        #expect(list.output.contains("[b1]\nvolume_driver = ember.volume.drivers.file.FileDriver  (default)"))
        #expect(list.output.contains("file_volume_dir = /srv/b1  (\(conf))"))
        #expect(list.output.contains("osapi_volume_listen_port = 8776  (default)"))
        #expect(list.output.contains("#   [DEFAULT] not_an_option"))
        let sample = try await ChildProcess.run(RepositoryPaths.emberBinary, ["config", "sample"])
        #expect(sample.output == (try String(contentsOfFile: RepositoryPaths.etc("ember.conf"), encoding: .utf8)))
    }
}

/// A blocking TCP client for byte-level tests.
final class RawSocket {
    let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else { throw POSIXError(.ECONNREFUSED) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        guard write(fd, bytes, bytes.count) == bytes.count else { throw POSIXError(.EPIPE) }
    }

    /// Reads what has arrived (one read, waiting up to 10 s).
    func receive() throws -> String {
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = read(fd, &buffer, buffer.count)
        guard count > 0 else { throw POSIXError(.ECONNRESET) }
        return String(decoding: buffer[0..<count], as: UTF8.self)
    }

    deinit { close(fd) }
}

extension GracefulShutdownTests {
    /// `graceful_shutdown_drain_time`: after SIGTERM the server keeps accepting and serving,
    /// `/healthcheck` answers 503 and every answer closes its connection (a load balancer takes
    /// the process out of rotation); once the drain time is over it stops accepting and exits.
    /// The drain time is long enough for the two requests made while draining, with the whole
    /// suite running beside this test.
    @Test func drainAnswersTheHealthcheck503WhileItServesThenStopsAccepting() async throws {
        let logger = Logger(label: "test.shutdown")
        var configuration = WSGIServer.Configuration(host: "127.0.0.1", port: 0)
        configuration.drainTime = 30
        let server = try WSGIServer(configuration: configuration, app: try stockApplication(), logger: logger)
        let launcher = Launcher(logger: logger, gracefulShutdownTimeout: .seconds(300), trapSignals: false)
        await launcher.serve(server)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await launcher.wait() }
            let port = await server.listeningPort()
            let healthy = try await withClient(port: port) { try await $0.get("/healthcheck") }
            #expect(healthy.status == .ok)
            #expect(healthy.headers[.connection] == nil)

            let signalled = ContinuousClock.now
            await launcher.receive(.sigterm)
            while !server.drain.isDraining { try await Task.sleep(for: .milliseconds(10)) }
            let health = try await withClient(port: port) { try await $0.get("/healthcheck") }
            #expect(health.status == .serviceUnavailable)
            #expect(String(buffer: try #require(health.body)) == "SHUTTING DOWN")
            let versions = try await withClient(port: port) { try await $0.get("/") }
            #expect(versions.status == .multipleChoices, "requests are still served while draining")
            #expect(versions.headers[.connection] == "close")

            let refused = try await poll(every: .milliseconds(20), for: .seconds(30) + TestPatience.eventually) {
                connectionRefused(port: port)
            }
            #expect(refused, "the server still accepts long after the drain time")
            #expect(ContinuousClock.now - signalled >= .seconds(30), "it stopped accepting before the drain time")
            try await group.waitForAll()
        }
    }
}

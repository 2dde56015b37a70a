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
import NIOSSL

/// A live WSGI server on 127.0.0.1 and a free port, run in a launcher that does not trap
/// signals (the tests drive ``Launcher/receive(_:)`` themselves).
struct LiveServer {
    let server: WSGIServer
    let launcher: Launcher

    init(
        app: any WSGIApplication,
        tls: SSLConfiguration? = nil,
        gracefulShutdownTimeout: Duration = .seconds(10),
        keepAlive: Bool = true
    ) throws {
        let logger = Logger(label: "test.server")
        var configuration = WSGIServer.Configuration(host: "127.0.0.1", port: 0, tls: tls)
        configuration.keepAlive = keepAlive
        server = try WSGIServer(
            configuration: configuration,
            app: app,
            logger: logger
        )
        launcher = Launcher(logger: logger, gracefulShutdownTimeout: gracefulShutdownTimeout, trapSignals: false)
    }

    /// Runs the server, calls `body` with its port, then shuts down and waits for the launcher.
    func run<Value: Sendable>(_ body: @Sendable (Int) async throws -> Value) async throws -> Value {
        await launcher.serve(server)
        return try await withThrowingTaskGroup(of: Value?.self) { group in
            group.addTask {
                try await launcher.wait()
                return nil
            }
            let port = await server.listeningPort()
            do {
                let value = try await body(port)
                await launcher.shutdown()
                try await group.waitForAll()
                return value
            } catch {
                await launcher.shutdown()
                try? await group.waitForAll()
                throw error
            }
        }
    }
}

/// Connects a Hummingbird test client to a live port.
func withClient<Value: Sendable>(
    port: Int,
    tls: TLSConfiguration? = nil,
    _ body: @Sendable (TestClient) async throws -> Value
) async throws -> Value {
    let client = TestClient(
        host: "127.0.0.1",
        port: port,
        configuration: .init(
            tlsConfiguration: tls,
            timeout: TestPatience.eventually,
            serverName: tls == nil ? nil : "localhost"
        ),
        eventLoopGroupProvider: .shared(MultiThreadedEventLoopGroup.singleton)
    )
    client.connect()
    do {
        let value = try await body(client)
        try await client.shutdown()
        return value
    } catch {
        try? await client.shutdown()
        throw error
    }
}

/// An app that sleeps before it answers: an in-flight request for shutdown tests.
struct SlowApp: WSGIApplication {
    let delay: Duration
    /// Told when a request has reached the app.
    var started: AsyncStream<Void>.Continuation? = nil

    func respond(to request: Request, context: WSGIRequestContext) async throws -> Response {
        started?.yield()
        try await Task.sleep(for: delay)
        return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "slow done")))
    }
}

/// An app that reads the whole body and reports its size.
struct BodySizeApp: WSGIApplication {
    func respond(to request: Request, context: WSGIRequestContext) async throws -> Response {
        let body = try await request.body.collect(upTo: .max)
        return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "\(body.readableBytes)")))
    }
}

/// The stock pipeline with Ember's configuration defaults.
func stockApplication(conf: String = "") throws -> any WSGIApplication {
    let document = try INIDocument(text: conf, path: "test.conf")
    let configuration = try EmberConfiguration(files: ConfigFiles(documents: [document]))
    var registry = PasteFactoryRegistry.standard()
    registry.registerVersionIndexRouters()
    let loader = try PasteLoader(
        path: RepositoryPaths.fixture("cinder-29.0.0-api-paste.ini"),
        registry: registry,
        environment: PasteEnvironment(configuration: configuration, logger: Logger(label: "test"))
    )
    return try loader.loadApp(named: "osapi_volume")
}

/// Runs curl and returns its output (status code last when `-w` asks for it).
func curl(_ arguments: [String]) async throws -> String {
    let result = try await ChildProcess.run("/usr/bin/curl", ["-sS"] + arguments)
    return result.output
}

/// True when nothing accepts TCP connections on the port.
func connectionRefused(port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let result = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
    }
    return result != 0 && errno == ECONNREFUSED
}

import EmberCore
import EmberWSGI
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import ServiceLifecycle
import Synchronization

/// `cinder.wsgi.Server`: owns the API's listening socket and serves the paste pipeline over
/// HTTP/1.1 (keep-alive) or HTTPS.
///
/// It is a `Service`: run it in the launcher's service group. On graceful shutdown it drains
/// for `drainTime` seconds when that is set (it keeps serving while `/healthcheck` answers 503,
/// so a load balancer takes it out of rotation), then stops accepting (new connections are
/// refused), lets in-flight requests finish and returns. The bound address is known once it listens (`listeningPort()`), which is how tests
/// on port 0 find it.
///
/// It isolates the bound port and the callers waiting for it (`listeningPort()` before the
/// listener is up).
public actor WSGIServer: Service {
    /// What the server listens on and how.
    public struct Configuration: Sendable {
        public var name: String = "osapi_volume"
        public var host: String
        public var port: Int
        public var backlog: Int
        public var tls: SSLConfiguration?
        /// Seconds before an idle keep-alive connection is closed; 0 keeps it forever.
        public var clientSocketTimeout: Int
        /// Seconds of idleness before TCP keep-alive probes start.
        public var tcpKeepIdle: Int
        /// Event-loop threads; 0 uses one per core.
        public var workers: Int
        /// `max_header_line`: see ``PasteResponder/headerProblem(_:maxHeaderLine:)``.
        public var maxHeaderLine: Int = 16384
        /// `graceful_shutdown_drain_time`: seconds between graceful shutdown and the moment the
        /// server stops accepting, while `/healthcheck` answers 503 (see ``ServerDrain``).
        public var drainTime: Int = 0
        /// `wsgi_keep_alive`: false closes every connection after its answer.
        public var keepAlive: Bool = true
        /// `osapi_volume_max_connections`: connections open at once (0: no limit).
        public var maxConnections: Int = 0

        public init(
            name: String = "osapi_volume",
            host: String,
            port: Int,
            backlog: Int = 4096,
            tls: SSLConfiguration? = nil,
            clientSocketTimeout: Int = 900,
            tcpKeepIdle: Int = 600,
            workers: Int = 0
        ) {
            self.name = name
            self.host = host
            self.port = port
            self.backlog = backlog
            self.tls = tls
            self.clientSocketTimeout = clientSocketTimeout
            self.tcpKeepIdle = tcpKeepIdle
            self.workers = workers
        }

        public init(api: APIConfiguration, ssl: SSLConfiguration?) {
            self.init(
                host: api.listen,
                port: api.port,
                backlog: api.backlog,
                tls: ssl,
                clientSocketTimeout: api.clientSocketTimeout,
                tcpKeepIdle: api.tcpKeepIdle,
                workers: api.workers
            )
            maxHeaderLine = api.maxHeaderLine
            drainTime = api.gracefulShutdownDrainTime
            keepAlive = api.keepAlive
            maxConnections = api.maxConnections
        }
    }

    public nonisolated let configuration: Configuration
    nonisolated let app: any WSGIApplication
    nonisolated let observer: (any RequestObserver)?
    nonisolated let metricsApp: (any WSGIApplication)?
    nonisolated let logger: Logger
    nonisolated let tlsConfiguration: TLSConfiguration?
    /// The certificate and key new handshakes get; ``reloadTLS()`` replaces them.
    nonisolated let tlsMaterial: TLSMaterial?
    /// Whether the server drains before it stops (graceful shutdown with a drain time).
    public nonisolated let drain = ServerDrain()
    private var boundPort: Int?
    private var waiters: [CheckedContinuation<Int, Never>] = []

    /// Validates the configuration as `cinder.wsgi.Server.__init__` does and loads TLS material.
    ///
    /// - Parameters:
    ///   - observer: told of every request once answered (the metrics).
    ///   - metricsApp: answers `/metrics` ahead of the pipeline (the metrics on this port).
    public init(
        configuration: Configuration,
        app: any WSGIApplication,
        observer: (any RequestObserver)? = nil,
        metricsApp: (any WSGIApplication)? = nil,
        logger: Logger
    ) throws {
        guard configuration.backlog >= 1 else {
            throw EmberError.invalidInput("The backlog must be more than 0")
        }
        self.configuration = configuration
        self.app = app
        self.observer = observer
        self.metricsApp = metricsApp
        self.logger = logger
        if let ssl = configuration.tls {
            let material = TLSMaterial(try Self.readMaterial(ssl))
            self.tlsMaterial = material
            self.tlsConfiguration = try Self.makeTLSConfiguration(ssl, material: material)
        } else {
            self.tlsMaterial = nil
            self.tlsConfiguration = nil
        }
    }

    /// Re-reads `[ssl] cert_file` and `key_file` (SIGHUP): handshakes from now on get the new
    /// certificate; open connections keep theirs and are not dropped. A certificate that cannot
    /// be read, or a key that does not match it, is refused and the running pair kept.
    public nonisolated func reloadTLS() throws {
        guard let ssl = configuration.tls, let tlsMaterial else { return }
        let pair = try Self.readMaterial(ssl)
        tlsMaterial.replace(with: pair)
        logger.info(
            "Reloaded the TLS certificate and key",
            metadata: ["ssl.cert_file": .string(ssl.certFile), "ssl.key_file": .string(ssl.keyFile)]
        )
    }

    /// The port the server listens on, waiting until it does.
    public func listeningPort() async -> Int {
        if let boundPort { return boundPort }
        return await withCheckedContinuation { waiters.append($0) }
    }

    private func didBind(port: Int) {
        boundPort = port
        for waiter in waiters { waiter.resume(returning: port) }
        waiters.removeAll()
    }

    public func run() async throws {
        let scheme = tlsConfiguration == nil ? "http" : "https"
        let responder = PasteResponder(
            app: app,
            scheme: scheme,
            defaultHost: "\(configuration.host):\(configuration.port)",
            observer: observer,
            metricsApp: metricsApp,
            maxHeaderLine: configuration.maxHeaderLine,
            drain: drain,
            keepAlive: configuration.keepAlive
        )
        let keepIdle = configuration.tcpKeepIdle
        let connections = configuration.maxConnections > 0 ? ConnectionCount(limit: configuration.maxConnections) : nil
        let http1 = HTTP1Channel.Configuration(
            additionalChannelHandlers: connections.map {
                [ConnectionLimitHandler(count: $0), TCPKeepAliveHandler(idleSeconds: keepIdle)]
            } ?? [TCPKeepAliveHandler(idleSeconds: keepIdle)],
            idleTimeout: configuration.clientSocketTimeout > 0
                ? .seconds(Int64(configuration.clientSocketTimeout)) : nil
        )
        let builder: HTTPServerBuilder
        if let tlsConfiguration {
            builder = try .tls(.http1(configuration: http1), tlsConfiguration: tlsConfiguration)
        } else {
            builder = .http1(configuration: http1)
        }
        let group: any EventLoopGroup =
            configuration.workers > 0
            ? MultiThreadedEventLoopGroup(numberOfThreads: configuration.workers)
            : MultiThreadedEventLoopGroup.singleton
        let name = configuration.name
        let host = configuration.host
        let logger = self.logger
        let application = Application(
            responder: responder,
            server: builder,
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: nil,
                backlog: configuration.backlog,
                reuseAddress: true
            ),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                logger.info(
                    "Started \(name) on \(host):\(port)",
                    metadata: ["scheme": .string(scheme)]
                )
                await self.didBind(port: port)
            },
            eventLoopGroupProvider: .shared(group),
            logger: logger
        )
        try await serve(application)
        if configuration.workers > 0 {
            try? await group.shutdownGracefully()
        }
        logger.info("Stopped \(name)")
    }

    /// Runs `application` until graceful shutdown reaches it: at once without a drain time;
    /// with one, the server first drains (``ServerDrain``) for that long while it keeps
    /// accepting and serving, and only then passes the shutdown on. For that the application
    /// runs in a service group of its own, in a detached task that does not inherit the
    /// launcher's graceful shutdown (Hummingbird's application stops accepting at the first
    /// graceful shutdown it sees); cancellation still reaches it.
    private nonisolated func serve(_ application: some Service) async throws {
        let drainTime = configuration.drainTime
        guard drainTime > 0 else {
            try await application.run()
            return
        }
        let inner = ServiceGroup(configuration: .init(services: [application], logger: logger))
        let serving = Task.detached { try await inner.run() }
        let drain = self.drain
        let logger = self.logger
        let name = configuration.name
        try await withTaskCancellationHandler {
            try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask {
                    try await serving.value
                    return true
                }
                group.addTask {
                    do {
                        try await gracefulShutdown()
                    } catch {
                        return false  // the server ended first
                    }
                    drain.begin()
                    logger.info(
                        "Draining \(name): /healthcheck answers 503 for \(drainTime) s before the server stops accepting"
                    )
                    try? await Task.sleep(for: .seconds(drainTime))
                    await inner.triggerGracefulShutdown()
                    return false
                }
                while let servingEnded = try await group.next() {
                    if servingEnded { group.cancelAll() }
                }
            }
        } onCancel: {
            serving.cancel()
        }
    }

    /// The certificate chain and key `[ssl]` names, checked to belong together.
    static func readMaterial(_ ssl: SSLConfiguration) throws -> TLSMaterial.Pair {
        let chain: [NIOSSLCertificate]
        let key: NIOSSLPrivateKey
        do {
            chain = try NIOSSLCertificate.fromPEMFile(ssl.certFile)
        } catch {
            throw EmberError.invalidInput(
                "[ssl] cert_file \(ssl.certFile) could not be read as a PEM certificate: \(error)"
            )
        }
        do {
            key = try NIOSSLPrivateKey(file: ssl.keyFile, format: .pem)
        } catch {
            throw EmberError.invalidInput(
                "[ssl] key_file \(ssl.keyFile) could not be read as a PEM private key: \(error)"
            )
        }
        do {
            // BoringSSL refuses a key that does not match the leaf certificate here.
            _ = try NIOSSLContext(
                configuration: .makeServerConfiguration(
                    certificateChain: chain.map { .certificate($0) },
                    privateKey: .privateKey(key)
                )
            )
        } catch {
            throw EmberError.invalidInput(
                "[ssl] key_file \(ssl.keyFile) is not the private key of cert_file \(ssl.certFile): \(error)"
            )
        }
        return TLSMaterial.Pair(chain: chain, key: key)
    }

    /// TLS as `[ssl]` asks: TLS 1.2 or 1.3 minimum (1.0 and 1.1 are always refused), optional
    /// cipher list, client certificates required when a CA bundle is given, and the
    /// certificate and key of each handshake taken from `material`, so a reload reaches new
    /// connections without a restart.
    static func makeTLSConfiguration(_ ssl: SSLConfiguration, material: TLSMaterial) throws -> TLSConfiguration {
        let pair = material.current
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: pair.chain.map { .certificate($0) },
            privateKey: .privateKey(pair.key)
        )
        tls.minimumTLSVersion = ssl.minimumVersion == "TLSv1_3" ? .tlsv13 : .tlsv12
        if let ciphers = ssl.ciphers { tls.cipherSuites = ciphers }
        if let caFile = ssl.caFile {
            tls.trustRoots = .file(caFile)
            tls.certificateVerification = .noHostnameVerification
        }
        tls.sslContextCallback = { _, promise in
            promise.succeed(material.handshakeOverride())
        }
        return tls
    }
}

/// The certificate chain and key the server hands to each new TLS handshake. It starts with
/// the pair read at start-up (which the server's context already holds, so handshakes need
/// no change) and is replaced whole on reload.
final class TLSMaterial: Sendable {
    struct Pair: Sendable {
        var chain: [NIOSSLCertificate]
        var key: NIOSSLPrivateKey
    }

    private let state: Mutex<(pair: Pair, reloaded: Bool)>

    init(_ pair: Pair) {
        state = Mutex((pair, false))
    }

    var current: Pair { state.withLock { $0.pair } }

    func replace(with pair: Pair) {
        state.withLock { $0 = (pair, true) }
    }

    /// What a handshake changes: nothing until the first reload, then the current pair.
    func handshakeOverride() -> NIOSSLContextConfigurationOverride {
        state.withLock { state in
            guard state.reloaded else { return .noChanges }
            var change = NIOSSLContextConfigurationOverride()
            change.certificateChain = state.pair.chain.map { .certificate($0) }
            change.privateKey = .privateKey(state.pair.key)
            return change
        }
    }
}

extension EmberError {
    /// cinder's `InvalidInput`: "Invalid input received: <reason>".
    static func invalidInput(_ reason: String) -> EmberError {
        EmberError(status: 400, message: "Invalid input received: \(reason)")
    }
}

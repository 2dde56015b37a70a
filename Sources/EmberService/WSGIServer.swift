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

/// `cinder.wsgi.Server`: owns the API's listening socket and serves the paste pipeline over
/// HTTP/1.1 (keep-alive) or HTTPS.
///
/// It is a `Service`: run it in the launcher's service group. On graceful shutdown it stops
/// accepting at once (new connections are refused), lets in-flight requests finish and then
/// returns. The bound address is known once it listens (`listeningPort()`), which is how tests
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

        public init(
            host: String,
            port: Int,
            backlog: Int = 4096,
            tls: SSLConfiguration? = nil,
            clientSocketTimeout: Int = 900,
            tcpKeepIdle: Int = 600,
            workers: Int = 0
        ) {
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
        }
    }

    public nonisolated let configuration: Configuration
    nonisolated let app: any WSGIApplication
    nonisolated let logger: Logger
    nonisolated let tlsConfiguration: TLSConfiguration?
    private var boundPort: Int?
    private var waiters: [CheckedContinuation<Int, Never>] = []

    /// Validates the configuration as `cinder.wsgi.Server.__init__` does and loads TLS material.
    public init(configuration: Configuration, app: any WSGIApplication, logger: Logger) throws {
        guard configuration.backlog >= 1 else {
            throw EmberError.invalidInput("The backlog must be more than 0")
        }
        self.configuration = configuration
        self.app = app
        self.logger = logger
        self.tlsConfiguration = try configuration.tls.map(Self.makeTLSConfiguration)
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
            defaultHost: "\(configuration.host):\(configuration.port)"
        )
        let keepIdle = configuration.tcpKeepIdle
        let http1 = HTTP1Channel.Configuration(
            additionalChannelHandlers: [TCPKeepAliveHandler(idleSeconds: keepIdle)],
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
        try await application.run()
        if configuration.workers > 0 {
            try? await group.shutdownGracefully()
        }
        logger.info("Stopped \(name)")
    }

    /// TLS as `[ssl]` asks: TLS 1.2 or 1.3 minimum, optional cipher list, and client
    /// certificates required when a CA bundle is given.
    static func makeTLSConfiguration(_ ssl: SSLConfiguration) throws -> TLSConfiguration {
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
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) },
            privateKey: .privateKey(key)
        )
        tls.minimumTLSVersion = ssl.minimumVersion == "TLSv1_3" ? .tlsv13 : .tlsv12
        if let ciphers = ssl.ciphers { tls.cipherSuites = ciphers }
        if let caFile = ssl.caFile {
            tls.trustRoots = .file(caFile)
            tls.certificateVerification = .noHostnameVerification
        }
        return tls
    }
}

extension EmberError {
    /// cinder's `InvalidInput`: "Invalid input received: <reason>".
    static func invalidInput(_ reason: String) -> EmberError {
        EmberError(status: 400, message: "Invalid input received: \(reason)")
    }
}

import AsyncHTTPClient
import EmberCore
import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle

/// Owns the key manager of a process and, for Barbican, the HTTP client its requests go
/// through, as a service: run it in the service group before the API server and the volume
/// backends, so that on graceful shutdown they stop first and the client closes last.
///
/// The client follows castellan's `[barbican]` TLS options: `verify_ssl = false` accepts any
/// certificate, `verify_ssl_path` names the CA bundle to check against. A refused connection
/// fails at once (no connection retries), and a connection attempt gives up after 10 s.
public final class KeyManagerService: Service, Sendable {
    public let manager: any KeyManager
    let http: HTTPClient?

    public init(configuration: KeyManagerConfiguration, logger: Logger) throws(KeyManagerError) {
        let client: HTTPClient? =
            switch configuration.backend {
            case .fixedKey: nil
            case .barbican:
                HTTPClient(
                    eventLoopGroup: HTTPClient.defaultEventLoopGroup,
                    configuration: Self.httpConfiguration(configuration.barbican)
                )
            }
        let built: (any KeyManager)?
        do {
            built = try KeyManagerFactory.make(configuration, http: client, logger: logger)
        } catch {
            try? client?.syncShutdown()
            throw error
        }
        guard let built else {
            try? client?.syncShutdown()
            throw .misconfigured("[key_manager] backend \(configuration.backend.rawValue) cannot be built")
        }
        http = client
        manager = built
    }

    static func httpConfiguration(_ barbican: BarbicanConfiguration) -> HTTPClient.Configuration {
        var tls = TLSConfiguration.makeClientConfiguration()
        if !barbican.verifySSL {
            tls.certificateVerification = .none
        } else if let path = barbican.verifySSLPath {
            tls.trustRoots = .file(path)
        }
        var settings = HTTPClient.Configuration(tlsConfiguration: tls)
        settings.timeout = .init(connect: .seconds(10))
        settings.connectionPool.retryConnectionEstablishment = false
        settings.decompression = .disabled
        return settings
    }

    /// Closes the HTTP client, for owners that do not run the service in a group (tests).
    public func shutdown() async throws {
        try await http?.shutdown()
    }

    public func run() async throws {
        try? await gracefulShutdown()
        try await http?.shutdown()
    }
}

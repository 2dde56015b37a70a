import AsyncHTTPClient
import Logging
import NIOCore
import ServiceLifecycle

/// Owns the HTTP client Glance calls go through, as a service of the process: run it in the
/// service group before the API server and the volume backends, so that on graceful shutdown
/// they stop first (services stop in reverse order) and the client closes last.
public final class GlanceService: Service, Sendable {
    public let client: GlanceClient
    let http: HTTPClient?

    public init(configuration: GlanceConfiguration, logger: Logger) {
        if configuration.isConfigured {
            var settings = HTTPClient.Configuration()
            settings.timeout = .init(
                connect: .seconds(10),
                read: .seconds(Int64(configuration.requestTimeout))
            )
            // A refused connection is reported at once (and retried on the next server as
            // num_retries says) instead of AsyncHTTPClient retrying until its deadline.
            settings.connectionPool.retryConnectionEstablishment = false
            settings.decompression = .disabled
            let http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: settings)
            self.http = http
            client = GlanceClient(configuration: configuration, http: http, logger: logger)
        } else {
            http = nil
            client = .unconfigured(logger: logger)
        }
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

import AsyncHTTPClient
import EmberCore
import EmberWSGI
import Logging
import ServiceLifecycle

/// Owns the HTTP client that talks to Keystone and provides the `authtoken` paste filter.
///
/// Run it in the service group after the API server is added: on graceful shutdown it shuts
/// the client down (the server stops first, since services stop in reverse order).
public final class KeystoneAuthService: Service, Sendable {
    public let http: HTTPClient
    /// The token lookups of every `authtoken` filter this service made (for the metrics).
    public let tokenCacheStatistics = TokenCacheStatistics()
    let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
        self.http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: Self.httpConfiguration)
    }

    /// The client settings Keystone calls use.
    public static var httpConfiguration: HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(30))
        // A refused connection is reported at once (and retried by KeystoneClient as
        // http_request_max_retries says) instead of AsyncHTTPClient retrying until its deadline.
        configuration.connectionPool.retryConnectionEstablishment = false
        return configuration
    }

    /// Registers `keystonemiddleware.auth_token:filter_factory` (and the 2013 keystoneclient
    /// name): each `[filter:authtoken]` reads `[keystone_authtoken]` and gets its own cache.
    public func register(in registry: inout PasteFactoryRegistry) {
        let http = self.http
        let statistics = tokenCacheStatistics
        registry.registerFilter(
            "keystonemiddleware.auth_token:filter_factory",
            "keystoneclient.middleware.auth_token:filter_factory"
        ) { (context: PasteFactoryContext) throws(PasteError) in
            let configuration: AuthTokenConfiguration
            do throws(ConfigurationError) {
                configuration = try AuthTokenConfiguration(files: context.environment.configuration.files)
            } catch {
                throw context.failure(error.description)
            }
            let logger = context.environment.logger
            if !configuration.ignoredOptions.isEmpty {
                logger.warning(
                    "Ignoring [keystone_authtoken] options Ember does not use (tokens are cached in process memory)",
                    metadata: ["options": .string(configuration.ignoredOptions.joined(separator: ","))]
                )
            }
            logger.info(
                "Validating tokens with Keystone",
                metadata: [
                    "keystone.auth_url": .string(configuration.authURL),
                    "keystone.user": .string(configuration.username),
                    "token_cache_time": .stringConvertible(configuration.tokenCacheTime),
                ]
            )
            let client = KeystoneClient(configuration: configuration, http: http, logger: logger)
            return AuthTokenMiddleware(validator: TokenValidator(client: client, statistics: statistics))
        }
    }

    public func run() async throws {
        try? await gracefulShutdown()
        try await http.shutdown()
    }
}

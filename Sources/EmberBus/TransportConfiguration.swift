import EmberCore
import Logging

/// How the bus is reached, read from `cinder.conf`/`ember.conf`.
///
/// Options:
/// - `[DEFAULT] transport_url` (default `ember://`): `ember://` is the in-process bus;
///   `postgresql://user:pass@host:port/db?sslmode=disable` the PostgreSQL bus.
/// - `[DEFAULT] rpc_response_timeout` (default 60): seconds a call waits for its reply.
/// - `[ember_bus] visibility_timeout` (default 60): seconds a claimed message stays invisible
///   to other consumers before it is redelivered (PostgreSQL).
/// - `[ember_bus] poll_interval` (default 1): seconds between polls when no notification
///   arrives (PostgreSQL).
/// - `[ember_bus] max_attempts` (default 5): deliveries before a message is dead-lettered.
/// - `[ember_bus] max_queue_depth` (default 10000): waiting messages per topic (in-process).
/// - `[ember_bus] table_prefix` (default `ember_bus`): prefix of the bus tables (PostgreSQL).
/// - `[ember_bus] operation_timeout` (default 30): seconds one bus statement (a cast, a claim)
///   may take, waiting for a connection included, before it fails as unavailable (PostgreSQL).
public struct TransportConfiguration: Sendable, Equatable {
    /// Which transport.
    public enum Transport: Sendable, Equatable {
        /// `ember://`: the in-process actor bus.
        case inProcess
        /// `postgresql://…`: the PostgreSQL queue tables.
        case postgresql(PostgresURL)
    }

    public var transport: Transport
    public var rpcResponseTimeout: Duration
    public var visibilityTimeout: Duration
    public var pollInterval: Duration
    public var maxAttempts: Int
    public var maxQueueDepth: Int
    public var tablePrefix: String
    public var operationTimeout: Duration = .seconds(30)

    public init(
        transport: Transport = .inProcess,
        rpcResponseTimeout: Duration = .seconds(60),
        visibilityTimeout: Duration = .seconds(60),
        pollInterval: Duration = .seconds(1),
        maxAttempts: Int = 5,
        maxQueueDepth: Int = 10_000,
        tablePrefix: String = "ember_bus"
    ) {
        self.transport = transport
        self.rpcResponseTimeout = rpcResponseTimeout
        self.visibilityTimeout = visibilityTimeout
        self.pollInterval = pollInterval
        self.maxAttempts = maxAttempts
        self.maxQueueDepth = maxQueueDepth
        self.tablePrefix = tablePrefix
    }

    /// Reads the options above from `files`.
    public init(files: ConfigFiles) throws(ConfigurationError) {
        self.init()
        let url = files.string("DEFAULT", "transport_url", default: "ember://").trimmingWhitespace()
        if url.isEmpty || url.lowercased().hasPrefix("ember:") {
            transport = .inProcess
        } else {
            switch PostgresURL.parse(url) {
            case .success(let parsed):
                transport = .postgresql(parsed)
            case .failure(let error):
                throw .malformedValue(
                    path: files.lookup("DEFAULT", "transport_url")?.path ?? "",
                    section: "DEFAULT",
                    option: "transport_url",
                    value: url,
                    expected: "ember:// or postgresql://user:password@host:port/database (\(error.reason))"
                )
            }
        }
        rpcResponseTimeout = .seconds(try files.int("DEFAULT", "rpc_response_timeout", default: 60, minimum: 1))
        visibilityTimeout = .seconds(try files.int("ember_bus", "visibility_timeout", default: 60, minimum: 1))
        let poll = try files.double("ember_bus", "poll_interval", default: 1)
        guard poll > 0 else {
            throw .malformedValue(
                path: files.lookup("ember_bus", "poll_interval")?.path ?? "",
                section: "ember_bus",
                option: "poll_interval",
                value: String(poll),
                expected: "a positive number of seconds"
            )
        }
        pollInterval = .milliseconds(Int((poll * 1000).rounded()))
        maxAttempts = try files.int("ember_bus", "max_attempts", default: 5, minimum: 1)
        maxQueueDepth = try files.int("ember_bus", "max_queue_depth", default: 10_000, minimum: 1)
        let prefix = files.string("ember_bus", "table_prefix", default: "ember_bus")
        guard PostgresBus.Configuration.isValidPrefix(prefix) else {
            throw .malformedValue(
                path: files.lookup("ember_bus", "table_prefix")?.path ?? "",
                section: "ember_bus",
                option: "table_prefix",
                value: prefix,
                expected: "lower-case letters, digits and underscores, starting with a letter (at most 40)"
            )
        }
        tablePrefix = prefix
        let operation = try files.double("ember_bus", "operation_timeout", default: 30)
        guard operation > 0 else {
            throw .malformedValue(
                path: files.lookup("ember_bus", "operation_timeout")?.path ?? "",
                section: "ember_bus",
                option: "operation_timeout",
                value: String(operation),
                expected: "a positive number of seconds"
            )
        }
        operationTimeout = .milliseconds(Int((operation * 1000).rounded()))
    }

    /// Builds the configured bus. Add it to the `ServiceGroup` before its consumers.
    public func makeBus(logger: Logger) -> any MessageBus {
        switch transport {
        case .inProcess:
            InProcessBus(
                configuration: InProcessBus.Configuration(maxQueueDepth: maxQueueDepth, maxAttempts: maxAttempts),
                logger: logger
            )
        case .postgresql(let url):
            PostgresBus(
                url: url,
                configuration: PostgresBus.Configuration(
                    visibilityTimeout: visibilityTimeout,
                    pollInterval: pollInterval,
                    maxAttempts: maxAttempts,
                    tablePrefix: tablePrefix,
                    operationTimeout: operationTimeout
                ),
                logger: logger
            )
        }
    }
}

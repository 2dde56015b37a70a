import EmberCore
import Foundation
import Logging
import NIOCore
import PostgresNIO
import ServiceLifecycle

/// The PostgreSQL transport (`transport_url = postgresql://…`): a durable queue table shared
/// by every Ember process.
///
/// Tables (prefix ``Configuration/tablePrefix``, created on first use under an advisory lock):
/// - `PREFIX_messages`: one row per message to deliver. A cast is one row for its topic; a
///   fanout cast is one row per live consumer of the topic, addressed by `consumer_id`.
///   A consumer claims the oldest visible row with `SELECT … FOR UPDATE SKIP LOCKED`, setting
///   `locked_until = now() + visibility_timeout`, `attempts += 1` and a fresh `claim_token`;
///   it deletes the row (acknowledges) after its handler succeeds. A consumer that dies
///   mid-message leaves the row to reappear after the visibility timeout (at least once).
///   A row claimed more than `max_attempts` times, or whose handler failed that often, gets
///   `dead_at` set (dead letter) and is kept for inspection.
/// - `PREFIX_consumers`: live consumers and their heartbeats (every visibility_timeout / 4).
///   Fanout copies go to consumers seen within one visibility timeout; stale consumers and
///   their copies are swept.
/// - `PREFIX_replies`: replies to calls, by correlation id, addressed to the calling bus
///   instance; taken (deleted) by the caller.
///
/// Wake-ups: inserts `NOTIFY PREFIX_events` with payload `w:<topic>` (new message) or
/// `r:<bus id>` (new reply). Each bus instance keeps one `LISTEN` connection and wakes its
/// local consumers; every consumer also polls each ``Configuration/pollInterval`` in case a
/// notification was missed (listener reconnecting).
public final class PostgresBus: MessageBus {
    /// Options of the PostgreSQL transport (`[ember_bus]`).
    public struct Configuration: Sendable {
        /// How long a claimed message stays invisible (`visibility_timeout`, default 60 s).
        public var visibilityTimeout: Duration
        /// Fallback poll period (`poll_interval`, default 1 s).
        public var pollInterval: Duration
        /// Deliveries before dead-lettering (`max_attempts`, default 5).
        public var maxAttempts: Int
        /// Table and channel name prefix (`table_prefix`, default `ember_bus`).
        public var tablePrefix: String
        /// The longest one bus operation may take, a connection's wait included
        /// (`operation_timeout`, default 30 s): a cast during a database outage fails as
        /// unavailable instead of holding its API request.
        public var operationTimeout: Duration

        public init(
            visibilityTimeout: Duration = .seconds(60),
            pollInterval: Duration = .seconds(1),
            maxAttempts: Int = 5,
            tablePrefix: String = "ember_bus",
            operationTimeout: Duration = .seconds(30)
        ) {
            precondition(Self.isValidPrefix(tablePrefix), "invalid bus table prefix \(tablePrefix)")
            self.visibilityTimeout = visibilityTimeout
            self.pollInterval = pollInterval
            self.maxAttempts = maxAttempts
            self.tablePrefix = tablePrefix
            self.operationTimeout = operationTimeout
        }

        /// A prefix is safe to splice into SQL: `[a-z][a-z0-9_]{0,39}`.
        public static func isValidPrefix(_ prefix: String) -> Bool {
            guard let first = prefix.unicodeScalars.first, ("a"..."z").contains(first), prefix.count <= 40 else {
                return false
            }
            return prefix.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_"
            }
        }
    }

    /// The options in force.
    public let configuration: Configuration
    /// This bus instance's reply address.
    public let busID: String
    let client: PostgresClient
    let ownsClient: Bool
    let logger: Logger
    let replies = ReplyRegistry()
    let wakes = WakeHub()
    let schema = SchemaState()

    /// A bus with its own `PostgresClient` for `url`; `run()` runs the client.
    public convenience init(url: PostgresURL, configuration: Configuration = Configuration(), logger: Logger) {
        var clientConfiguration: PostgresClient.Configuration
        if let socket = url.unixSocketPath {
            clientConfiguration = PostgresClient.Configuration(
                unixSocketPath: socket,
                username: url.username,
                password: url.password,
                database: url.database
            )
        } else {
            clientConfiguration = PostgresClient.Configuration(
                host: url.host,
                port: url.port,
                username: url.username,
                password: url.password,
                database: url.database,
                tls: .disable
            )
        }
        clientConfiguration.options.maximumConnections = 10
        self.init(
            client: PostgresClient(configuration: clientConfiguration, backgroundLogger: logger),
            ownsClient: true,
            configuration: configuration,
            logger: logger
        )
    }

    /// A bus over an existing client (shared with the store). When `ownsClient` is false the
    /// caller runs the client.
    public init(client: PostgresClient, ownsClient: Bool = false, configuration: Configuration, logger: Logger) {
        self.client = client
        self.ownsClient = ownsClient
        self.configuration = configuration
        self.logger = logger
        self.busID = UUID().uuidString.lowercased()
    }

    /// Runs the client (when owned), the notification listener and the reply poller until
    /// graceful shutdown or cancellation.
    ///
    /// The owned client stops only after the listener and the poller have ended, on graceful
    /// shutdown and on cancellation alike. Both use connections of it (the listener holds one
    /// and, inside it, fetches replies and creates the tables with another), and stopping a
    /// `PostgresClient` closes the connections in use: a statement of theirs then fails, and
    /// the next one written to the closed connection (a `ROLLBACK`) is lost by PostgresNIO
    /// (its channel handler, which would fail it, has gone) so its caller waits for ever.
    /// Cancelling the client together with the listener did that: `ember manage volume
    /// delete` over the bus cancels `run()` after its cast, and under load it sometimes never
    /// exited, with every thread idle. `PostgresClient.run()` itself ends on graceful
    /// shutdown, so it runs in a task that inherits neither the graceful-shutdown context nor
    /// the cancellation (a detached task, cancelled and awaited once its users are done).
    public func run() async throws {
        guard ownsClient else {
            await runListenerAndPoller()
            return
        }
        let client = client
        let clientTask = Task.detached { await client.run() }
        await runListenerAndPoller()
        clientTask.cancel()
        await clientTask.value
    }

    /// The notification listener and the reply poller, until graceful shutdown or cancellation.
    private func runListenerAndPoller() async {
        await withDiscardingTaskGroup { group in
            group.addTask {
                await cancelWhenGracefulShutdown { await self.listen() }
            }
            group.addTask {
                await cancelWhenGracefulShutdown { await self.pollReplies() }
            }
        }
    }

    public func cast(_ envelope: Envelope) async throws {
        let text = try envelope.encoded()
        try await execute("cast") { connection in
            try await self.exec(
                """
                WITH ins AS (INSERT INTO \(unescaped: self.messagesTable) (topic, envelope) VALUES (\(envelope.topic), \(text)))
                SELECT pg_notify(\(self.channel), \("w:" + envelope.topic))
                """,
                on: connection
            )
        }
    }

    public func fanoutCast(_ envelope: Envelope) async throws {
        let text = try envelope.encoded()
        let liveness = Self.seconds(configuration.visibilityTimeout)
        try await execute("fanout cast") { connection in
            try await self.exec(
                """
                WITH ins AS (INSERT INTO \(unescaped: self.messagesTable) (topic, consumer_id, envelope)
                    SELECT topic, consumer_id, \(text) FROM \(unescaped: self.consumersTable)
                    WHERE topic = \(envelope.topic) AND heartbeat_at > now() - make_interval(secs => \(liveness)))
                SELECT pg_notify(\(self.channel), \("w:" + envelope.topic))
                """,
                on: connection
            )
        }
    }

    public func call(_ envelope: Envelope, timeout: Duration) async throws -> JSONValue {
        var envelope = envelope
        let correlationID = UUID()
        envelope.correlationID = correlationID
        envelope.replyTo = busID
        envelope.expiresAt = Date().addingTimeInterval(Self.seconds(timeout))
        await replies.register(correlationID)
        do {
            try await cast(envelope)
        } catch {
            await replies.remove(correlationID)
            throw error
        }
        return try await replies.awaitReply(
            correlationID,
            timeout: timeout,
            topic: envelope.topic,
            method: envelope.method
        )
    }

    public func makeConsumer(
        topic: String,
        supportedVersion: RPCVersion,
        handler: @escaping MessageHandler
    ) -> any MessageConsumer {
        PostgresConsumer(bus: self, topic: topic, supportedVersion: supportedVersion, handler: handler)
    }

    public func deadLetters(topic: String) async throws -> [DeadLetter] {
        try await execute("dead letters") { connection in
            let rows = try await connection.query(
                """
                SELECT envelope, attempts, coalesce(last_error, '') FROM \(unescaped: self.messagesTable)
                WHERE topic = \(topic) AND dead_at IS NOT NULL ORDER BY seq
                """,
                logger: self.logger
            )
            var letters: [DeadLetter] = []
            for try await (text, attempts, reason) in rows.decode((String, Int, String).self) {
                letters.append(DeadLetter(envelope: try Envelope.decode(text), attempts: attempts, reason: reason))
            }
            return letters
        }
    }

    public func queueStatistics() async throws -> [TopicQueueStatistics] {
        try await execute("queue statistics") { connection in
            let rows = try await connection.query(
                """
                SELECT topic, count(*)::bigint, min(created_at) FROM \(unescaped: self.messagesTable)
                WHERE dead_at IS NULL GROUP BY topic ORDER BY topic
                """,
                logger: self.logger
            )
            var statistics: [TopicQueueStatistics] = []
            for try await (topic, depth, oldest) in rows.decode((String, Int, Date).self) {
                statistics.append(TopicQueueStatistics(topic: topic, depth: depth, oldestCreatedAt: oldest))
            }
            return statistics
        }
    }

    /// Messages of `topic` not yet acknowledged nor dead (for tests and diagnostics).
    public func pendingCount(topic: String) async throws -> Int {
        try await execute("count") { connection in
            let rows = try await connection.query(
                """
                SELECT count(*)::bigint FROM \(unescaped: self.messagesTable)
                WHERE topic = \(topic) AND dead_at IS NULL
                """,
                logger: self.logger
            )
            for try await count in rows.decode(Int.self) { return count }
            return 0
        }
    }

    // MARK: - Names

    var messagesTable: String { configuration.tablePrefix + "_messages" }
    var consumersTable: String { configuration.tablePrefix + "_consumers" }
    var repliesTable: String { configuration.tablePrefix + "_replies" }
    var channel: String { configuration.tablePrefix + "_events" }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

import EmberCore
import Foundation
import Logging
import NIOCore
import PostgresNIO

/// A message claimed by one consumer.
struct ClaimedMessage: Sendable {
    var seq: Int
    var token: UUID
    var attempts: Int
    var text: String
}

extension PostgresBus {
    /// Closes a connection without waiting (fails whatever query runs on it).
    static func closeNow(_ connection: PostgresConnection) {
        let _: EventLoopFuture<Void> = connection.close()
    }

    /// Runs a statement on `connection` and reads its rows to the end.
    func exec(_ query: PostgresQuery, on connection: PostgresConnection) async throws {
        _ = try await connection.query(query, logger: logger).collect()
    }

    /// Runs `body` on a leased connection after making sure the tables exist, within the
    /// operation timeout (see ``Deadline``: at the deadline the caller stops waiting and the
    /// connection is closed); database failures and timeouts become
    /// ``BusError/unavailable(reason:)`` (the details go to the log only).
    @discardableResult
    func execute<T: Sendable>(
        _ what: String,
        _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        let timeout = configuration.operationTimeout
        let hold = AbandonableHold<PostgresConnection>()
        let closeHeldConnection: @Sendable () -> Void = {
            if let connection = hold.abandon() { Self.closeNow(connection) }
        }
        do {
            return try await Deadline.run(
                within: timeout,
                timeoutError: BusError.unavailable(reason: "PostgreSQL \(what) did not answer within \(timeout)"),
                onAbandon: closeHeldConnection
            ) {
                // Nothing is written to a connection the server has closed: a statement
                // written to it could be lost (see `statement(_:on:)`).
                try await hold.withUsableLease(
                    attempts: 5,
                    lease: { try await self.client.withConnection($0) },
                    usable: { !$0.isClosed },
                    unusable: BusError.unavailable(
                        reason: "PostgreSQL \(what) failed: the server closed the connection"
                    )
                ) { connection in
                    try await self.schema.ensure { try await self.migrate(on: connection) }
                    return try await body(connection)
                }
            }
        } catch let error as BusError {
            throw error
        } catch let error as CancellationError {
            throw error
        } catch {
            logger.warning(
                "Message bus operation failed",
                metadata: ["bus.operation": "\(what)", "error": "\(String(reflecting: error))"]
            )
            throw BusError.unavailable(reason: "PostgreSQL \(what) failed")
        }
    }

    /// Runs one statement on `connection` and reads its rows to the end; a connection that has
    /// closed is refused first. PostgresNIO writes a statement to a closed connection into the
    /// void (the channel handler that would fail it has gone) and its caller waits for ever, as
    /// a `ROLLBACK` after a connection dropped under a transaction did.
    func statement(_ query: PostgresQuery, on connection: PostgresConnection) async throws {
        guard !connection.isClosed else { throw BusError.unavailable(reason: "PostgreSQL connection closed") }
        _ = try await connection.query(query, logger: logger).collect()
    }

    /// `body` in a transaction on `connection`: committed when it returns, rolled back when it
    /// throws by closing the connection (the server rolls back when the session ends).
    /// PostgresNIO's own `withTransaction` writes a `ROLLBACK`, which is lost when the failure
    /// was the connection's own (the server ended the session, or it is closing), and then
    /// waits for ever.
    func transaction(
        on connection: PostgresConnection,
        _ body: (PostgresConnection) async throws -> Void
    ) async throws {
        try await statement("BEGIN", on: connection)
        do {
            try await body(connection)
            try await statement("COMMIT", on: connection)
        } catch {
            Self.closeNow(connection)
            throw error
        }
    }

    /// Creates the bus tables if they are missing.
    func migrate(on connection: PostgresConnection) async throws {
        let prefix = configuration.tablePrefix
        try await transaction(on: connection) { connection in
            try await statement("SELECT pg_advisory_xact_lock(hashtext(\(prefix)))", on: connection)
            try await statement(
                """
                CREATE TABLE IF NOT EXISTS \(unescaped: messagesTable) (
                    seq bigserial PRIMARY KEY,
                    topic text NOT NULL,
                    consumer_id text,
                    envelope text NOT NULL,
                    attempts integer NOT NULL DEFAULT 0,
                    claim_token uuid,
                    locked_until timestamptz NOT NULL DEFAULT now(),
                    created_at timestamptz NOT NULL DEFAULT now(),
                    dead_at timestamptz,
                    last_error text)
                """,
                on: connection
            )
            try await statement(
                """
                CREATE INDEX IF NOT EXISTS \(unescaped: messagesTable)_ready
                ON \(unescaped: messagesTable) (topic, seq) WHERE dead_at IS NULL
                """,
                on: connection
            )
            try await statement(
                """
                CREATE TABLE IF NOT EXISTS \(unescaped: consumersTable) (
                    consumer_id text PRIMARY KEY,
                    topic text NOT NULL,
                    heartbeat_at timestamptz NOT NULL DEFAULT now())
                """,
                on: connection
            )
            try await statement(
                """
                CREATE TABLE IF NOT EXISTS \(unescaped: repliesTable) (
                    correlation_id uuid PRIMARY KEY,
                    reply_to text NOT NULL,
                    reply text NOT NULL,
                    created_at timestamptz NOT NULL DEFAULT now())
                """,
                on: connection
            )
        }
    }

    /// Claims the oldest visible message of `topic` for `consumerID` (shared or addressed to it).
    func claim(topic: String, consumerID: String) async throws -> ClaimedMessage? {
        let visibility = Self.seconds(configuration.visibilityTimeout)
        let token = UUID()
        return try await execute("claim") { connection in
            let rows = try await connection.query(
                """
                UPDATE \(unescaped: self.messagesTable)
                SET locked_until = now() + make_interval(secs => \(visibility)), attempts = attempts + 1,
                    claim_token = \(token)
                WHERE seq = (
                    SELECT seq FROM \(unescaped: self.messagesTable)
                    WHERE topic = \(topic) AND (consumer_id IS NULL OR consumer_id = \(consumerID))
                      AND dead_at IS NULL AND locked_until <= now()
                    ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED)
                RETURNING seq, attempts, envelope
                """,
                logger: self.logger
            )
            for try await (seq, attempts, text) in rows.decode((Int, Int, String).self) {
                return ClaimedMessage(seq: seq, token: token, attempts: attempts, text: text)
            }
            return nil
        }
    }

    /// Deletes a handled message, if this claim still holds it.
    func acknowledge(_ message: ClaimedMessage) async throws {
        try await execute("acknowledge") { connection in
            try await self.exec(
                """
                DELETE FROM \(unescaped: self.messagesTable)
                WHERE seq = \(message.seq) AND claim_token = \(message.token)
                """,
                on: connection
            )
        }
    }

    /// Makes a failed message visible again at once for another try.
    func release(_ message: ClaimedMessage, reason: String, topic: String) async throws {
        try await execute("release") { connection in
            try await self.exec(
                """
                WITH upd AS (UPDATE \(unescaped: self.messagesTable)
                    SET locked_until = now(), last_error = \(reason)
                    WHERE seq = \(message.seq) AND claim_token = \(message.token))
                SELECT pg_notify(\(self.channel), \("w:" + topic))
                """,
                on: connection
            )
        }
    }

    /// Moves a message to the dead-letter state.
    func deadLetter(_ message: ClaimedMessage, reason: String) async throws {
        try await execute("dead letter") { connection in
            try await self.exec(
                """
                UPDATE \(unescaped: self.messagesTable) SET dead_at = now(), last_error = \(reason)
                WHERE seq = \(message.seq)
                """,
                on: connection
            )
        }
    }

    /// Stores the reply to a call and acknowledges its message in one statement.
    func reply(_ reply: Reply, to replyTo: String, acknowledging message: ClaimedMessage) async throws {
        let text = try reply.encoded()
        try await execute("reply") { connection in
            try await self.exec(
                """
                WITH del AS (DELETE FROM \(unescaped: self.messagesTable)
                        WHERE seq = \(message.seq) AND claim_token = \(message.token)),
                    ins AS (INSERT INTO \(unescaped: self.repliesTable) (correlation_id, reply_to, reply)
                        VALUES (\(reply.correlationID), \(replyTo), \(text)) ON CONFLICT DO NOTHING)
                SELECT pg_notify(\(self.channel), \("r:" + replyTo))
                """,
                on: connection
            )
        }
    }

    // MARK: - Consumers

    /// Records (or refreshes) a live consumer and sweeps stale consumers, their fanout copies
    /// and old unclaimed replies.
    func heartbeat(consumerID: String, topic: String) async throws {
        let stale = Self.seconds(configuration.visibilityTimeout) * 10
        try await execute("heartbeat") { connection in
            try await self.exec(
                """
                INSERT INTO \(unescaped: self.consumersTable) (consumer_id, topic) VALUES (\(consumerID), \(topic))
                ON CONFLICT (consumer_id) DO UPDATE SET heartbeat_at = now()
                """,
                on: connection
            )
            try await self.exec(
                """
                WITH gone AS (DELETE FROM \(unescaped: self.consumersTable)
                        WHERE heartbeat_at < now() - make_interval(secs => \(stale)) RETURNING consumer_id),
                    copies AS (DELETE FROM \(unescaped: self.messagesTable)
                        WHERE consumer_id IN (SELECT consumer_id FROM gone)),
                    old AS (DELETE FROM \(unescaped: self.repliesTable)
                        WHERE created_at < now() - make_interval(secs => \(stale)))
                SELECT 1
                """,
                on: connection
            )
        }
    }

    /// Forgets a consumer that stopped, with the fanout copies addressed to it.
    func unregister(consumerID: String) async throws {
        try await execute("unregister") { connection in
            try await self.exec(
                """
                WITH gone AS (DELETE FROM \(unescaped: self.consumersTable) WHERE consumer_id = \(consumerID))
                DELETE FROM \(unescaped: self.messagesTable) WHERE consumer_id = \(consumerID) AND dead_at IS NULL
                """,
                on: connection
            )
        }
    }

    // MARK: - Notifications and replies

    /// Keeps one `LISTEN` connection, waking consumers and fetching replies; reconnects after
    /// failures until cancelled.
    func listen() async {
        while !Task.isCancelled {
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: self.channel) { notifications in
                        // Anything sent while we were not listening: look now.
                        await self.wakes.wakeAll()
                        await self.fetchReplies()
                        for try await notification in notifications {
                            await self.handle(notification.payload)
                        }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                logger.warning(
                    "Message bus listener failed; relying on polling until it reconnects",
                    metadata: ["error": "\(String(reflecting: error))"]
                )
            }
            do {
                try await Task.sleep(for: configuration.pollInterval)
            } catch {
                return
            }
        }
    }

    private func handle(_ payload: String) async {
        if payload.hasPrefix("w:") {
            await wakes.wake(topic: String(payload.dropFirst(2)))
        } else if payload == "r:" + busID {
            await fetchReplies()
        }
    }

    /// Polls for replies while calls are outstanding, in case a notification was missed.
    func pollReplies() async {
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: configuration.pollInterval)
            } catch {
                return
            }
            if await !replies.pending.isEmpty {
                await fetchReplies()
            }
        }
    }

    /// Takes every reply addressed to this bus instance and hands it to its caller.
    func fetchReplies() async {
        do {
            let texts: [String] = try await execute("fetch replies") { connection in
                let rows = try await connection.query(
                    "DELETE FROM \(unescaped: self.repliesTable) WHERE reply_to = \(self.busID) RETURNING reply",
                    logger: self.logger
                )
                var texts: [String] = []
                for try await text in rows.decode(String.self) { texts.append(text) }
                return texts
            }
            for text in texts {
                let reply = try Reply.decode(text)
                await replies.complete(reply.correlationID, reply.outcome)
            }
        } catch {
            logger.debug("Fetching replies failed", metadata: ["error": "\(String(reflecting: error))"])
        }
    }
}

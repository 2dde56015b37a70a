import EmberCore
import Foundation
import Logging
import PostgresNIO

/// A message claimed by one consumer.
struct ClaimedMessage: Sendable {
    var seq: Int
    var token: UUID
    var attempts: Int
    var text: String
}

extension PostgresBus {
    /// Runs a statement and reads its rows to the end (which returns the connection).
    func exec(_ query: PostgresQuery) async throws {
        _ = try await client.query(query, logger: logger).collect()
    }

    /// Runs `body` after making sure the tables exist; database failures become
    /// ``BusError/unavailable(reason:)`` (the details go to the log only).
    @discardableResult
    func execute<T: Sendable>(_ what: String, _ body: @Sendable () async throws -> T) async throws -> T {
        do {
            try await schema.ensure { try await self.migrate() }
            return try await body()
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

    /// Creates the bus tables if they are missing.
    func migrate() async throws {
        let prefix = configuration.tablePrefix
        try await client.withTransaction(logger: logger) { connection in
            _ = try await connection.query("SELECT pg_advisory_xact_lock(hashtext(\(prefix)))", logger: logger)
                .collect()
            _ = try await connection.query(
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
                logger: logger
            ).collect()
            _ = try await connection.query(
                """
                CREATE INDEX IF NOT EXISTS \(unescaped: messagesTable)_ready
                ON \(unescaped: messagesTable) (topic, seq) WHERE dead_at IS NULL
                """,
                logger: logger
            ).collect()
            _ = try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS \(unescaped: consumersTable) (
                    consumer_id text PRIMARY KEY,
                    topic text NOT NULL,
                    heartbeat_at timestamptz NOT NULL DEFAULT now())
                """,
                logger: logger
            ).collect()
            _ = try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS \(unescaped: repliesTable) (
                    correlation_id uuid PRIMARY KEY,
                    reply_to text NOT NULL,
                    reply text NOT NULL,
                    created_at timestamptz NOT NULL DEFAULT now())
                """,
                logger: logger
            ).collect()
        }
    }

    /// Claims the oldest visible message of `topic` for `consumerID` (shared or addressed to it).
    func claim(topic: String, consumerID: String) async throws -> ClaimedMessage? {
        let visibility = Self.seconds(configuration.visibilityTimeout)
        let token = UUID()
        return try await execute("claim") {
            let rows = try await self.client.query(
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
        try await execute("acknowledge") {
            try await self.exec(
                """
                DELETE FROM \(unescaped: self.messagesTable)
                WHERE seq = \(message.seq) AND claim_token = \(message.token)
                """
            )
        }
    }

    /// Makes a failed message visible again at once for another try.
    func release(_ message: ClaimedMessage, reason: String, topic: String) async throws {
        try await execute("release") {
            try await self.exec(
                """
                WITH upd AS (UPDATE \(unescaped: self.messagesTable)
                    SET locked_until = now(), last_error = \(reason)
                    WHERE seq = \(message.seq) AND claim_token = \(message.token))
                SELECT pg_notify(\(self.channel), \("w:" + topic))
                """
            )
        }
    }

    /// Moves a message to the dead-letter state.
    func deadLetter(_ message: ClaimedMessage, reason: String) async throws {
        try await execute("dead letter") {
            try await self.exec(
                """
                UPDATE \(unescaped: self.messagesTable) SET dead_at = now(), last_error = \(reason)
                WHERE seq = \(message.seq)
                """
            )
        }
    }

    /// Stores the reply to a call and acknowledges its message in one statement.
    func reply(_ reply: Reply, to replyTo: String, acknowledging message: ClaimedMessage) async throws {
        let text = try reply.encoded()
        try await execute("reply") {
            try await self.exec(
                """
                WITH del AS (DELETE FROM \(unescaped: self.messagesTable)
                        WHERE seq = \(message.seq) AND claim_token = \(message.token)),
                    ins AS (INSERT INTO \(unescaped: self.repliesTable) (correlation_id, reply_to, reply)
                        VALUES (\(reply.correlationID), \(replyTo), \(text)) ON CONFLICT DO NOTHING)
                SELECT pg_notify(\(self.channel), \("r:" + replyTo))
                """
            )
        }
    }

    // MARK: - Consumers

    /// Records (or refreshes) a live consumer and sweeps stale consumers, their fanout copies
    /// and old unclaimed replies.
    func heartbeat(consumerID: String, topic: String) async throws {
        let stale = Self.seconds(configuration.visibilityTimeout) * 10
        try await execute("heartbeat") {
            try await self.exec(
                """
                INSERT INTO \(unescaped: self.consumersTable) (consumer_id, topic) VALUES (\(consumerID), \(topic))
                ON CONFLICT (consumer_id) DO UPDATE SET heartbeat_at = now()
                """
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
                """
            )
        }
    }

    /// Forgets a consumer that stopped, with the fanout copies addressed to it.
    func unregister(consumerID: String) async throws {
        try await execute("unregister") {
            try await self.exec(
                """
                WITH gone AS (DELETE FROM \(unescaped: self.consumersTable) WHERE consumer_id = \(consumerID))
                DELETE FROM \(unescaped: self.messagesTable) WHERE consumer_id = \(consumerID) AND dead_at IS NULL
                """
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
            let texts: [String] = try await execute("fetch replies") {
                let rows = try await self.client.query(
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

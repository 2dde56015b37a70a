import EmberCore
import Foundation
import Logging
import ServiceLifecycle

/// A consumer of one topic of a ``PostgresBus``; its `run()` is the consumer loop.
///
/// It registers in the consumers table (for fanout), then looks at the queue whenever the
/// bus's listener says the topic has news, and every poll interval regardless. Child tasks
/// keep the poll ticker and the heartbeat; they end with `run()`.
public struct PostgresConsumer: MessageConsumer {
    public let topic: String
    public let consumerID: String
    let bus: PostgresBus
    let supportedVersion: RPCVersion
    let handler: MessageHandler

    init(bus: PostgresBus, topic: String, supportedVersion: RPCVersion, handler: @escaping MessageHandler) {
        self.bus = bus
        self.topic = topic
        self.supportedVersion = supportedVersion
        self.handler = handler
        self.consumerID = topic + ":" + UUID().uuidString.lowercased()
    }

    /// Handles messages until graceful shutdown (after the message in hand) or cancellation
    /// (the message in hand is redelivered after the visibility timeout).
    public func run() async throws {
        // Unreachable database: keep going; claims and heartbeats retry every poll interval.
        try? await bus.heartbeat(consumerID: consumerID, topic: topic)
        let wakeUps = await bus.wakes.subscribe(consumerID: consumerID, topic: topic)
        await withDiscardingTaskGroup { group in
            group.addTask { await self.tick() }
            group.addTask { await self.beat() }
            await consume(wakeUps)
            group.cancelAll()
        }
        await bus.wakes.unsubscribe(consumerID: consumerID)
        if !Task.isCancelled {
            try? await bus.unregister(consumerID: consumerID)
        }
    }

    private func consume(_ wakeUps: AsyncStream<Void>) async {
        for await _ in wakeUps.cancelOnGracefulShutdown() {
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                let message: ClaimedMessage?
                do {
                    message = try await bus.claim(topic: topic, consumerID: consumerID)
                } catch {
                    break  // logged by the bus; the next tick tries again
                }
                guard let message else { break }
                if await !process(message) { return }
            }
        }
    }

    private func tick() async {
        while true {
            do {
                try await Task.sleep(for: bus.configuration.pollInterval)
            } catch {
                return
            }
            await bus.wakes.wake(consumerID: consumerID)
        }
    }

    private func beat() async {
        let interval = bus.configuration.visibilityTimeout / 4
        while true {
            do {
                try await Task.sleep(for: interval)
            } catch {
                return
            }
            try? await bus.heartbeat(consumerID: consumerID, topic: topic)
        }
    }

    /// Errors that no retry can fix: the message goes to the dead letters at once.
    static func isPermanent(_ error: any Error) -> Bool {
        switch error as? BusError {
        case .unsupportedVersion, .noSuchMethod, .malformedMessage: true
        default: false
        }
    }

    /// Runs the handler for one claimed message; false when cancelled mid-message.
    private func process(_ message: ClaimedMessage) async -> Bool {
        let envelope: Envelope
        do {
            envelope = try Envelope.decode(message.text)
        } catch {
            try? await bus.deadLetter(message, reason: "\(error)")
            return true
        }
        var metadata: Logger.Metadata = [
            "bus.topic": "\(topic)", "bus.method": "\(envelope.method)", "bus.message_id": "\(envelope.id)",
            "bus.attempts": "\(message.attempts)", "request.id": "\(envelope.context.requestID)",
        ]
        if message.attempts > bus.configuration.maxAttempts {
            let reason = "delivered \(message.attempts - 1) times without acknowledgement"
            metadata["bus.reason"] = "\(reason)"
            bus.logger.error("Message dead-lettered", metadata: metadata)
            try? await bus.deadLetter(message, reason: reason)
            return true
        }
        if let expiresAt = envelope.expiresAt, expiresAt < Date() {
            try? await bus.acknowledge(message)
            return true
        }
        let outcome: Result<JSONValue, any Error>
        do {
            try envelope.checkVersion(supported: supportedVersion)
            outcome = .success(try await handler(envelope))
        } catch {
            if Task.isCancelled { return false }
            outcome = .failure(error)
        }
        do {
            switch (outcome, envelope.correlationID, envelope.replyTo) {
            case (.success(let result), let correlationID?, let replyTo?):
                try await bus.reply(
                    Reply(correlationID: correlationID, result: result),
                    to: replyTo,
                    acknowledging: message
                )
            case (.failure(let error), let correlationID?, let replyTo?):
                let reply = Reply(correlationID: correlationID, error: RemoteError(error))
                try await bus.reply(reply, to: replyTo, acknowledging: message)
            case (.success, _, _):
                try await bus.acknowledge(message)
            case (.failure(let error), _, _) where Self.isPermanent(error):
                metadata["bus.reason"] = "\(error)"
                bus.logger.error("Message dead-lettered", metadata: metadata)
                try await bus.deadLetter(message, reason: "\(error)")
            case (.failure(let error), _, _):
                let reason = String(reflecting: error)
                metadata["error"] = "\(reason)"
                if message.attempts >= bus.configuration.maxAttempts {
                    bus.logger.error("Message dead-lettered after failing max_attempts times", metadata: metadata)
                    try await bus.deadLetter(message, reason: reason)
                } else {
                    bus.logger.warning("Message handler failed; will retry", metadata: metadata)
                    try await bus.release(message, reason: reason, topic: topic)
                }
            }
        } catch {
            // The row stays claimed and reappears after the visibility timeout.
            bus.logger.warning("Could not settle message", metadata: metadata)
        }
        return true
    }
}

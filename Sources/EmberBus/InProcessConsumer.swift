import EmberCore
import Foundation
import Logging
import ServiceLifecycle

/// A consumer of one topic of an ``InProcessBus``; its `run()` is the consumer loop.
public struct InProcessConsumer: MessageConsumer {
    public let topic: String
    public let consumerID: String
    let bus: InProcessBus
    let supportedVersion: RPCVersion
    let handler: MessageHandler

    init(bus: InProcessBus, topic: String, supportedVersion: RPCVersion, handler: @escaping MessageHandler) {
        self.bus = bus
        self.topic = topic
        self.supportedVersion = supportedVersion
        self.handler = handler
        self.consumerID = topic + ":" + UUID().uuidString.lowercased()
    }

    /// Takes messages one at a time until graceful shutdown (after the message in hand) or
    /// cancellation (the message in hand goes back to the queue).
    public func run() async throws {
        let deliveries = await bus.register(consumerID: consumerID, topic: topic)
        await bus.ready(consumerID: consumerID)
        for await delivery in deliveries.cancelOnGracefulShutdown() {
            let finished = await process(delivery)
            if !finished || Task.isCancelled { break }
            await bus.ready(consumerID: consumerID)
        }
        await bus.unregister(consumerID: consumerID)
    }

    /// Runs the handler; false when cancelled mid-message (left unacknowledged).
    private func process(_ delivery: InProcessBus.Delivery) async -> Bool {
        let envelope = delivery.envelope
        if let expiresAt = envelope.expiresAt, expiresAt < Date() {
            await bus.acknowledge(consumerID: consumerID, deliveryID: delivery.id)
            return true
        }
        do {
            try envelope.checkVersion(supported: supportedVersion)
        } catch {
            if let correlationID = envelope.correlationID {
                await bus.reply(Reply(correlationID: correlationID, error: RemoteError(error)))
                await bus.acknowledge(consumerID: consumerID, deliveryID: delivery.id)
            } else {
                await bus.reject(consumerID: consumerID, deliveryID: delivery.id, reason: "\(error)", retry: false)
            }
            return true
        }
        do {
            let result = try await handler(envelope)
            if let correlationID = envelope.correlationID {
                await bus.reply(Reply(correlationID: correlationID, result: result))
            }
            await bus.acknowledge(consumerID: consumerID, deliveryID: delivery.id)
        } catch {
            if Task.isCancelled { return false }
            if let correlationID = envelope.correlationID {
                await bus.reply(Reply(correlationID: correlationID, error: RemoteError(error)))
                await bus.acknowledge(consumerID: consumerID, deliveryID: delivery.id)
            } else if PostgresConsumer.isPermanent(error) {
                await bus.reject(consumerID: consumerID, deliveryID: delivery.id, reason: "\(error)", retry: false)
            } else {
                bus.logger.warning(
                    "Message handler failed",
                    metadata: [
                        "bus.topic": "\(topic)", "bus.method": "\(envelope.method)",
                        "bus.attempts": "\(delivery.attempts)", "request.id": "\(envelope.context.requestID)",
                        "error": "\(String(reflecting: error))",
                    ]
                )
                await bus.reject(
                    consumerID: consumerID,
                    deliveryID: delivery.id,
                    reason: String(reflecting: error),
                    retry: true
                )
            }
        }
        return true
    }
}

import EmberCore
import Foundation
import Logging
import ServiceLifecycle

/// The in-process transport (`transport_url = ember://`) for the embedded `ember all`: an
/// actor owning one queue per topic.
///
/// - Casts go to one consumer of the topic. Consumers pull: a free consumer asks for the next
///   message, so messages go round-robin among idle consumers and a busy consumer is skipped.
/// - Fanout casts put one copy in a private queue of every consumer of the topic registered at
///   that moment; a consumer takes its fanout copies before shared messages.
/// - A message handed to a consumer stays "in flight" until acknowledged; when a consumer
///   stops without acknowledging it (cancelled mid-message), it goes back to the front of the
///   topic's queue for another consumer.
/// - Bounded: a topic holds at most ``Configuration/maxQueueDepth`` waiting messages; a cast
///   beyond that throws ``BusError/queueFull(topic:limit:)`` (a 503) rather than growing
///   without limit. Fanout copies and redeliveries are not counted against the bound.
/// - Nothing survives the process: the in-process bus is for one-process deployments.
public actor InProcessBus: MessageBus {
    /// Limits of the in-process bus.
    public struct Configuration: Sendable {
        /// Waiting messages a topic may hold before casts fail (default 10000).
        public var maxQueueDepth: Int
        /// Deliveries of a cast before it is dead-lettered (`[ember_bus] max_attempts`, default 5).
        public var maxAttempts: Int

        public init(maxQueueDepth: Int = 10_000, maxAttempts: Int = 5) {
            self.maxQueueDepth = maxQueueDepth
            self.maxAttempts = maxAttempts
        }
    }

    struct Pending: Sendable {
        var envelope: Envelope
        var attempts: Int
        var isFanout: Bool
    }

    struct Delivery: Sendable {
        var id: UUID
        var envelope: Envelope
        var attempts: Int
    }

    private struct TopicState {
        var queue: [Pending] = []
        var idle: [String] = []
        var consumers: [String] = []
    }

    private struct ConsumerState {
        var topic: String
        var continuation: AsyncStream<Delivery>.Continuation
        var fanout: [Pending] = []
        var inFlight: [UUID: Pending] = [:]
    }

    /// The bus's limits.
    public nonisolated let configuration: Configuration
    let logger: Logger
    let replies = ReplyRegistry()
    private var topics: [String: TopicState] = [:]
    private var consumers: [String: ConsumerState] = [:]
    private var dead: [DeadLetter] = []

    public init(configuration: Configuration = Configuration(), logger: Logger = Logger(label: "ember.bus")) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Nothing to run: the queues live in the actor. Returns on graceful shutdown.
    public func run() async throws {
        try? await gracefulShutdown()
    }

    public func cast(_ envelope: Envelope) throws {
        var state = topics[envelope.topic, default: TopicState()]
        guard state.queue.count < configuration.maxQueueDepth else {
            throw BusError.queueFull(topic: envelope.topic, limit: configuration.maxQueueDepth)
        }
        state.queue.append(Pending(envelope: envelope, attempts: 0, isFanout: false))
        topics[envelope.topic] = state
        dispatch(envelope.topic)
    }

    public func fanoutCast(_ envelope: Envelope) {
        for id in topics[envelope.topic]?.consumers ?? [] {
            consumers[id]?.fanout.append(Pending(envelope: envelope, attempts: 0, isFanout: true))
            if let index = topics[envelope.topic]?.idle.firstIndex(of: id) {
                topics[envelope.topic]?.idle.remove(at: index)
                handNext(to: id)
            }
        }
    }

    public func call(_ envelope: Envelope, timeout: Duration) async throws -> JSONValue {
        var envelope = envelope
        let correlationID = UUID()
        envelope.correlationID = correlationID
        envelope.replyTo = "ember://local"
        envelope.expiresAt = Date().addingTimeInterval(Self.seconds(timeout))
        await replies.register(correlationID)
        do {
            try cast(envelope)
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

    public nonisolated func makeConsumer(
        topic: String,
        supportedVersion: RPCVersion,
        handler: @escaping MessageHandler
    ) -> any MessageConsumer {
        InProcessConsumer(bus: self, topic: topic, supportedVersion: supportedVersion, handler: handler)
    }

    public func deadLetters(topic: String) -> [DeadLetter] {
        dead.filter { $0.envelope.topic == topic }
    }

    /// How many consumers of `topic` are registered (for tests and diagnostics).
    public func consumerCount(topic: String) -> Int {
        topics[topic]?.consumers.count ?? 0
    }

    public func queueStatistics() -> [TopicQueueStatistics] {
        var held: [String: [Envelope]] = [:]
        for (topic, state) in topics {
            held[topic, default: []] += state.queue.map(\.envelope)
        }
        for consumer in consumers.values {
            held[consumer.topic, default: []] +=
                consumer.fanout.map(\.envelope) + consumer.inFlight.values.map(\.envelope)
        }
        return held.compactMap { topic, envelopes in
            envelopes.map(\.createdAt).min().map {
                TopicQueueStatistics(topic: topic, depth: envelopes.count, oldestCreatedAt: $0)
            }
        }.sorted { $0.topic < $1.topic }
    }

    /// How many messages of `topic` wait for a consumer.
    public func queueDepth(topic: String) -> Int {
        topics[topic]?.queue.count ?? 0
    }

    // MARK: - Consumer side

    func register(consumerID: String, topic: String) -> AsyncStream<Delivery> {
        let (stream, continuation) = AsyncStream<Delivery>.makeStream()
        consumers[consumerID] = ConsumerState(topic: topic, continuation: continuation)
        topics[topic, default: TopicState()].consumers.append(consumerID)
        return stream
    }

    /// The consumer is free: hand it its next message now, or when one arrives.
    func ready(consumerID: String) {
        guard let topic = consumers[consumerID]?.topic else { return }
        if !handNext(to: consumerID) {
            topics[topic]?.idle.append(consumerID)
        }
    }

    func acknowledge(consumerID: String, deliveryID: UUID) {
        consumers[consumerID]?.inFlight[deliveryID] = nil
    }

    /// The handler failed: retry the message, or dead-letter it after `maxAttempts`.
    func reject(consumerID: String, deliveryID: UUID, reason: String, retry: Bool) {
        guard let pending = consumers[consumerID]?.inFlight.removeValue(forKey: deliveryID) else { return }
        if retry && pending.attempts < configuration.maxAttempts {
            requeue(pending, consumerID: consumerID)
        } else {
            deadLetter(pending, reason: reason)
        }
    }

    func reply(_ reply: Reply) async {
        await replies.complete(reply.correlationID, reply.outcome)
    }

    /// The consumer stopped: put back what it had not acknowledged.
    func unregister(consumerID: String) {
        guard let state = consumers.removeValue(forKey: consumerID) else { return }
        state.continuation.finish()
        topics[state.topic]?.consumers.removeAll { $0 == consumerID }
        topics[state.topic]?.idle.removeAll { $0 == consumerID }
        for pending in state.inFlight.values.sorted(by: { $0.envelope.createdAt > $1.envelope.createdAt })
        where !pending.isFanout {
            if pending.attempts < configuration.maxAttempts {
                topics[state.topic, default: TopicState()].queue.insert(pending, at: 0)
            } else {
                deadLetter(pending, reason: "consumer stopped without acknowledging, attempts exhausted")
            }
        }
        dispatch(state.topic)
    }

    // MARK: - Internals

    private func requeue(_ pending: Pending, consumerID: String) {
        if pending.isFanout {
            consumers[consumerID]?.fanout.insert(pending, at: 0)
            ready(consumerID: consumerID)
        } else {
            topics[pending.envelope.topic, default: TopicState()].queue.insert(pending, at: 0)
            dispatch(pending.envelope.topic)
        }
    }

    private func deadLetter(_ pending: Pending, reason: String) {
        logger.error(
            "Message dead-lettered",
            metadata: [
                "bus.topic": "\(pending.envelope.topic)", "bus.method": "\(pending.envelope.method)",
                "bus.message_id": "\(pending.envelope.id)", "bus.attempts": "\(pending.attempts)",
                "request.id": "\(pending.envelope.context.requestID)", "bus.reason": "\(reason)",
            ]
        )
        dead.append(DeadLetter(envelope: pending.envelope, attempts: pending.attempts, reason: reason))
    }

    /// Gives waiting messages of `topic` to idle consumers, longest idle first.
    private func dispatch(_ topic: String) {
        while let state = topics[topic], !state.queue.isEmpty, !state.idle.isEmpty {
            let consumerID = topics[topic]!.idle.removeFirst()
            handNext(to: consumerID)
        }
    }

    @discardableResult
    private func handNext(to consumerID: String) -> Bool {
        guard var state = consumers[consumerID] else { return false }
        var pending: Pending
        if !state.fanout.isEmpty {
            pending = state.fanout.removeFirst()
        } else if let first = topics[state.topic]?.queue.first {
            topics[state.topic]?.queue.removeFirst()
            pending = first
        } else {
            return false
        }
        pending.attempts += 1
        let deliveryID = UUID()
        state.inFlight[deliveryID] = pending
        consumers[consumerID] = state
        state.continuation.yield(Delivery(id: deliveryID, envelope: pending.envelope, attempts: pending.attempts))
        return true
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

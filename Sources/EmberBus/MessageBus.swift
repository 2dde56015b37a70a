import EmberCore
import Foundation
import ServiceLifecycle

/// What a consumer runs for each message. The returned value is the reply to a call and is
/// ignored for casts.
///
/// Throwing from a cast asks for redelivery: the message is retried until
/// `max_attempts`, then dead-lettered. A handler that has dealt with a failure itself (set a
/// volume to `error`) should return normally. Throwing from a call sends the error back to
/// the caller as ``BusError/remote(_:)``; calls are not retried.
public typealias MessageHandler = @Sendable (Envelope) async throws -> JSONValue

/// The message bus between the API, the scheduler and the volume workers: oslo.messaging's
/// `RPCClient` and RPC server in one protocol.
///
/// A bus is itself a `Service`: put it in the launcher's `ServiceGroup` *before* its
/// consumers, so that on graceful shutdown the consumers drain first and the bus (its
/// PostgreSQL client) stops after them.
public protocol MessageBus: Service {
    /// Sends `envelope` to one consumer of `envelope.topic` (fire and forget, at least once).
    func cast(_ envelope: Envelope) async throws

    /// Sends `envelope` to every consumer of `envelope.topic` that is running now, once each
    /// (cinder's `fanout=True`, for `update_service_capabilities`). Nobody running: dropped.
    func fanoutCast(_ envelope: Envelope) async throws

    /// Sends `envelope` to one consumer of its topic and waits for the reply.
    ///
    /// - Throws: ``BusError/timeout(topic:method:seconds:)`` when no reply comes within
    ///   `timeout` (oslo's `MessagingTimeout`, `rpc_response_timeout`, default 60 s);
    ///   ``BusError/remote(_:)`` when the handler threw.
    func call(_ envelope: Envelope, timeout: Duration) async throws -> JSONValue

    /// A consumer of `topic` that runs `handler` for each message; run it as a `Service`.
    ///
    /// Messages whose version `supportedVersion` cannot handle are rejected with
    /// ``BusError/unsupportedVersion(method:requested:supported:)`` (dead-lettered, or sent
    /// back to the caller of a call).
    func makeConsumer(
        topic: String,
        supportedVersion: RPCVersion,
        handler: @escaping MessageHandler
    ) -> any MessageConsumer

    /// Messages of `topic` that were given up on (poison messages), oldest first.
    func deadLetters(topic: String) async throws -> [DeadLetter]
    /// For each topic holding messages not yet acknowledged nor given up on (waiting or being
    /// handled): how many, and when the oldest was sent. Topics holding none are left out.
    func queueStatistics() async throws -> [TopicQueueStatistics]
}

/// The unacknowledged messages of one topic (``MessageBus/queueStatistics()``).
public struct TopicQueueStatistics: Sendable, Equatable {
    public var topic: String
    public var depth: Int
    /// When the oldest of them was sent.
    public var oldestCreatedAt: Date

    public init(topic: String, depth: Int, oldestCreatedAt: Date) {
        self.topic = topic
        self.depth = depth
        self.oldestCreatedAt = oldestCreatedAt
    }
}

/// A worker's subscription to a topic, run as a ServiceLifecycle `Service`.
///
/// `run()` returns after a graceful shutdown once the message in hand is finished; a message
/// it has not acknowledged goes to another consumer later. Cancelling `run()` abandons the
/// message in hand, which is then redelivered (at least once).
public protocol MessageConsumer: Service {
    /// The topic consumed.
    var topic: String { get }
    /// A unique id for this consumer (fanout copies are addressed to it).
    var consumerID: String { get }
}

/// A message the bus gave up on, with why.
public struct DeadLetter: Sendable, Equatable {
    /// The message.
    public var envelope: Envelope
    /// How many times it was delivered.
    public var attempts: Int
    /// The last failure.
    public var reason: String

    public init(envelope: Envelope, attempts: Int, reason: String) {
        self.envelope = envelope
        self.attempts = attempts
        self.reason = reason
    }
}

import EmberCore

/// Routes a consumer's messages to one handler per method: the endpoint side of oslo's RPC
/// server (`manager.create_volume(context, **kwargs)`).
///
/// ```swift
/// var dispatcher = RPCDispatcher(topic: Topic.scheduler)
/// dispatcher.on("create_volume") { envelope in …; return .null }
/// let consumer = bus.makeConsumer(topic: Topic.scheduler, supportedVersion: .scheduler, handler: dispatcher.handler)
/// ```
/// A method without a handler fails with ``BusError/noSuchMethod(topic:method:)``, which
/// dead-letters a cast and is returned to the caller of a call.
public struct RPCDispatcher: Sendable {
    /// The topic, for errors.
    public let topic: String
    private var handlers: [String: MessageHandler] = [:]

    public init(topic: String) {
        self.topic = topic
    }

    /// Registers (or replaces) the handler of `method`.
    public mutating func on(_ method: String, _ handler: @escaping MessageHandler) {
        handlers[method] = handler
    }

    /// The methods handled.
    public var methods: [String] { handlers.keys.sorted() }

    /// Runs the handler for `envelope.method`.
    public func dispatch(_ envelope: Envelope) async throws -> JSONValue {
        guard let handler = handlers[envelope.method] else {
            throw BusError.noSuchMethod(topic: topic, method: envelope.method)
        }
        return try await handler(envelope)
    }

    /// This dispatcher as a ``MessageHandler`` for ``MessageBus/makeConsumer(topic:supportedVersion:handler:)``.
    public var handler: MessageHandler {
        let dispatcher = self
        return { envelope in try await dispatcher.dispatch(envelope) }
    }
}

import EmberCore

/// What can go wrong on the bus. Conforms to ``EmberErrorConvertible`` so faultwrap renders
/// it: an unreachable or full bus is a 503, a call timeout is a 500 as cinder's
/// `MessagingTimeout` is.
public enum BusError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The transport cannot be reached (PostgreSQL down, bus shut down).
    case unavailable(reason: String)
    /// No reply to a call within its timeout (oslo's `MessagingTimeout`).
    case timeout(topic: String, method: String, seconds: Double)
    /// The consumer does not implement the message's version (oslo's `UnsupportedVersion`).
    case unsupportedVersion(method: String, requested: RPCVersion, supported: RPCVersion)
    /// The in-process queue of a topic is full (see ``InProcessBus/Configuration/maxQueueDepth``).
    case queueFull(topic: String, limit: Int)
    /// No handler for the method on that topic (oslo's `NoSuchMethod`).
    case noSuchMethod(topic: String, method: String)
    /// The handler of a call raised an error.
    case remote(RemoteError)
    /// A message or reply that cannot be encoded or decoded.
    case malformedMessage(reason: String)

    public var description: String {
        switch self {
        case .unavailable(let reason): "message bus unavailable: \(reason)"
        case .timeout(let topic, let method, let seconds):
            "timed out after \(seconds) s waiting for a reply to \(method) on \(topic)"
        case .unsupportedVersion(let method, let requested, let supported):
            "\(method) requires RPC version \(requested); this endpoint implements \(supported)"
        case .queueFull(let topic, let limit): "queue for \(topic) is full (\(limit) messages)"
        case .noSuchMethod(let topic, let method): "no method \(method) on \(topic)"
        case .remote(let error): "remote error: \(error)"
        case .malformedMessage(let reason): "malformed message: \(reason)"
        }
    }
}

extension BusError: EmberErrorConvertible {
    public var emberError: EmberError {
        switch self {
        case .unavailable, .queueFull:
            .serviceUnavailable("The message bus is unavailable. Try again later.")
        case .remote(let error):
            if let status = error.status, status < 500 {
                EmberError(status: status, message: error.message)
            } else {
                .internalError
            }
        case .timeout, .unsupportedVersion, .noSuchMethod, .malformedMessage:
            .internalError
        }
    }
}

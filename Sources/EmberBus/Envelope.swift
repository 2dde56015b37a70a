import EmberCore
import Foundation

/// One message on the bus: a method to invoke on the consumers of a topic, with its arguments
/// and the caller's context; cinder's `cctxt.cast(ctxt, 'create_volume', **kwargs)`.
public struct Envelope: Codable, Sendable, Equatable {
    /// Unique message id.
    public var id: UUID
    /// Where the message goes: `cinder-scheduler`, `cinder-volume.HOST@BACKEND`, … (see ``Topic``).
    public var topic: String
    /// The manager method to invoke (`create_volume`).
    public var method: String
    /// The RPC API version the sender requires (cinder's `cctxt.prepare(version=…)`).
    public var version: RPCVersion
    /// Keyword arguments of the method, as JSON.
    public var arguments: JSONValue
    /// Who asked.
    public var context: RPCContext
    /// When the sender created the message.
    public var createdAt: Date
    /// For calls: the reply address of the caller (set by ``MessageBus/call(_:timeout:)``).
    public var replyTo: String?
    /// For calls: the id the reply carries back (set by ``MessageBus/call(_:timeout:)``).
    public var correlationID: UUID?
    /// For calls: after this time nobody waits for the reply and consumers drop the message.
    public var expiresAt: Date?

    public init(
        topic: String,
        method: String,
        version: RPCVersion,
        arguments: JSONValue = .object(JSONObject()),
        context: RPCContext,
        id: UUID = UUID(),
        createdAt: Date = Date()
    ) {
        self.id = id
        self.topic = topic
        self.method = method
        self.version = version
        self.arguments = arguments
        self.context = context
        self.createdAt = createdAt
    }

    /// Whether the message is a call that expects a reply.
    public var isCall: Bool { correlationID != nil }

    /// Throws ``BusError/unsupportedVersion(method:requested:supported:)`` unless a server
    /// implementing `supported` can handle this message (same major, minor not newer).
    public func checkVersion(supported: RPCVersion) throws(BusError) {
        guard supported.canHandle(version) else {
            throw .unsupportedVersion(method: method, requested: version, supported: supported)
        }
    }

    /// The message as stored or sent: JSON.
    public func encoded() throws(BusError) -> String {
        do {
            let data = try JSONEncoder().encode(self)
            return String(decoding: data, as: UTF8.self)
        } catch {
            throw .malformedMessage(reason: "cannot encode envelope: \(error)")
        }
    }

    /// Reads a message from its JSON form.
    public static func decode(_ text: String) throws(BusError) -> Envelope {
        do {
            return try JSONDecoder().decode(Envelope.self, from: Data(text.utf8))
        } catch {
            throw .malformedMessage(reason: "cannot decode envelope: \(error)")
        }
    }

    enum CodingKeys: String, CodingKey {
        case id
        case topic
        case method
        case version
        case arguments = "args"
        case context
        case createdAt = "created_at"
        case replyTo = "reply_to"
        case correlationID = "correlation_id"
        case expiresAt = "expires_at"
    }
}

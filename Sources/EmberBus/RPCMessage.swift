import EmberCore
import Foundation

/// One RPC method as a value: its name, the version it needs and its keyword arguments as
/// typed, `Codable` fields. The sender and the receiver share the type, so an argument is
/// named once (in its `CodingKeys`) and read back as the type it was sent as.
///
/// ```swift
/// struct DeleteVolume: RPCMessage {
///     static let method = "delete_volume"
///     static let version = RPCVersion(3, 0)
///     var volumeID: String
///     enum CodingKeys: String, CodingKey { case volumeID = "volume_id" }
/// }
/// try await client.cast(DeleteVolume(volumeID: id), context: context)   // sender
/// dispatcher.on(DeleteVolume.self) { message, context in … }             // receiver
/// ```
///
/// On the wire a message is the `args` object of a versioned ``Envelope``, as before typed
/// messages existed: a message recorded from an earlier release decodes as long as its keys
/// and value types are the same (keys the type does not know are ignored; an absent optional
/// reads as nil). A `JSONValue` field travels as JSON text does: a double with no fraction
/// (`10.0`) reads back as the integer `10`, as it always did through the PostgreSQL queue, so
/// readers of such fields accept either.
public protocol RPCMessage: Codable, Sendable {
    /// What a call returns; ``RPCNoReply`` for casts.
    associatedtype Reply: Codable & Sendable = RPCNoReply
    /// The manager method (`create_volume`).
    static var method: String { get }
    /// The RPC API version the message requires (cinder's `cctxt.prepare(version=…)`).
    static var version: RPCVersion { get }
}

/// The reply of a cast, or of a call that returns nothing: JSON `null`.
public struct RPCNoReply: Codable, Sendable, Equatable {
    public init() {}

    public init(from decoder: any Decoder) throws {}

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encodeNil()
    }
}

extension RPCMessage {
    /// The message's arguments, as an envelope carries them.
    public func arguments() throws(BusError) -> JSONValue {
        try JSONValue.encoding(self, what: Self.method)
    }

    /// Reads a message from an envelope's arguments.
    ///
    /// - Throws: ``BusError/malformedMessage(reason:)`` naming the method and the field.
    public static func decode(_ arguments: JSONValue) throws(BusError) -> Self {
        try arguments.decoding(Self.self, what: method)
    }

    /// The envelope that sends this message to `topic`.
    public func envelope(topic: String, context: RPCContext) throws(BusError) -> Envelope {
        Envelope(topic: topic, method: Self.method, version: Self.version, arguments: try arguments(), context: context)
    }
}

extension JSONValue {
    /// `value` as JSON, through its `Codable` conformance (a `JSONValue` as it is, keys in
    /// their order).
    static func encoding(_ value: some Encodable, what: String) throws(BusError) -> JSONValue {
        if let json = value as? JSONValue { return json }
        do {
            return try JSONValue.parse(Array(JSONEncoder().encode(value)))
        } catch {
            throw .malformedMessage(reason: "cannot encode \(what): \(error)")
        }
    }

    /// This JSON as a `T`, through its `Codable` conformance.
    func decoding<T: Decodable>(_ type: T.Type, what: String) throws(BusError) -> T {
        if let json = self as? T { return json }
        do {
            return try JSONDecoder().decode(T.self, from: Data(serializedBytes()))
        } catch {
            throw .malformedMessage(reason: "cannot decode \(what): \(error)")
        }
    }
}

extension RPCClient {
    /// Casts `message` to one consumer of the topic, at the message's version.
    public func cast<Message: RPCMessage>(_ message: Message, context: RPCContext) async throws {
        try await bus.cast(message.envelope(topic: topic, context: context))
    }

    /// Casts `message` to every running consumer of the topic.
    public func fanoutCast<Message: RPCMessage>(_ message: Message, context: RPCContext) async throws {
        try await bus.fanoutCast(message.envelope(topic: topic, context: context))
    }

    /// Calls `message` on one consumer of the topic and returns its typed reply.
    @discardableResult
    public func call<Message: RPCMessage>(_ message: Message, context: RPCContext) async throws -> Message.Reply {
        let reply = try await bus.call(message.envelope(topic: topic, context: context), timeout: timeout)
        return try reply.decoding(Message.Reply.self, what: "the reply to \(Message.method)")
    }
}

extension RPCDispatcher {
    /// Registers the handler of `Message`: the envelope's arguments are decoded into the
    /// message before `handler` runs, and its reply is encoded back. Arguments that do not
    /// decode fail with ``BusError/malformedMessage(reason:)`` (a cast is dead-lettered after
    /// its attempts; a call's caller gets the error).
    public mutating func on<Message: RPCMessage>(
        _ type: Message.Type,
        _ handler: @escaping @Sendable (Message, RPCContext) async throws -> Message.Reply
    ) {
        on(Message.method) { envelope in
            let message = try Message.decode(envelope.arguments)
            let reply = try await handler(message, envelope.context)
            return try JSONValue.encoding(reply, what: "the reply to \(Message.method)")
        }
    }
}

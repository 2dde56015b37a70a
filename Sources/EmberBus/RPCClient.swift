import EmberCore

/// A client for one topic at one RPC version: oslo's `RPCClient`/`cctxt.prepare(…)`, so the
/// scheduler and volume API code reads like cinder's `rpcapi.py`.
///
/// ```swift
/// let scheduler = RPCClient(bus: bus, topic: Topic.scheduler, version: RPCVersion(3, 10))
/// try await scheduler.cast("create_volume", context: context, ["volume": volume, …])
/// let volume = RPCClient(bus: bus, topic: Topic.volume(host: "node1", backend: "lvm"))
/// let info = try await volume.prepare(version: RPCVersion(3, 9)).call("attachment_update", context: context, […])
/// ```
public struct RPCClient: Sendable {
    /// The bus messages go through.
    public let bus: any MessageBus
    /// The topic (`cinder-scheduler`, `cinder-volume.HOST@BACKEND`).
    public var topic: String
    /// The version stamped on messages (default 3.0, cinder's base version).
    public var version: RPCVersion
    /// How long calls wait (`rpc_response_timeout`, default 60 s).
    public var timeout: Duration

    public init(
        bus: any MessageBus,
        topic: String,
        version: RPCVersion = RPCVersion(3, 0),
        timeout: Duration = .seconds(60)
    ) {
        self.bus = bus
        self.topic = topic
        self.version = version
        self.timeout = timeout
    }

    /// A copy with another topic, version or timeout (cinder's `cctxt.prepare`).
    public func prepare(topic: String? = nil, version: RPCVersion? = nil, timeout: Duration? = nil) -> RPCClient {
        var copy = self
        if let topic { copy.topic = topic }
        if let version { copy.version = version }
        if let timeout { copy.timeout = timeout }
        return copy
    }

    /// Casts `method` to one consumer of the topic.
    public func cast(_ method: String, context: RPCContext, _ arguments: JSONObject = JSONObject()) async throws {
        try await bus.cast(envelope(method, context, arguments))
    }

    /// Casts `method` to every running consumer of the topic.
    public func fanoutCast(_ method: String, context: RPCContext, _ arguments: JSONObject = JSONObject()) async throws {
        try await bus.fanoutCast(envelope(method, context, arguments))
    }

    /// Calls `method` on one consumer of the topic and returns its reply.
    public func call(
        _ method: String,
        context: RPCContext,
        _ arguments: JSONObject = JSONObject()
    ) async throws
        -> JSONValue
    {
        try await bus.call(envelope(method, context, arguments), timeout: timeout)
    }

    private func envelope(_ method: String, _ context: RPCContext, _ arguments: JSONObject) -> Envelope {
        Envelope(topic: topic, method: method, version: version, arguments: .object(arguments), context: context)
    }
}

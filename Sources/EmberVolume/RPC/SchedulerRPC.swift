import EmberBus
import EmberCore
import Foundation

/// `cinder/scheduler/rpcapi.py:SchedulerAPI` over the bus: casts to `cinder-scheduler`.
public struct SchedulerRPC: Sendable {
    /// The newest scheduler RPC version Ember speaks (cinder 29.0.0: 3.12).
    public static let version = RPCVersion(3, 12)
    public let bus: any MessageBus

    public init(bus: any MessageBus) {
        self.bus = bus
    }

    /// `create_volume(ctxt, volume, snapshot_id, image_id, request_spec, filter_properties,
    /// backup_id)`, version 3.0. The volume travels by id; workers read it from the store.
    public func createVolume(_ volume: Volume, spec: VolumeRequestSpec, context: RPCContext) async throws {
        try await bus.cast(
            Envelope(
                topic: Topic.scheduler,
                method: "create_volume",
                version: RPCVersion(3, 0),
                arguments: [
                    "volume_id": .string(volume.id),
                    "snapshot_id": .optional(spec.snapshotID),
                    "image_id": .null,
                    "backup_id": .null,
                    "request_spec": try spec.json(),
                    "filter_properties": [:],
                ],
                context: context
            )
        )
    }
}

/// `cinder/volume/rpcapi.py:VolumeAPI` over the bus: casts to the volume's backend,
/// `cinder-volume.HOST@BACKEND`.
public struct VolumeRPC: Sendable {
    /// The newest volume RPC version Ember speaks (cinder 29.0.0: 3.20).
    public static let version = RPCVersion(3, 20)
    public let bus: any MessageBus

    public init(bus: any MessageBus) {
        self.bus = bus
    }

    /// The server topic of a `host@backend#pool` host: the pool is not part of it.
    public static func topic(forHost host: String) -> String {
        let backend = host.split(separator: "#", maxSplits: 1).first.map(String.init) ?? host
        return Topic.volume(serviceTopicQueue: backend)
    }

    /// `delete_volume(ctxt, volume, unmanage_only, cascade)`, version 3.0.
    public func deleteVolume(_ volume: Volume, cascade: Bool, context: RPCContext) async throws {
        guard let host = volume.host else { return }
        try await bus.cast(
            Envelope(
                topic: Self.topic(forHost: host),
                method: "delete_volume",
                version: RPCVersion(3, 0),
                arguments: ["volume_id": .string(volume.id), "unmanage_only": false, "cascade": .bool(cascade)],
                context: context
            )
        )
    }
}

/// The volume API's casts, sent over the bus.
public struct BusVolumeWorkCaster: VolumeWorkCaster {
    public let scheduler: SchedulerRPC
    public let volumes: VolumeRPC

    public init(bus: any MessageBus) {
        scheduler = SchedulerRPC(bus: bus)
        volumes = VolumeRPC(bus: bus)
    }

    public func createVolume(
        _ volume: Volume,
        spec: VolumeRequestSpec,
        caller: Identity,
        requestID: String
    ) async throws {
        try await scheduler.createVolume(
            volume,
            spec: spec,
            context: RPCContext(requestID: requestID, identity: caller)
        )
    }

    public func deleteVolume(_ volume: Volume, cascade: Bool, caller: Identity, requestID: String) async throws {
        try await volumes.deleteVolume(
            volume,
            cascade: cascade,
            context: RPCContext(requestID: requestID, identity: caller)
        )
    }
}

extension VolumeRequestSpec {
    /// The spec as JSON, for envelopes.
    func json() throws -> JSONValue {
        let data = try JSONEncoder().encode(self)
        return try JSONValue.parse(Array(data))
    }
}

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
                    "image_id": .optional(spec.imageID),
                    "backup_id": .null,
                    "request_spec": try spec.json(),
                    "filter_properties": [:],
                ],
                context: context
            )
        )
    }

    /// `get_pools(ctxt, filters)`, a call (version 3.0): the pools the scheduler knows.
    public func getPools(filters: JSONObject, context: RPCContext) async throws -> JSONValue {
        try await RPCClient(bus: bus, topic: Topic.scheduler, version: RPCVersion(3, 0)).call(
            "get_pools",
            context: context,
            ["filters": .object(filters)]
        )
    }

    /// `create_snapshot(ctxt, volume, snapshot, backend, request_spec, filter_properties)`,
    /// version 3.9: the scheduler forwards to the volume's backend.
    public func createSnapshot(_ snapshot: Snapshot, of volume: Volume, context: RPCContext) async throws {
        try await bus.cast(
            Envelope(
                topic: Topic.scheduler,
                method: "create_snapshot",
                version: RPCVersion(3, 9),
                arguments: [
                    "volume_id": .string(volume.id),
                    "snapshot_id": .string(snapshot.id),
                    "backend": .optional(volume.host.map { VolumeRPC.backend(ofHost: $0) }),
                    "request_spec": [
                        "snapshot_id": .string(snapshot.id), "volume_properties": ["size": .int(volume.size)],
                    ],
                    "filter_properties": [:],
                ],
                context: context
            )
        )
    }

    /// `extend_volume(ctxt, volume, new_size, reservations, request_spec, filter_properties)`,
    /// version 3.2.
    public func extendVolume(
        _ volume: Volume,
        newSize: Int,
        reservation: QuotaReservation,
        context: RPCContext
    ) async throws {
        try await bus.cast(
            Envelope(
                topic: Topic.scheduler,
                method: "extend_volume",
                version: RPCVersion(3, 2),
                arguments: [
                    "volume_id": .string(volume.id),
                    "new_size": .int(newSize),
                    "reservations": .array(reservation.uuids.map(JSONValue.string)),
                    "request_spec": ["volume_id": .string(volume.id), "volume_type_id": .string(volume.volumeTypeID)],
                    "filter_properties": [:],
                ],
                context: context
            )
        )
    }
}

extension SchedulerRPC {
    /// `retype(ctxt, volume, request_spec, filter_properties)`, version 3.0.
    public func retype(_ volume: Volume, _ retype: RetypeRequest, context: RPCContext) async throws {
        let type = retype.newType
        try await bus.cast(
            Envelope(
                topic: Topic.scheduler,
                method: "retype",
                version: RPCVersion(3, 0),
                arguments: [
                    "volume_id": .string(volume.id),
                    "request_spec": [
                        "volume_id": .string(volume.id),
                        "volume_type": [
                            "id": .string(type.id), "name": .string(type.name),
                            "extra_specs": .object(
                                JSONObject(
                                    type.extraSpecs.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }
                                )
                            ),
                        ],
                        "migration_policy": .optional(retype.migrationPolicy),
                        "quota_reservations": .array(retype.reservation.uuids.map(JSONValue.string)),
                        "old_reservations": .array(retype.oldReservation.uuids.map(JSONValue.string)),
                        "availability_zones": .array(retype.availabilityZones.map(JSONValue.string)),
                    ],
                    "filter_properties": [:],
                ],
                context: context
            )
        )
    }

    /// `migrate_volume(ctxt, volume, backend, force_copy, request_spec, filter_properties)`,
    /// version 3.3.
    public func migrateVolume(
        _ volume: Volume,
        backend: String,
        forceHostCopy: Bool,
        context: RPCContext
    ) async throws {
        try await bus.cast(
            Envelope(
                topic: Topic.scheduler,
                method: "migrate_volume",
                version: RPCVersion(3, 3),
                arguments: [
                    "volume_id": .string(volume.id),
                    "backend": .string(backend),
                    "force_copy": .bool(forceHostCopy),
                    "request_spec": ["volume_id": .string(volume.id), "volume_type_id": .string(volume.volumeTypeID)],
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

    /// `get_capabilities(ctxt, backend_id, discover)`, a call to `cinder-volume.HOST@BACKEND`.
    public func getCapabilities(backend: String, context: RPCContext) async throws -> JSONValue {
        try await RPCClient(bus: bus, topic: Self.topic(forHost: backend), version: RPCVersion(3, 0)).call(
            "get_capabilities",
            context: context,
            ["discover": false]
        )
    }

    /// The server topic of a `host@backend#pool` host: the pool is not part of it.
    public static func topic(forHost host: String) -> String {
        let backend = host.split(separator: "#", maxSplits: 1).first.map(String.init) ?? host
        return Topic.volume(serviceTopicQueue: backend)
    }

    /// `host@backend` of a `host@backend#pool` host.
    public static func backend(ofHost host: String) -> String {
        host.split(separator: "#", maxSplits: 1).first.map(String.init) ?? host
    }

    /// A client for the volume's backend; nil when the volume was never scheduled.
    func client(for volume: Volume, version: RPCVersion = RPCVersion(3, 0)) throws -> RPCClient {
        guard let host = volume.host else {
            throw EmberError.badRequest("Invalid volume: Volume \(volume.id) has not been scheduled to any host.")
        }
        return RPCClient(bus: bus, topic: Self.topic(forHost: host), version: version)
    }

    /// `delete_snapshot(ctxt, snapshot, unmanage_only)`, version 3.0.
    public func deleteSnapshot(_ snapshot: Snapshot, of volume: Volume, context: RPCContext) async throws {
        try await client(for: volume).cast(
            "delete_snapshot",
            context: context,
            ["snapshot_id": .string(snapshot.id), "volume_id": .string(volume.id), "unmanage_only": false]
        )
    }

    /// `revert_to_snapshot(ctxt, volume, snapshot)`, version 3.15.
    public func revertToSnapshot(_ volume: Volume, snapshot: Snapshot, context: RPCContext) async throws {
        try await client(for: volume, version: RPCVersion(3, 15)).cast(
            "revert_to_snapshot",
            context: context,
            ["volume_id": .string(volume.id), "snapshot_id": .string(snapshot.id)]
        )
    }

    /// `attach_volume(ctxt, volume, instance_uuid, host_name, mountpoint, mode)`, a call.
    public func attachVolume(_ volume: Volume, attach: AttachRequest, context: RPCContext) async throws -> JSONValue {
        try await client(for: volume).call(
            "attach_volume",
            context: context,
            [
                "volume_id": .string(volume.id), "instance_uuid": .optional(attach.instanceUUID),
                "host_name": .optional(attach.hostName), "mountpoint": .string(attach.mountpoint),
                "mode": .string(attach.mode),
            ]
        )
    }

    /// `detach_volume(ctxt, volume, attachment_id)`, a call.
    public func detachVolume(_ volume: Volume, attachmentID: String?, context: RPCContext) async throws {
        _ = try await client(for: volume).call(
            "detach_volume",
            context: context,
            ["volume_id": .string(volume.id), "attachment_id": .optional(attachmentID)]
        )
    }

    /// `initialize_connection(ctxt, volume, connector)`, a call.
    public func initializeConnection(
        _ volume: Volume,
        connector: JSONValue,
        context: RPCContext
    ) async throws
        -> JSONValue
    {
        try await client(for: volume).call(
            "initialize_connection",
            context: context,
            ["volume_id": .string(volume.id), "connector": connector]
        )
    }

    /// `terminate_connection(ctxt, volume, connector, force)`, a call.
    public func terminateConnection(
        _ volume: Volume,
        connector: JSONValue,
        force: Bool,
        context: RPCContext
    ) async throws {
        _ = try await client(for: volume).call(
            "terminate_connection",
            context: context,
            ["volume_id": .string(volume.id), "connector": connector, "force": .bool(force)]
        )
    }

    /// `migrate_volume_completion(ctxt, volume, new_volume, error)`, a call to the source
    /// volume's backend; returns the id the volume is kept under.
    public func migrateVolumeCompletion(
        _ volume: Volume,
        newVolume: Volume,
        error: Bool,
        context: RPCContext
    ) async throws -> String {
        let reply = try await client(for: volume).call(
            "migrate_volume_completion",
            context: context,
            ["volume_id": .string(volume.id), "new_volume_id": .string(newVolume.id), "error": .bool(error)]
        )
        return reply["save_volume_id"]?.stringValue ?? volume.id
    }

    /// `copy_volume_to_image(ctxt, volume, image_meta)`, version 3.0: the image travels by id.
    public func copyVolumeToImage(_ volume: Volume, imageID: String, context: RPCContext) async throws {
        try await client(for: volume).cast(
            "copy_volume_to_image",
            context: context,
            ["volume_id": .string(volume.id), "image_meta": ["id": .string(imageID)]]
        )
    }

    /// `reimage(ctxt, volume, image_meta)`, version 3.18.
    public func reimage(_ volume: Volume, imageID: String, context: RPCContext) async throws {
        try await client(for: volume, version: RPCVersion(3, 18)).cast(
            "reimage",
            context: context,
            ["volume_id": .string(volume.id), "image_meta": ["id": .string(imageID)]]
        )
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

    public func getPools(filters: JSONObject, caller: Identity, requestID: String) async throws -> JSONValue {
        try await scheduler.getPools(filters: filters, context: RPCContext(requestID: requestID, identity: caller))
    }

    public func getCapabilities(backend: String, caller: Identity, requestID: String) async throws -> JSONValue {
        try await volumes.getCapabilities(backend: backend, context: RPCContext(requestID: requestID, identity: caller))
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

    public func createSnapshot(
        _ snapshot: Snapshot,
        of volume: Volume,
        caller: Identity,
        requestID: String
    )
        async throws
    {
        try await scheduler.createSnapshot(
            snapshot,
            of: volume,
            context: RPCContext(requestID: requestID, identity: caller)
        )
    }

    public func deleteSnapshot(
        _ snapshot: Snapshot,
        of volume: Volume,
        caller: Identity,
        requestID: String
    )
        async throws
    {
        try await volumes.deleteSnapshot(
            snapshot,
            of: volume,
            context: RPCContext(requestID: requestID, identity: caller)
        )
    }

    public func extendVolume(
        _ volume: Volume,
        newSize: Int,
        reservation: QuotaReservation,
        caller: Identity,
        requestID: String
    ) async throws {
        try await scheduler.extendVolume(
            volume,
            newSize: newSize,
            reservation: reservation,
            context: RPCContext(requestID: requestID, identity: caller)
        )
    }

    public func retypeVolume(
        _ volume: Volume,
        _ retype: RetypeRequest,
        caller: Identity,
        requestID: String
    )
        async throws
    {
        try await scheduler.retype(volume, retype, context: RPCContext(requestID: requestID, identity: caller))
    }

    public func migrateVolume(
        _ volume: Volume,
        backend: String,
        forceHostCopy: Bool,
        caller: Identity,
        requestID: String
    ) async throws {
        try await scheduler.migrateVolume(
            volume,
            backend: backend,
            forceHostCopy: forceHostCopy,
            context: RPCContext(requestID: requestID, identity: caller)
        )
    }

    public func migrateVolumeCompletion(
        _ volume: Volume,
        newVolume: Volume,
        error: Bool,
        caller: Identity,
        requestID: String
    ) async throws -> String {
        try await volumes.migrateVolumeCompletion(
            volume,
            newVolume: newVolume,
            error: error,
            context: RPCContext(requestID: requestID, identity: caller)
        )
    }

    public func revertToSnapshot(
        _ volume: Volume,
        snapshot: Snapshot,
        caller: Identity,
        requestID: String
    )
        async throws
    {
        try await volumes.revertToSnapshot(
            volume,
            snapshot: snapshot,
            context: RPCContext(requestID: requestID, identity: caller)
        )
    }

    public func copyVolumeToImage(_ volume: Volume, imageID: String, caller: Identity, requestID: String) async throws {
        try await volumes.copyVolumeToImage(
            volume,
            imageID: imageID,
            context: RPCContext(requestID: requestID, identity: caller)
        )
    }

    public func reimage(_ volume: Volume, imageID: String, caller: Identity, requestID: String) async throws {
        try await volumes.reimage(volume, imageID: imageID, context: RPCContext(requestID: requestID, identity: caller))
    }

    public func attachVolume(
        _ volume: Volume,
        attach: AttachRequest,
        caller: Identity,
        requestID: String
    )
        async throws -> JSONValue
    {
        try await volumes.attachVolume(
            volume,
            attach: attach,
            context: RPCContext(requestID: requestID, identity: caller)
        )
    }

    public func detachVolume(
        _ volume: Volume,
        attachmentID: String?,
        caller: Identity,
        requestID: String
    )
        async throws
    {
        try await volumes.detachVolume(
            volume,
            attachmentID: attachmentID,
            context: RPCContext(requestID: requestID, identity: caller)
        )
    }

    public func initializeConnection(
        _ volume: Volume,
        connector: JSONValue,
        caller: Identity,
        requestID: String
    )
        async throws -> JSONValue
    {
        try await volumes.initializeConnection(
            volume,
            connector: connector,
            context: RPCContext(requestID: requestID, identity: caller)
        )
    }

    public func terminateConnection(
        _ volume: Volume,
        connector: JSONValue,
        force: Bool,
        caller: Identity,
        requestID: String
    ) async throws {
        try await volumes.terminateConnection(
            volume,
            connector: connector,
            force: force,
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

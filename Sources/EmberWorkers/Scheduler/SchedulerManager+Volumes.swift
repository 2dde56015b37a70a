import EmberBus
import EmberCore
import EmberStore
import EmberVolume
import Foundation

extension SchedulerManager {
    /// No backend fits: the volume's state goes back as given (when it still meets `condition`)
    /// and its owner gets cinder's "no valid backend" user message for `action`.
    func noValidBackend(
        _ volume: Volume,
        set changes: [VolumeUpdate],
        where condition: VolumeCondition,
        action: UserMessageRecorder.Action = .scheduleAllocateVolume,
        context: RPCContext
    ) async throws {
        _ = try await store.conditionalUpdateVolume(id: volume.id, set: changes, where: condition)
        await messages.record(
            action,
            .noBackendAvailable,
            resourceID: volume.id,
            projectID: volume.projectID,
            context: context
        )
    }

    /// `create_volume(volume_id, snapshot_id, image_id, request_spec, filter_properties,
    /// backup_id)`: places the volume, stores its `host` and `scheduled_at`, then casts
    /// `create_volume` to the backend. No valid backend: `error` and a user message.
    func createVolume(_ envelope: Envelope) async throws -> JSONValue {
        let arguments = envelope.arguments
        guard let id = arguments["volume_id"]?.stringValue ?? arguments["volume"]?["id"]?.stringValue else {
            return .null
        }
        guard let volume = try await store.liveVolume(id: id) else { return .null }
        guard volume.status == .creating else { return .null }
        let spec = arguments["request_spec"].flatMap { try? Self.decodeSpec($0) }
        var extraSpecs: [String: String] = [:]
        if let type = try? await store.volumeType(id: spec?.volumeTypeID ?? volume.volumeTypeID) {
            extraSpecs = type.extraSpecs
        }
        let request = PlacementRequest(
            sizeGiB: spec?.size ?? volume.size,
            availabilityZone: spec?.availabilityZone ?? volume.availabilityZone,
            extraSpecs: extraSpecs,
            resourceBackend: spec?.resourceBackend
        )
        await waitUntilReady()
        guard let backend = place(request) else {
            logger.error(
                "Failed to schedule_create_volume: No valid backend was found. No weighed backends available",
                metadata: ["volume.id": .string(id)]
            )
            try await noValidBackend(
                volume,
                set: [.status(.error)],
                where: VolumeCondition(status: [.creating]),
                context: envelope.context
            )
            return .null
        }
        let scheduled = try await store.conditionalUpdateVolume(
            id: id,
            set: [.host(backend.hostWithPool), .scheduledAt(Date())],
            where: VolumeCondition(status: [.creating])
        )
        guard scheduled != nil else { return .null }
        logger.info(
            "Scheduled volume",
            metadata: ["volume.id": .string(id), "host": .string(backend.hostWithPool)]
        )
        let client = RPCClient(bus: bus, topic: VolumeRPC.topic(forHost: backend.hostWithPool))
        try await client.cast(
            "create_volume",
            context: envelope.context,
            [
                "volume_id": .string(id),
                "request_spec": arguments["request_spec"] ?? .null,
                "filter_properties": arguments["filter_properties"] ?? [:],
                "allow_reschedule": false,
            ]
        )
        return .null
    }

    /// `extend_volume(volume_id, new_size, reservations)`: checks the volume's backend has
    /// room for the growth (and still meets the volume type's specs), then casts `extend_volume` to it. No room: the volume goes back
    /// to `available`, the reservations are rolled back, and a user message says why.
    func extendVolume(_ envelope: Envelope) async throws -> JSONValue {
        let arguments = envelope.arguments
        guard let id = arguments["volume_id"]?.stringValue, let newSize = arguments["new_size"]?.number else {
            return .null
        }
        guard let volume = try await store.liveVolume(id: id) else { return .null }
        guard let host = volume.host else { return .null }
        let backend = host.split(separator: "#").first.map(String.init) ?? host
        let growth = max(0, Int(newSize) - volume.size)
        // `backend_passes_filters` with the volume's type: capacity for the growth, and the
        // type's capabilities still met.
        let extraSpecs = (try? await store.volumeType(id: volume.volumeTypeID).extraSpecs) ?? [:]
        let request = PlacementRequest(sizeGiB: growth, extraSpecs: extraSpecs, resourceBackend: backend)
        await waitUntilReady()
        if place(request) == nil {
            logger.error("Extend failed: no room on the volume's backend", metadata: ["volume.id": .string(id)])
            if let projectID = volume.projectID, case .array(let items) = arguments["reservations"] ?? .null {
                try await store.rollback(QuotaReservation(projectID: projectID, uuids: items.compactMap(\.stringValue)))
            }
            // Back to what it was before `extending` (`in-use` for a 3.42 attached extend).
            let previous = volume.previousStatus.flatMap(VolumeStatus.init(rawValue:)) ?? .available
            try await noValidBackend(
                volume,
                set: [.status(previous == .inUse ? .inUse : .available)],
                where: VolumeCondition(status: [.extending]),
                action: .extendVolume,
                context: envelope.context
            )
            return .null
        }
        try await RPCClient(bus: bus, topic: VolumeRPC.topic(forHost: host))
            .cast("extend_volume", context: envelope.context, arguments.objectValue ?? [:])
        return .null
    }

    /// `create_snapshot(volume_id, snapshot_id, backend)`: forwards to the volume's backend.
    func createSnapshot(_ envelope: Envelope) async throws -> JSONValue {
        let arguments = envelope.arguments
        guard let volumeID = arguments["volume_id"]?.stringValue else { return .null }
        guard let volume = try await store.liveVolume(id: volumeID) else { return .null }
        guard let host = volume.host else { return .null }
        try await RPCClient(bus: bus, topic: VolumeRPC.topic(forHost: host))
            .cast("create_snapshot", context: envelope.context, arguments.objectValue ?? [:])
        return .null
    }

    static func decodeSpec(_ value: JSONValue) throws -> VolumeRequestSpec {
        try JSONDecoder().decode(VolumeRequestSpec.self, from: Data(value.serialized().utf8))
    }
}

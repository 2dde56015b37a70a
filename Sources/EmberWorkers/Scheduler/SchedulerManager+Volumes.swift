import EmberBus
import EmberCore
import EmberRPC
import EmberStore
import Foundation

extension SchedulerManager {
    /// No backend fits: the volume goes through `transition` (when it still meets it)
    /// and its owner gets cinder's "no valid backend" user message for `action`.
    func noValidBackend(
        _ volume: Volume,
        _ transition: VolumeTransition,
        given: VolumeStatus? = nil,
        also changes: [VolumeUpdate] = [],
        action: UserMessageRecorder.Action = .scheduleAllocateVolume,
        context: RPCContext
    ) async throws {
        try await store.apply(transition, toVolume: volume.id, given: given, also: changes)
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
    func createVolume(_ message: SchedulerRPC.CreateVolume, context: RPCContext) async throws -> RPCNoReply {
        let id = message.volumeID
        guard let volume = try await store.liveVolume(id: id) else { return RPCNoReply() }
        guard VolumeTransitions.schedule.allows(volume.status) else { return RPCNoReply() }
        let spec = message.requestSpec
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
        guard let backend = await place(request) else {
            logger.error(
                "Failed to schedule_create_volume: No valid backend was found. No weighed backends available",
                metadata: ["volume.id": .string(id)]
            )
            try await noValidBackend(volume, VolumeTransitions.createFailed, context: context)
            return RPCNoReply()
        }
        // A clustered backend's volume carries `CLUSTER@BACKEND#POOL` too: its work goes to the
        // cluster's topic, which every member consumes.
        let clusterName = try await store.existingService(host: backend.backend, binary: "cinder-volume")?.clusterName
        var placement: [VolumeUpdate] = [.host(backend.hostWithPool), .scheduledAt(Date())]
        if let clusterName { placement.append(.clusterName(clusterName + "#" + backend.pool)) }
        let scheduled = try await store.apply(VolumeTransitions.schedule, toVolume: id, also: placement)
        guard scheduled != nil else { return RPCNoReply() }
        logger.info(
            "Scheduled volume",
            metadata: ["volume.id": .string(id), "host": .string(backend.hostWithPool)]
        )
        var create = VolumeRPC.CreateVolume(volumeID: id, requestSpec: spec)
        create.filterProperties = message.filterProperties
        let queue = clusterName.map { $0 + "#" + backend.pool } ?? backend.hostWithPool
        try await VolumeRPC.client(bus: bus, host: queue).cast(create, context: context)
        return RPCNoReply()
    }

    /// `extend_volume(volume_id, new_size, reservations)`: checks the volume's backend has
    /// room for the growth (and still meets the volume type's specs), then casts `extend_volume` to it. No room: the volume goes back
    /// to `available`, the reservations are rolled back, and a user message says why.
    func extendVolume(_ message: SchedulerRPC.ExtendVolume, context: RPCContext) async throws -> RPCNoReply {
        let id = message.volumeID
        guard let volume = try await store.liveVolume(id: id) else { return RPCNoReply() }
        guard let host = volume.host else { return RPCNoReply() }
        let backend = host.split(separator: "#").first.map(String.init) ?? host
        let growth = max(0, message.newSize - volume.size)
        // `backend_passes_filters` with the volume's type: capacity for the growth, and the
        // type's capabilities still met.
        let extraSpecs = (try? await store.volumeType(id: volume.volumeTypeID).extraSpecs) ?? [:]
        let request = PlacementRequest(sizeGiB: growth, extraSpecs: extraSpecs, resourceBackend: backend)
        await waitUntilReady()
        if await place(request) == nil {
            logger.error("Extend failed: no room on the volume's backend", metadata: ["volume.id": .string(id)])
            if let projectID = volume.projectID, !message.reservations.isEmpty {
                try await store.rollback(QuotaReservation(projectID: projectID, uuids: message.reservations))
            }
            // Back to what it was before `extending` (`in-use` for a 3.42 attached extend).
            let previous = volume.previousStatus.flatMap(VolumeStatus.init(rawValue:)) ?? .available
            try await noValidBackend(
                volume,
                VolumeTransitions.extendRolledBack,
                given: previous == .inUse ? .inUse : .available,
                action: .extendVolume,
                context: context
            )
            return RPCNoReply()
        }
        try await VolumeRPC.client(bus: bus, host: volume.clusterName ?? host).cast(
            VolumeRPC.ExtendVolume(volumeID: id, newSize: message.newSize, reservations: message.reservations),
            context: context
        )
        return RPCNoReply()
    }

    /// `create_snapshot(volume_id, snapshot_id, backend)`: forwards to the volume's backend.
    func createSnapshot(_ message: SchedulerRPC.CreateSnapshot, context: RPCContext) async throws -> RPCNoReply {
        guard let volume = try await store.liveVolume(id: message.volumeID) else { return RPCNoReply() }
        guard let host = volume.host else { return RPCNoReply() }
        try await VolumeRPC.client(bus: bus, host: volume.clusterName ?? host).cast(
            VolumeRPC.CreateSnapshot(volumeID: message.volumeID, snapshotID: message.snapshotID),
            context: context
        )
        return RPCNoReply()
    }
}

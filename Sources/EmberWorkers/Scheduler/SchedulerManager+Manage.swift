import EmberBus
import EmberCore
import EmberRPC
import EmberStore
import Foundation

extension SchedulerManager {
    /// `manage_existing(volume, request_spec)`: the backend the volume names (`HOST@BACKEND`
    /// or `HOST@BACKEND#POOL`) must pass the filters for the volume's type
    /// (`backend_passes_filters`, with no size asked: the object exists); its pool is
    /// recorded as the volume's host and the backend's `manage_existing` is cast. No such
    /// backend: `error_managing`.
    func manageExisting(_ message: SchedulerRPC.ManageExisting, context: RPCContext) async throws -> RPCNoReply {
        let id = message.volumeID
        guard let volume = try await store.liveVolume(id: id), VolumeTransitions.scheduleManage.allows(volume.status),
            let wanted = volume.host
        else { return RPCNoReply() }
        let extraSpecs = (try? await store.volumeType(id: message.requestSpec.volumeTypeID).extraSpecs) ?? [:]
        await waitUntilReady()
        let request = PlacementRequest(sizeGiB: 0, extraSpecs: extraSpecs, resourceBackend: wanted)
        guard let backend = await place(request) else {
            logger.error(
                "Failed to schedule_manage_existing: No valid backend was found",
                metadata: ["volume.id": .string(id), "host": .string(wanted)]
            )
            try await store.apply(VolumeTransitions.manageFailed, toVolume: id)
            return RPCNoReply()
        }
        guard
            try await store.apply(
                VolumeTransitions.scheduleManage,
                toVolume: id,
                also: [.host(backend.hostWithPool), .scheduledAt(Date())]
            ) != nil
        else { return RPCNoReply() }
        try await VolumeRPC.client(bus: bus, host: backend.hostWithPool).cast(
            VolumeRPC.ManageExisting(volumeID: id, ref: message.requestSpec.ref),
            context: context
        )
        return RPCNoReply()
    }

    /// `manage_existing_snapshot(volume, snapshot, ref, request_spec)`: the volume's backend
    /// must pass the filters; then its `manage_existing_snapshot` is cast. It does not: the
    /// snapshot goes `error`.
    func manageExistingSnapshot(
        _ message: SchedulerRPC.ManageExistingSnapshot,
        context: RPCContext
    ) async throws -> RPCNoReply {
        guard let volume = try await store.liveVolume(id: message.volumeID), let host = volume.host else {
            _ = try await store.apply(SnapshotTransitions.createFailed, toSnapshot: message.snapshotID)
            return RPCNoReply()
        }
        await waitUntilReady()
        let request = PlacementRequest(sizeGiB: 0, resourceBackend: host)
        guard await place(request) != nil else {
            logger.error(
                "Failed to schedule_manage_existing_snapshot: No valid backend was found",
                metadata: ["snapshot.id": .string(message.snapshotID), "host": .string(host)]
            )
            try await store.apply(SnapshotTransitions.createFailed, toSnapshot: message.snapshotID)
            return RPCNoReply()
        }
        try await VolumeRPC.client(bus: bus, host: host).cast(
            VolumeRPC.ManageExistingSnapshot(snapshotID: message.snapshotID, ref: message.ref),
            context: context
        )
        return RPCNoReply()
    }
}

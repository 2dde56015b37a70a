import EmberBus
import EmberCore
import EmberRPC
import EmberStore
import Foundation

extension SchedulerManager {
    /// `retype(volume, request_spec, filter_properties)`: finds a backend for the new type
    /// (cinder's `find_retype_backend`: the volume's own backend when it passes, another one
    /// only with `migration_policy` `on-demand`), then casts `retype` to the volume's backend
    /// with the chosen one. None: the reservations are rolled back, the volume returns to its
    /// previous status and a user message says no backend was found.
    func retype(_ message: SchedulerRPC.Retype, context: RPCContext) async throws -> RPCNoReply {
        let id = message.volumeID
        let spec = message.requestSpec
        guard let volume = try await store.liveVolume(id: id), VolumeTransitions.retypeEnded.allows(volume.status)
        else {
            return RPCNoReply()
        }
        let policy = spec.migrationPolicy ?? "never"
        let type = try? await store.volumeType(id: spec.volumeType.id)
        await waitUntilReady()
        var backend: BackendState?
        if let type {
            let zones = spec.availabilityZones
            let candidates = backends().filter { zones.isEmpty || zones.contains($0.availabilityZone) }
            let request = PlacementRequest(sizeGiB: volume.size, extraSpecs: type.extraSpecs, existsOn: volume.host)
            backend = BackendFilter.retypeBackend(
                candidates,
                for: request,
                current: volume.host ?? "",
                migrationPolicy: policy
            )
        }
        guard let type, let backend else {
            logger.error(
                "Failed to schedule_retype: No valid backend was found",
                metadata: ["volume.id": .string(id), "migration_policy": .string(policy)]
            )
            if let projectID = volume.projectID {
                for uuids in [spec.quotaReservations, spec.oldReservations] where !uuids.isEmpty {
                    try await store.rollback(QuotaReservation(projectID: projectID, uuids: uuids))
                }
            }
            let previous = volume.previousStatus.flatMap(VolumeStatus.init(rawValue:)) ?? .available
            try await noValidBackend(volume, VolumeTransitions.retypeEnded, given: previous, context: context)
            return RPCNoReply()
        }
        logger.info(
            "Retype scheduled",
            metadata: ["volume.id": .string(id), "host": .string(backend.hostWithPool)]
        )
        try await VolumeRPC.client(bus: bus, host: volume.host ?? backend.hostWithPool).cast(
            VolumeRPC.Retype(
                volumeID: id,
                newTypeID: type.id,
                host: Self.destination(backend),
                migrationPolicy: policy,
                reservations: spec.quotaReservations,
                oldReservations: spec.oldReservations
            ),
            context: context
        )
        return RPCNoReply()
    }

    /// `migrate_volume(volume, backend, force_copy, request_spec)`: checks the destination
    /// passes the filters for the volume (`backend_passes_filters`; without a pool in
    /// `backend` any pool of it), then casts `migrate_volume` to the volume's backend. A
    /// destination that does not pass: `migration_status` `error`, a `maintenance` volume back
    /// to its previous status, and a user message.
    func migrateVolume(_ message: SchedulerRPC.MigrateVolume, context: RPCContext) async throws -> RPCNoReply {
        let id = message.volumeID
        let destination = message.backend
        guard let volume = try await store.liveVolume(id: id), volume.migrationStatus == "starting" else {
            return RPCNoReply()
        }
        let extraSpecs = (try? await store.volumeType(id: volume.volumeTypeID).extraSpecs) ?? [:]
        await waitUntilReady()
        let request = PlacementRequest(
            sizeGiB: volume.size,
            availabilityZone: volume.availabilityZone,
            extraSpecs: extraSpecs
        )
        let passing = BackendFilter.rank(backends(), for: request).first { backend in
            destination.contains("#") ? backend.hostWithPool == destination : backend.backend == destination
        }
        guard let passing else {
            logger.error(
                "Failed to schedule_migrate_volume_to_host: Cannot place volume on the destination",
                metadata: ["volume.id": .string(id), "backend": .string(destination)]
            )
            // A `maintenance` volume (migrated with `lock_volume`) gets its status back.
            let previous = volume.previousStatus.flatMap(VolumeStatus.init(rawValue:)) ?? .maintenance
            try await noValidBackend(
                volume,
                VolumeTransitions.migrationRolledBack,
                given: volume.status == .maintenance ? previous : nil,
                also: [.migrationStatus("error")],
                context: context
            )
            return RPCNoReply()
        }
        guard let host = volume.host else { return RPCNoReply() }
        try await VolumeRPC.client(bus: bus, host: host).cast(
            VolumeRPC.MigrateVolume(volumeID: id, host: Self.destination(passing), forceHostCopy: message.forceCopy),
            context: context
        )
        return RPCNoReply()
    }

    /// The backend as the volume manager receives it: cinder's `{host, cluster_name, capabilities}`.
    static func destination(_ backend: BackendState) -> DestinationBackend {
        DestinationBackend(
            host: backend.hostWithPool,
            availabilityZone: backend.availabilityZone,
            capabilities: backend.capabilities
        )
    }
}

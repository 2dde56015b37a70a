import EmberBus
import EmberCore
import EmberStore
import EmberVolume
import Foundation

extension SchedulerManager {
    /// `retype(volume, request_spec, filter_properties)`: finds a backend for the new type
    /// (cinder's `find_retype_backend`: the volume's own backend when it passes, another one
    /// only with `migration_policy` `on-demand`), then casts `retype` to the volume's backend
    /// with the chosen one. None: the reservations are rolled back, the volume returns to its
    /// previous status and a user message says no backend was found.
    func retype(_ envelope: Envelope) async throws -> JSONValue {
        let arguments = envelope.arguments
        guard let id = arguments["volume_id"]?.stringValue ?? arguments["volume"]?["id"]?.stringValue,
            let volume = try await store.liveVolume(id: id), volume.status == .retyping
        else { return .null }
        let spec = arguments["request_spec"] ?? .null
        let policy = spec["migration_policy"]?.stringValue ?? "never"
        var type: VolumeType?
        if let typeID = spec["volume_type"]?["id"]?.stringValue { type = try? await store.volumeType(id: typeID) }
        await waitUntilReady()
        var backend: BackendState?
        if let type {
            let zones = Self.strings(spec["availability_zones"])
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
                for key in ["quota_reservations", "old_reservations"] {
                    let uuids = Self.strings(spec[key])
                    if !uuids.isEmpty { try await store.rollback(QuotaReservation(projectID: projectID, uuids: uuids)) }
                }
            }
            let previous = volume.previousStatus.flatMap(VolumeStatus.init(rawValue:)) ?? .available
            try await noValidBackend(
                volume,
                set: [.status(previous)],
                where: VolumeCondition(status: [.retyping]),
                context: envelope.context
            )
            return .null
        }
        logger.info(
            "Retype scheduled",
            metadata: ["volume.id": .string(id), "host": .string(backend.hostWithPool)]
        )
        try await RPCClient(bus: bus, topic: VolumeRPC.topic(forHost: volume.host ?? backend.hostWithPool)).cast(
            "retype",
            context: envelope.context,
            [
                "volume_id": .string(id),
                "new_type_id": .string(type.id),
                "host": Self.hostArgument(backend),
                "migration_policy": .string(policy),
                "reservations": spec["quota_reservations"] ?? [],
                "old_reservations": spec["old_reservations"] ?? [],
            ]
        )
        return .null
    }

    /// `migrate_volume(volume, backend, force_copy, request_spec)`: checks the destination
    /// passes the filters for the volume (`backend_passes_filters`; without a pool in
    /// `backend` any pool of it), then casts `migrate_volume` to the volume's backend. A
    /// destination that does not pass: `migration_status` `error`, a `maintenance` volume back
    /// to its previous status, and a user message.
    func migrateVolume(_ envelope: Envelope) async throws -> JSONValue {
        let arguments = envelope.arguments
        guard let id = arguments["volume_id"]?.stringValue ?? arguments["volume"]?["id"]?.stringValue,
            let destination = arguments["backend"]?.stringValue ?? arguments["host"]?.stringValue,
            let volume = try await store.liveVolume(id: id), volume.migrationStatus == "starting"
        else { return .null }
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
            var changes: [VolumeUpdate] = [.migrationStatus("error")]
            if volume.status == .maintenance {
                changes.append(.status(volume.previousStatus.flatMap(VolumeStatus.init(rawValue:)) ?? .maintenance))
            }
            try await noValidBackend(
                volume,
                set: changes,
                where: VolumeCondition(migrationStatus: ["starting"]),
                context: envelope.context
            )
            return .null
        }
        guard let host = volume.host else { return .null }
        try await RPCClient(bus: bus, topic: VolumeRPC.topic(forHost: host)).cast(
            "migrate_volume",
            context: envelope.context,
            [
                "volume_id": .string(id),
                "host": Self.hostArgument(passing),
                "force_host_copy": arguments["force_copy"] ?? false,
            ]
        )
        return .null
    }

    /// The `host` dict cinder's volume manager receives: `{host, cluster_name, capabilities}`.
    static func hostArgument(_ backend: BackendState) -> JSONValue {
        [
            "host": .string(backend.hostWithPool),
            "cluster_name": .null,
            "availability_zone": .string(backend.availabilityZone),
            "capabilities": .object(backend.capabilities),
        ]
    }

    static func strings(_ value: JSONValue?) -> [String] {
        guard case .array(let items)? = value else { return [] }
        return items.compactMap(\.stringValue)
    }
}

import EmberCore
import EmberStore
import Foundation
import Logging

/// Retype and migration (`cinder/volume/api.py` `retype`, `migrate_volume`,
/// `migrate_volume_completion`): the API checks and moves the status; the scheduler picks or
/// checks the backend; the source volume's backend does the work.
extension VolumeAPI {
    // MARK: - Retype

    /// `retype`: the new type (name or id) must differ from the volume's; multiattach may only
    /// change on an `available` volume (`authorizeMultiattach` checks `volume:multiattach` when
    /// the new type is multiattach); the new type's per-type quota is reserved and the old
    /// type's released (both committed by the backend once the type changed); the volume goes
    /// `available`/`in-use` → `retyping`, then the scheduler is asked to retype.
    public nonisolated func retype(
        id: String,
        newType nameOrID: String,
        migrationPolicy: String?,
        caller: Identity,
        requestID: String,
        authorizeMultiattach: () throws -> Void
    ) async throws {
        try await exclusively(onVolume: id) {
            let volume = try await self.volume(id: id, caller: caller)
            let newType = try await volumeTypeByNameOrID(nameOrID)
            let targetMultiattach = newType.extraSpecs["multiattach"]?.lowercased() == "<is> true"
            let retype = VolumeTransitions.retype(
                to: newType.id,
                changingMultiattach: volume.multiattach != targetMultiattach
            )
            if volume.multiattach != targetMultiattach {
                if !retype.allows(volume.status) {
                    throw EmberError.badRequest(
                        "Invalid input received: Invalid volume_type passed, retypes affecting multiattach are only allowed on available volumes, the specified volume however currently has a status of: \(volume.status.rawValue)."
                    )
                }
                if targetMultiattach { try authorizeMultiattach() }
            }
            // An in-use volume keeps its front-end QoS (`volume_qos_allows_retype`).
            if volume.status == .inUse,
                try await !qosSpecs.allowsInUseRetype(fromType: volume.volumeTypeID, to: newType)
            {
                throw EmberError.badRequest(
                    "Invalid volume: Retype needs volume to be in available or in-use state, not be part of an active migration or a consistency group, requested type has to be different that the one from the volume, and for in-use volumes front-end qos specs cannot change."
                )
            }
            let (reservation, oldReservation) = try await reserveRetype(volume, to: newType, caller: caller)
            let retyping = try await store.apply(retype, toVolume: id, also: [.previousStatusFromStatus])
            guard let retyping else {
                await compensations.rollBack(reservation, in: store)
                await compensations.rollBack(oldReservation, in: store)
                throw EmberError.badRequest(
                    "Invalid volume: Retype needs volume to be in available or in-use state, not be part of an active migration or a consistency group, requested type has to be different that the one from the volume, and for in-use volumes front-end qos specs cannot change."
                )
            }
            let zones =
                newType.extraSpecs["RESKEY:availability_zones"].map {
                    $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                } ?? [volume.availabilityZone ?? configuration.effectiveDefaultZone]
            let request = RetypeRequest(
                newType: newType,
                migrationPolicy: migrationPolicy,
                reservation: reservation,
                oldReservation: oldReservation,
                availabilityZones: zones
            )
            do {
                try await caster.retypeVolume(retyping, request, caller: caller, requestID: requestID)
            } catch {
                await compensations.rollBack(reservation, in: store)
                await compensations.rollBack(oldReservation, in: store)
                await compensations.settle("volume \(id): retypeEnded") { [store] in
                    try await store.apply(VolumeTransitions.retypeEnded, toVolume: id, given: volume.status)
                }
                throw error
            }
            if volume.multiattach != targetMultiattach {
                _ = try await store.updateVolume(id: id, [.multiattach(targetMultiattach)])
            }
            logger.info("Retype volume request issued successfully.", metadata: ["volume.id": .string(id)])
        }
    }

    /// `VolumeType.get_by_name_or_id`: a UUID-like value is tried as an id, then as a name.
    nonisolated func volumeTypeByNameOrID(_ nameOrID: String) async throws -> VolumeType {
        guard Self.isUUIDLike(nameOrID) else { return try await types.resolve(nameOrID) }
        if let byID = try? await types.volumeType(id: nameOrID) { return byID }
        if let byName = try? await store.volumeType(name: nameOrID) { return byName }
        throw EmberError.notFound("Volume type \(nameOrID) could not be found.")
    }

    /// `quota_utils.get_volume_type_reservation(reserve_vol_type_only=True)` for the new type
    /// and, negative, for the old: `volumes_<t>`, `gigabytes_<t>` (snapshots' sizes included
    /// unless `no_snapshot_gb_quota`) and `snapshots_<t>` when the volume has snapshots.
    nonisolated func reserveRetype(
        _ volume: Volume,
        to newType: VolumeType,
        caller: Identity
    ) async throws -> (QuotaReservation, QuotaReservation) {
        let projectID = volume.projectID ?? caller.projectID ?? ""
        let snapshots = try await store.listSnapshots(
            ListQuery(scope: .allProjects, filters: [.equals("volume_id", volume.id)])
        ).items
        let oldName = await types.name(id: volume.volumeTypeID) ?? volume.volumeTypeID
        func deltas(_ name: String, sign: Int) -> [String: Int] {
            var gigabytes = volume.size
            if !configuration.noSnapshotGigabytesQuota {
                gigabytes += snapshots.reduce(0) { $0 + ($1.volumeSize ?? 0) }
            }
            var deltas = ["volumes_\(name)": sign, "gigabytes_\(name)": sign * gigabytes]
            if !snapshots.isEmpty { deltas["snapshots_\(name)"] = sign * snapshots.count }
            return deltas
        }
        let reservation = try await quotas.reserve(
            projectID: projectID,
            deltas: deltas(newType.name, sign: 1),
            typeName: newType.name,
            perVolumeSize: nil
        )
        do {
            let old = try await store.reserve(
                projectID: projectID,
                deltas: deltas(oldName, sign: -1),
                limits: [:],
                expiresAt: quotas.reservationExpiry
            )
            return (reservation, old)
        } catch {
            await compensations.rollBack(reservation, in: store)
            logger.error("Failed to update quota usage while retyping volume.", metadata: ["volume.id": "\(volume.id)"])
            throw EmberError(status: 500, message: "Failed to update quota usage while retyping volume.")
        }
    }

    // MARK: - Migrate

    /// `migrate_volume`: the destination's `cinder-volume` service must exist, be enabled and
    /// up; the volume must be `available`/`in-use`, not migrating, without snapshots, not
    /// replicated, not in a group, and not on the destination already. `migration_status`
    /// goes to `starting` (`lock_volume` also puts an `available` volume in `maintenance`), then
    /// the scheduler checks the destination.
    ///
    /// An attached volume is refused: cinder moves one through Nova's `swap_volume`, and Ember
    /// has no compute service to call.
    public nonisolated func migrateVolume(
        id: String,
        host: String?,
        cluster: String?,
        forceHostCopy: Bool,
        lockVolume: Bool,
        caller: Identity,
        requestID: String
    ) async throws {
        try await exclusively(onVolume: id) {
            let volume = try await self.volume(id: id, caller: caller)
            let destination = cluster ?? host ?? ""
            let service = try await liveVolumeService(host: host, cluster: cluster)
            let clusterName = service.clusterName
            if volume.attachments.contains(where: { $0.attachStatus != .detached }) {
                throw EmberError.badRequest(
                    "Invalid volume: Volume \(id) is attached; migrating an attached volume needs the compute service to swap it (Nova swap_volume), which Ember does not have. Detach it first."
                )
            }
            let replication = volume.replicationStatus
            guard replication == nil || replication == "disabled" || replication == "not-capable" else {
                throw Self.migrateRefusal(id)
            }
            if let clusterName, volume.clusterName == clusterName { throw Self.migrateRefusal(id) }
            // cinder's `Case(status == 'available' → 'maintenance', else status)` with `lock_volume`.
            let starting = try await store.apply(
                VolumeTransitions.migrate(
                    lock: lockVolume,
                    currentStatus: volume.status,
                    host: clusterName == nil ? host : nil
                ),
                toVolume: id,
                also: [.migrationStatus("starting"), .previousStatus(volume.status.rawValue)]
            )
            guard let starting else { throw Self.migrateRefusal(id) }
            do {
                try await caster.migrateVolume(
                    starting,
                    backend: clusterName ?? destination,
                    forceHostCopy: forceHostCopy,
                    caller: caller,
                    requestID: requestID
                )
            } catch {
                await compensations.settle("volume \(id): migrationRolledBack") { [store] in
                    try await store.apply(
                        VolumeTransitions.migrationRolledBack,
                        toVolume: id,
                        given: volume.status,
                        also: [.migrationStatus(volume.migrationStatus)]
                    )
                }
                throw error
            }
            logger.info("Migrate volume request issued successfully.", metadata: ["volume.id": .string(id)])
        }
    }

    static func migrateRefusal(_ id: String) -> EmberError {
        EmberError.badRequest(
            "Invalid volume: Volume \(id) status must be available or in-use, must not be migrating, have snapshots, be replicated, be part of a group and destination host/cluster must be different than the current one"
        )
    }

    /// The enabled, up `cinder-volume` service of `host` (`HOST@BACKEND[#POOL]`, the pool
    /// ignored) or of `cluster`; 400 `InvalidHost` otherwise.
    nonisolated func liveVolumeService(host: String?, cluster: String?) async throws -> ServiceRecord {
        let backendOf: (String) -> String = { $0.split(separator: "#", maxSplits: 1).first.map(String.init) ?? $0 }
        let now = clock.now
        let services = try await store.listServices(host: nil, binary: "cinder-volume", topic: nil, disabled: false)
            .filter {
                abs(now.timeIntervalSince($0.updatedAt ?? $0.createdAt)) <= Double(configuration.serviceDownTime)
            }
        let found = services.first { service in
            if let cluster { return service.clusterName.map(backendOf) == backendOf(cluster) }
            return service.host == backendOf(host ?? "")
        }
        guard let found else {
            throw EmberError.badRequest("Invalid host: No available service named '\(cluster ?? host ?? "")'")
        }
        return found
    }

    // MARK: - Completion

    /// `migrate_volume_completion` (a call to the source volume's backend): without any
    /// migration in progress, the attachments move to the new volume and its id is returned;
    /// otherwise both volumes must be mid-migration, the new one the target of this one.
    public nonisolated func migrateVolumeCompletion(
        id: String,
        newVolumeID: String,
        error: Bool,
        caller: Identity,
        requestID: String
    ) async throws -> String {
        let volume = try await self.volume(id: id, caller: caller)
        let newVolume = try await self.volume(id: newVolumeID, caller: caller)
        if volume.migrationStatus == nil && newVolume.migrationStatus == nil {
            if !error {
                for attachment in volume.attachments {
                    try await detach(id: volume.id, attachmentID: attachment.id, caller: caller, requestID: requestID)
                    _ = try await attach(
                        id: newVolume.id,
                        AttachRequest(
                            instanceUUID: attachment.instanceUUID,
                            hostName: attachment.attachedHost,
                            mountpoint: attachment.mountpoint ?? "",
                            mode: "rw"
                        ),
                        caller: caller,
                        requestID: requestID
                    )
                }
            }
            return newVolume.id
        }
        guard volume.migrationStatus != nil else {
            throw EmberError.badRequest("Invalid volume: Source volume not mid-migration.")
        }
        guard let status = newVolume.migrationStatus else {
            throw EmberError.badRequest("Invalid volume: Destination volume not mid-migration.")
        }
        guard status == "target:\(volume.id)" else {
            throw EmberError.badRequest(
                "Invalid volume: Destination has migration_status \(status), expected target:\(volume.id)."
            )
        }
        logger.info("Migrate volume completion issued successfully.", metadata: ["volume.id": .string(id)])
        return try await caster.migrateVolumeCompletion(
            volume,
            newVolume: newVolume,
            error: error,
            caller: caller,
            requestID: requestID
        )
    }

    /// oslo's `uuidutils.is_uuid_like`: 32 hex digits once dashes, braces and a `urn:uuid:`
    /// prefix are set aside.
    static func isUUIDLike(_ text: String) -> Bool {
        let hex = text.lowercased().replacingOccurrences(of: "urn:uuid:", with: "").filter {
            $0 != "-" && $0 != "{" && $0 != "}"
        }
        return hex.count == 32 && hex.allSatisfy(\.isHexDigit)
    }
}

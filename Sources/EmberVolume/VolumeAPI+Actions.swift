import EmberCore
import EmberStore
import Foundation
import Logging

/// The other volume actions of `cinder/volume/api.py` behind `POST /volumes/{id}/action`:
/// extend (a cast through the scheduler), the bootable and read-only flags, and revert (a
/// cast to the backend). Status changes are conditional updates.
extension VolumeAPI {
    // MARK: - Extend

    /// `extend` / `extend_attached_volume` (3.42, `in-use`): the new size must be larger;
    /// the status moves to `extending` (`previous_status` kept); the per-volume limit and the
    /// `gigabytes` quota for the growth are checked (the status goes back on a refusal); then
    /// the scheduler is asked to extend, with the reservation for the backend to commit.
    public nonisolated func extendVolume(
        id: String,
        newSize: Int,
        attached: Bool,
        caller: Identity,
        requestID: String
    ) async throws {
        try await exclusively(onVolume: id) {
            let volume = try await self.volume(id: id, caller: caller)
            let increase = newSize - volume.size
            guard increase > 0 else {
                throw EmberError.badRequest(
                    "Invalid input received: New size for extend must be greater than current size. (current: \(volume.size), extended: \(newSize))."
                )
            }
            let extend = VolumeTransitions.extend(attached: attached)
            guard try await store.apply(extend, toVolume: id, also: [.previousStatus(volume.status.rawValue)]) != nil
            else {
                let expected = attached ? VolumeStatus.inUse : .available
                throw EmberError.badRequest(
                    "Invalid volume: Volume \(id) status must be '{'status': '\(expected.rawValue)'}' to extend, currently \(volume.status.rawValue)."
                )
            }
            let reservation: QuotaReservation
            do {
                reservation = try await reserveGrowth(volume, newSize: newSize, caller: caller)
            } catch {
                await compensations.settle("volume \(id): extendRolledBack") { [store] in
                    try await store.apply(VolumeTransitions.extendRolledBack, toVolume: id, given: volume.status)
                }
                throw error
            }
            do {
                try await caster.extendVolume(
                    volume,
                    newSize: newSize,
                    reservation: reservation,
                    caller: caller,
                    requestID: requestID
                )
            } catch {
                await compensations.rollBack(reservation, in: store)
                await compensations.settle("volume \(id): extendRolledBack") { [store] in
                    try await store.apply(VolumeTransitions.extendRolledBack, toVolume: id, given: volume.status)
                }
                throw error
            }
            logger.info("Extend volume request issued successfully.", metadata: ["volume.id": .string(id)])
        }
    }

    /// `QUOTAS.limit_check(per_volume_gigabytes=new_size)`, then a reservation of the growth
    /// in `gigabytes` and `gigabytes_<type>`, with cinder's extend wording on refusal.
    nonisolated func reserveGrowth(
        _ volume: Volume,
        newSize: Int,
        caller: Identity
    ) async throws
        -> QuotaReservation
    {
        let projectID = volume.projectID ?? caller.projectID ?? ""
        let typeName = await types.name(id: volume.volumeTypeID) ?? volume.volumeTypeID
        let limits = try await quotas.limits(projectID: projectID, typeNames: [typeName])
        if let perVolume = limits["per_volume_gigabytes"], perVolume >= 0, newSize > perVolume {
            throw QuotaEngine.quotaError(
                "VolumeSizeExceedsLimit",
                "Requested volume size \(newSize)G is larger than maximum allowed limit \(perVolume)G."
            )
        }
        let increase = newSize - volume.size
        do {
            return try await store.reserve(
                projectID: projectID,
                deltas: ["gigabytes": increase, "gigabytes_\(typeName)": increase],
                limits: limits,
                expiresAt: quotas.reservationExpiry
            )
        } catch {
            guard case .overQuota = error else { throw error }
            let usage = try await store.quotaUsages(projectID: projectID)["gigabytes"]
            throw QuotaEngine.quotaError(
                "VolumeSizeExceedsAvailableQuota",
                "Requested volume or snapshot exceeds allowed gigabytes quota. Requested \(increase)G, quota is \(limits["gigabytes"] ?? -1)G and \((usage?.inUse ?? 0) + (usage?.reserved ?? 0))G has been consumed."
            )
        }
    }

    // MARK: - Flags

    /// `os-set_bootable` (`volume_api.update` with `bootable`): refused in maintenance.
    public nonisolated func setBootable(id: String, _ bootable: Bool, caller: Identity) async throws {
        try await exclusively(onVolume: id) {
            _ = try await volume(id: id, caller: caller)
            guard try await store.apply(VolumeTransitions.update, toVolume: id, also: [.bootable(bootable)]) != nil
            else {
                throw EmberError.badRequest("Invalid volume: The volume cannot be updated during maintenance.")
            }
        }
    }

    /// `update_readonly_flag`: only an `available` volume; sets the `readonly` admin metadata.
    public nonisolated func updateReadonlyFlag(id: String, _ readonly: Bool, caller: Identity) async throws {
        try await exclusively(onVolume: id) {
            let volume = try await self.volume(id: id, caller: caller)
            guard VolumeTransitions.updateReadonlyFlag.allows(volume.status) else {
                throw EmberError.badRequest(
                    "Invalid volume: Volume \(id) status must be available to update readonly flag, but current status is: \(volume.status.rawValue)."
                )
            }
            _ = try await store.updateVolumeMetadata(
                id: id,
                kind: .admin,
                ["readonly": readonly ? "True" : "False"],
                replace: false
            )
        }
    }

    // MARK: - Revert

    /// `revert` (3.40): only to the volume's latest snapshot, of the volume's size; the volume
    /// goes `available` → `reverting` and the snapshot `available` → `restoring` (each a
    /// 409 otherwise), then the backend reverts.
    public nonisolated func revertToSnapshot(
        volumeID: String,
        snapshotID: String?,
        caller: Identity,
        requestID: String
    ) async throws {
        try await exclusively(onVolume: volumeID) {
            let volume = try await self.volume(id: volumeID, caller: caller)
            let latest = try await store.listSnapshots(
                ListQuery(
                    scope: caller.isAdmin ? .allProjects : scope(for: caller),
                    filters: [.equals("volume_id", volume.id)],
                    sort: [SortKey("created_at", .desc)],
                    limit: 1
                )
            ).items.first
            guard let latest else { throw EmberError.badRequest("Volume \(volume.id) doesn't have any snapshots.") }
            guard let snapshotID, snapshotID == latest.id else {
                throw EmberError.badRequest(
                    "Specified snapshot \(snapshotID ?? "None") is None or not the latest one of volume \(volume.id)."
                )
            }
            guard volume.size == latest.volumeSize else {
                throw EmberError.badRequest(
                    "Can't revert volume \(volume.id) to its latest snapshot \(snapshotID). The volume size must be equal to the snapshot size."
                )
            }
            guard try await store.apply(VolumeTransitions.revert, toVolume: volume.id) != nil else {
                throw EmberError.conflict(
                    "Invalid volume: Can't revert volume \(volume.id) to its latest snapshot \(snapshotID). Volume's status must be 'available'."
                )
            }
            func restoreVolume() async {
                await compensations.settle("volume \(volume.id): revertRolledBack") { [store] in
                    try await store.apply(VolumeTransitions.revertRolledBack, toVolume: volume.id)
                }
            }
            guard let restoring = try await store.apply(SnapshotTransitions.restore, toSnapshot: snapshotID) else {
                // cinder leaves the volume `reverting` here; Ember puts it back.
                await restoreVolume()
                throw EmberError.conflict(
                    "Invalid snapshot: Can't revert volume \(volume.id) to its latest snapshot \(snapshotID). Snapshot's status must be 'available'."
                )
            }
            do {
                try await caster.revertToSnapshot(volume, snapshot: restoring, caller: caller, requestID: requestID)
            } catch {
                await restoreVolume()
                await compensations.settle("snapshot \(snapshotID): restored") { [store] in
                    try await store.apply(SnapshotTransitions.restored, toSnapshot: snapshotID)
                }
                throw error
            }
            logger.info(
                "Reverting volume to snapshot",
                metadata: ["volume.id": .string(volume.id), "snapshot.id": .string(snapshotID)]
            )
        }
    }
}

import EmberCore
import EmberKeys
import EmberStore
import Foundation
import Logging

extension VolumeAPI {
    /// `volume_api.update`: name, description and metadata; refused in `maintenance`.
    public nonisolated func updateVolume(
        id: String,
        name: String??,
        description: String??,
        metadata: [String: String]?,
        caller: Identity
    ) async throws -> Volume {
        try await exclusively(onVolume: id) {
            let current = try await volume(id: id, caller: caller)
            guard VolumeTransitions.update.allows(current.status) else {
                throw EmberError.badRequest("Invalid volume: The volume cannot be updated during maintenance.")
            }
            var changes: [VolumeUpdate] = []
            if let name { changes.append(.displayName(name)) }
            if let description { changes.append(.displayDescription(description)) }
            if !changes.isEmpty {
                guard try await store.apply(VolumeTransitions.update, toVolume: id, also: changes) != nil else {
                    throw EmberError.badRequest("Invalid volume: The volume cannot be updated during maintenance.")
                }
            }
            if let metadata {
                _ = try await store.updateVolumeMetadata(id: id, kind: .user, metadata, replace: true)
            }
            return try await volume(id: id, caller: caller)
        }
    }

    /// `volume_api.delete`: a volume that was never scheduled (no `host`) is deleted here at
    /// once with its quota given back, whatever its status, as cinder does. Otherwise one
    /// conditional update checks every precondition and moves it to `deleting`, and the
    /// volume's backend is asked to delete it.
    public nonisolated func deleteVolume(
        id: String,
        cascade: Bool,
        force: Bool,
        caller: Identity,
        requestID: String
    )
        async throws
    {
        try await exclusively(onVolume: id) {
            let current = try await volume(id: id, caller: caller)
            if current.host == nil {
                if current.status != .errorManaging {
                    do {
                        try await releaseQuota(for: current)
                    } catch {
                        logger.error(
                            "Failed to update quota while deleting volume",
                            metadata: ["volume.id": .string(id), "error": "\(error)"]
                        )
                    }
                }
                try await store.deleteVolume(id: id)
                // cinder returns before its key deletion here and leaves the key behind; a
                // volume that never reached a backend holds no data, so its key goes too.
                await discardEncryptionKey(current.encryptionKeyID, caller: caller, requestID: requestID)
                logger.info("Delete volume request issued successfully", metadata: ["volume.id": .string(id)])
                return
            }
            try await services.assertNotFrozen(host: current.host, cluster: current.clusterName)
            guard
                let deleting = try await store.conditionalUpdateVolume(
                    id: id,
                    set: [.status(VolumeTransitions.deleteTarget(from: current.status)), .terminatedAt(clock.now)],
                    where: VolumeTransitions.delete(force: force, cascade: cascade).condition
                )
            else {
                let status =
                    force
                    ? ""
                    : "status must be available or error or error_restoring or error_extending or error_managing and"
                throw EmberError.badRequest(
                    "Invalid volume: Volume \(status) must not be migrating, attached, belong to a group, have snapshots, awaiting a transfer, or be disassociated from snapshots after volume transfer."
                )
            }
            // The key goes before the data (cinder's delete: "this makes volume deletion an
            // irreversible process"); a key manager that fails leaves the volume
            // `error_deleting` with cinder's message, and nothing is cast.
            if let keyID = deleting.encryptionKeyID {
                do {
                    try await deleteEncryptionKey(keyID, caller: caller, requestID: requestID)
                } catch {
                    await compensations.settle("volume \(id): deleteFailed") { [store] in
                        try await store.apply(VolumeTransitions.deleteFailed, toVolume: id)
                    }
                    logger.error(
                        "Unable to delete encryption key for volume",
                        metadata: ["volume.id": .string(id), "error": "\(error)"]
                    )
                    // castellan's errors carry no `msg`, so cinder answers the short text; a
                    // process without a usable key manager says why.
                    if case .misconfigured(let reason)? = error as? KeyManagerError {
                        throw EmberError.badRequest(
                            "Invalid volume: Unable to delete encryption key for volume: \(reason)"
                        )
                    }
                    throw EmberError.badRequest("Invalid volume: Unable to delete encryption key for volume.")
                }
            }
            try await caster.deleteVolume(deleting, cascade: cascade, caller: caller, requestID: requestID)
        }
    }

    /// Gives back the volume's quota (a negative reservation, committed), as the volume
    /// manager does after a delete.
    nonisolated func releaseQuota(for volume: Volume) async throws {
        guard volume.useQuota, let projectID = volume.projectID else { return }
        let typeName = await types.name(id: volume.volumeTypeID) ?? volume.volumeTypeID
        let deltas = QuotaReservation.volumeDeltas(size: volume.size, typeName: typeName).mapValues { -$0 }
        let reservation = try await store.reserve(
            projectID: projectID,
            deltas: deltas,
            limits: [:],
            expiresAt: clock.now.addingTimeInterval(86_400)
        )
        try await store.commit(reservation)
    }

    // MARK: - Metadata

    public nonisolated func metadata(volumeID: String, caller: Identity) async throws -> [String: String] {
        try await volume(id: volumeID, caller: caller).metadata
    }

    /// `update_volume_metadata`: merges (`replace` false) or replaces all user metadata.
    public nonisolated func setMetadata(
        volumeID: String,
        _ metadata: [String: String],
        replace: Bool,
        caller: Identity
    )
        async throws -> [String: String]
    {
        try await exclusively(onVolume: volumeID) {
            let current = try await volume(id: volumeID, caller: caller)
            guard VolumeTransitions.updateMetadata.allows(current.status) else {
                throw EmberError.badRequest(
                    "Invalid volume: The volume metadata cannot be updated when the volume is in \(current.status.rawValue) status."
                )
            }
            return try await store.updateVolumeMetadata(id: volumeID, kind: .user, metadata, replace: replace)
        }
    }

    public nonisolated func deleteMetadata(volumeID: String, key: String, caller: Identity) async throws {
        try await exclusively(onVolume: volumeID) {
            let current = try await volume(id: volumeID, caller: caller)
            guard VolumeTransitions.updateMetadata.allows(current.status) else {
                throw EmberError.badRequest(
                    "Invalid volume: The volume metadata cannot be deleted when the volume is in \(current.status.rawValue) status."
                )
            }
            do {
                try await store.deleteVolumeMetadata(id: volumeID, kind: .user, key: key)
            } catch {
                if case StoreError.metadataKeyNotFound = error {
                    throw EmberError.notFound("Volume \(volumeID) has no metadata with key \(key).")
                }
                throw error
            }
        }
    }
}

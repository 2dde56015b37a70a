import EmberCore
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
        let current = try await volume(id: id, caller: caller)
        guard current.status != .maintenance else {
            throw EmberError.badRequest("Invalid volume: The volume cannot be updated during maintenance.")
        }
        var changes: [VolumeUpdate] = []
        if let name { changes.append(.displayName(name)) }
        if let description { changes.append(.displayDescription(description)) }
        if !changes.isEmpty {
            guard
                try await store.conditionalUpdateVolume(
                    id: id,
                    set: changes,
                    where: VolumeCondition(statusNotIn: [.maintenance])
                ) != nil
            else {
                throw EmberError.badRequest("Invalid volume: The volume cannot be updated during maintenance.")
            }
        }
        if let metadata {
            _ = try await store.updateVolumeMetadata(id: id, kind: .user, metadata, replace: true)
        }
        return try await volume(id: id, caller: caller)
    }

    /// The statuses from which a volume may be deleted (`volume/api.py:delete`).
    static let deletableStatuses: Set<VolumeStatus> = [
        .available, .error, .errorRestoring, .errorExtending, .errorManaging,
    ]

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
            logger.info("Delete volume request issued successfully", metadata: ["volume.id": .string(id)])
            return
        }
        let condition = VolumeCondition(
            status: force ? nil : Self.deletableStatuses,
            attachStatusNotIn: [.attached],
            migrationStatus: VolumeCondition.availableMigrationStatus,
            hasNoSnapshots: !cascade,
            notInGroup: true
        )
        let target: VolumeStatus = current.status == .errorManaging ? .errorManagingDeleting : .deleting
        guard
            let deleting = try await store.conditionalUpdateVolume(
                id: id,
                set: [.status(target), .terminatedAt(clock.now)],
                where: condition
            )
        else {
            let status =
                force
                ? "" : "status must be available or error or error_restoring or error_extending or error_managing and"
            throw EmberError.badRequest(
                "Invalid volume: Volume \(status) must not be migrating, attached, belong to a group, have snapshots, awaiting a transfer, or be disassociated from snapshots after volume transfer."
            )
        }
        try await caster.deleteVolume(deleting, cascade: cascade, caller: caller, requestID: requestID)
    }

    /// Gives back the volume's quota (a negative reservation, committed), as the volume
    /// manager does after a delete.
    nonisolated func releaseQuota(for volume: Volume) async throws {
        guard volume.useQuota, let projectID = volume.projectID else { return }
        let typeName = await volumeTypeName(id: volume.volumeTypeID) ?? volume.volumeTypeID
        let deltas = QuotaEngine.volumeDeltas(size: volume.size, typeName: typeName).mapValues { -$0 }
        let reservation = try await store.reserve(
            projectID: projectID,
            deltas: deltas,
            limits: [:],
            expiresAt: clock.now.addingTimeInterval(86_400)
        )
        try await store.commit(reservation)
    }

    // MARK: - Metadata

    /// The statuses in which metadata may not change.
    static let metadataFrozen: Set<VolumeStatus> = [.maintenance, .uploading]

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
        let current = try await volume(id: volumeID, caller: caller)
        guard !Self.metadataFrozen.contains(current.status) else {
            throw EmberError.badRequest(
                "Invalid volume: The volume metadata cannot be updated when the volume is in \(current.status.rawValue) status."
            )
        }
        return try await store.updateVolumeMetadata(id: volumeID, kind: .user, metadata, replace: replace)
    }

    public nonisolated func deleteMetadata(volumeID: String, key: String, caller: Identity) async throws {
        let current = try await volume(id: volumeID, caller: caller)
        guard !Self.metadataFrozen.contains(current.status) else {
            throw EmberError.badRequest(
                "Invalid volume: The volume metadata cannot be deleted when the volume is in \(current.status.rawValue) status."
            )
        }
        do {
            try await store.deleteVolumeMetadata(id: volumeID, kind: .user, key: key)
        } catch {
            if case .metadataKeyNotFound = error {
                throw EmberError.notFound("Volume \(volumeID) has no metadata with key \(key).")
            }
            throw error
        }
    }
}

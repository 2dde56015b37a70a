import EmberCore
import EmberStore
import Foundation
import Logging

/// A validated `POST /snapshots` request.
public struct SnapshotCreateRequest: Sendable {
    public var volumeID: String?
    public var name: String?
    public var description: String?
    public var metadata: [String: String]
    /// `force=true`: an `in-use` volume may be snapshotted (`create_snapshot_force`).
    public var force: Bool
    /// From 3.66 an `in-use` volume may be snapshotted without `force`.
    public var allowInUse: Bool

    public init(
        volumeID: String?,
        name: String? = nil,
        description: String? = nil,
        metadata: [String: String] = [:],
        force: Bool = false,
        allowInUse: Bool = false
    ) {
        self.volumeID = volumeID
        self.name = name
        self.description = description
        self.metadata = metadata
        self.force = force
        self.allowInUse = allowInUse
    }
}

/// `cinder/volume/api.py`'s snapshot operations: snapshots of this API's volumes, their
/// metadata and the status a compute service reports for the snapshots it takes. A snapshot
/// moves its volume through ``VolumeTransitions`` and itself through ``SnapshotTransitions``.
public struct SnapshotAPI: Sendable {
    /// The volume API whose volumes are snapshotted.
    let volumes: VolumeAPI

    init(volumes: VolumeAPI) {
        self.volumes = volumes
    }

    var store: any VolumeAPIStore { volumes.store }
    var compensations: Compensations { volumes.compensations }
    var quotas: QuotaEngine { volumes.quotas }
    var logger: Logger { volumes.logger }
    var caster: any VolumeWorkCaster { volumes.caster }

    /// `volume_api.get_snapshot`: a snapshot in the caller's project (any project for admins).
    public func get(id: String, caller: Identity) async throws -> Snapshot {
        try await VolumeAPI.found("Snapshot \(id)") { () async throws(StoreError) in
            try await store.snapshot(id: id, scope: caller.isAdmin ? .allProjects : volumes.scope(for: caller))
        }
    }

    /// `volume_api.get_all_snapshots`.
    /// A page of snapshots; an unknown marker is a 404 as cinder's.
    public func list(_ query: ListQuery) async throws -> Page<Snapshot> {
        try await VolumeAPI.page(of: "Snapshot") { () async throws(StoreError) in try await store.listSnapshots(query) }
    }

    /// `volume_api.create_snapshot` / `create_snapshot_force`: validates the volume, reserves
    /// `snapshots` and `gigabytes`, inserts the snapshot (`creating`), re-checks the volume's
    /// status, commits the quota and casts to the scheduler, which hands the snapshot to the
    /// volume's backend. Any failure after the reservation removes the row and rolls back.
    public func create(
        _ request: SnapshotCreateRequest,
        caller: Identity,
        requestID: String
    ) async throws -> Snapshot {
        guard let volumeID = request.volumeID else { throw EmberError.notFound("Volume None could not be found.") }
        let volume = try await volumes.volume(id: volumeID, caller: caller)
        try await volumes.services.assertNotFrozen(host: volume.host, cluster: volume.clusterName)
        let snapshot = try await createInDB(request, of: volume, caller: caller, requestID: requestID)
        do {
            try await caster.createSnapshot(snapshot, of: volume, caller: caller, requestID: requestID)
        } catch {
            logger.error(
                "Cast to the scheduler failed",
                metadata: ["snapshot.id": .string(snapshot.id), "error": "\(error)"]
            )
            await compensations.settle("snapshot \(snapshot.id): createFailed") {
                try await store.apply(SnapshotTransitions.createFailed, toSnapshot: snapshot.id)
            }
            throw error
        }
        return snapshot
    }

    /// `create_snapshot_in_db`: validates the volume, reserves `snapshots` and `gigabytes`,
    /// inserts the snapshot (`creating`), re-checks the volume's status and commits the quota.
    /// Any failure after the reservation removes the row and rolls back.
    func createInDB(
        _ request: SnapshotCreateRequest,
        of volume: Volume,
        caller: Identity,
        requestID: String
    ) async throws -> Snapshot {
        try Self.validateSnapshotSource(volume)
        let source = VolumeTransitions.snapshot(inUseAllowed: request.force || request.allowInUse)
        let validStatus = VolumeStatus.allCases.filter(source.allows)
        func statusError(_ status: VolumeStatus, spaced: Bool) -> EmberError {
            // cinder words the re-check after the insert with a space before the comma.
            EmberError.badRequest(
                "Invalid volume: Volume \(volume.id) status must be \(validStatus.map(\.rawValue).joined(separator: ", "))\(spaced ? " " : ""), but current status is: \(status.rawValue)."
            )
        }
        guard source.allows(volume.status) else { throw statusError(volume.status, spaced: false) }
        guard let projectID = caller.projectID else {
            throw EmberError.badRequest("A project is required to create a snapshot.")
        }
        let typeName = await volumes.types.name(id: volume.volumeTypeID) ?? volume.volumeTypeID
        let reservation = try await quotas.reserve(
            projectID: projectID,
            deltas: quotas.snapshotDeltas(size: volume.size, typeName: typeName),
            typeName: typeName,
            perVolumeSize: nil
        )
        var created: Snapshot?
        do {
            let snapshot = try await store.createSnapshot(
                Snapshot(
                    volumeID: volume.id,
                    userID: caller.userID,
                    projectID: projectID,
                    volumeSize: volume.size,
                    volumeTypeID: volume.volumeTypeID,
                    status: .creating,
                    progress: "0%",
                    displayName: request.name,
                    displayDescription: request.description,
                    encryptionKeyID: volume.encryptionKeyID,
                    metadata: request.metadata
                )
            )
            created = snapshot
            let current = try await store.volume(id: volume.id, scope: .allProjects)
            guard validStatus.contains(current.status) else { throw statusError(current.status, spaced: true) }
            try await store.commit(reservation)
        } catch {
            if let created {
                await compensations.settle("snapshot \(created.id) removed") {
                    try await store.deleteSnapshot(id: created.id)
                }
            }
            await compensations.rollBack(reservation, in: store)
            throw error
        }
        guard let snapshot = created else { throw EmberError.internalError }
        logger.info(
            "Snapshot create request issued successfully.",
            metadata: [
                "snapshot.id": .string(snapshot.id), "volume.id": .string(volume.id),
                "request.id": .string(requestID),
            ]
        )
        return snapshot
    }

    /// `_create_snapshot_in_db_validate`: the volume must be scheduled, not in maintenance,
    /// not migrating and not in error.
    static func validateSnapshotSource(_ volume: Volume) throws {
        guard volume.host != nil else {
            throw EmberError.badRequest(
                "Invalid volume: The snapshot cannot be created because volume has not been scheduled to any host."
            )
        }
        if volume.status == .maintenance {
            throw EmberError.badRequest(
                "Invalid volume: The snapshot cannot be created when the volume is in maintenance mode."
            )
        }
        if !VolumeCondition.availableMigrationStatus.contains(volume.migrationStatus) {
            throw EmberError.badRequest("Invalid volume: Snapshot cannot be created while volume is migrating.")
        }
        if volume.status == .error {
            throw EmberError.badRequest(
                "Invalid volume: The snapshot cannot be created when the volume is in error status."
            )
        }
    }

    /// `volume_api.update_snapshot`: name and description; no status check, as cinder.
    public func update(
        id: String,
        name: String??,
        description: String??,
        caller: Identity
    ) async throws -> Snapshot {
        _ = try await get(id: id, caller: caller)
        var changes: [SnapshotUpdate] = []
        if let name { changes.append(.displayName(name)) }
        if let description { changes.append(.displayDescription(description)) }
        guard !changes.isEmpty else { return try await get(id: id, caller: caller) }
        return try await VolumeAPI.found("Snapshot \(id)") { () async throws(StoreError) in
            try await store.updateSnapshot(id: id, changes)
        }
    }

    /// `volume_api.delete_snapshot`: `available`/`error` and in no group snapshot →
    /// `deleting`, then the volume's backend deletes it.
    /// `delete_snapshot`; `force` (the admin action) skips the status check.
    public func delete(
        id: String,
        force: Bool = false,
        caller: Identity,
        requestID: String
    ) async throws {
        let current = try await get(id: id, caller: caller)
        if let source = try? await store.volume(id: current.volumeID, scope: .allProjects) {
            try await volumes.services.assertNotFrozen(host: source.host, cluster: source.clusterName)
        }
        guard let deleting = try await store.apply(SnapshotTransitions.delete(force: force), toSnapshot: id) else {
            throw EmberError.badRequest(
                force
                    ? "Invalid snapshot: Snapshot must not be part of a group."
                    : "Invalid snapshot: Snapshot status must be available or error and must not be part of a group."
            )
        }
        let volume = try await store.volume(id: current.volumeID, scope: .allProjects)
        do {
            try await caster.deleteSnapshot(deleting, of: volume, caller: caller, requestID: requestID)
        } catch {
            logger.error(
                "Cast to the volume service failed",
                metadata: ["snapshot.id": .string(id), "error": "\(error)"]
            )
            await compensations.settle("snapshot \(id): deleteRolledBack") {
                try await store.apply(SnapshotTransitions.deleteRolledBack, toSnapshot: id, given: current.status)
            }
            throw error
        }
        logger.info("Snapshot delete request issued successfully.", metadata: ["snapshot.id": .string(id)])
    }

    // MARK: - Snapshot metadata

    public func metadata(snapshotID: String, caller: Identity) async throws -> [String: String] {
        try await get(id: snapshotID, caller: caller).metadata
    }

    /// `update_snapshot_metadata`: merges (`replace` false) or replaces all metadata.
    public func setMetadata(
        snapshotID: String,
        _ metadata: [String: String],
        replace: Bool,
        caller: Identity
    ) async throws -> [String: String] {
        _ = try await get(id: snapshotID, caller: caller)
        return try await VolumeAPI.found("Snapshot \(snapshotID)") { () async throws(StoreError) in
            try await store.updateSnapshotMetadata(id: snapshotID, metadata, replace: replace)
        }
    }

    public func deleteMetadata(snapshotID: String, key: String, caller: Identity) async throws {
        let metadata = try await metadata(snapshotID: snapshotID, caller: caller)
        let missing = EmberError.notFound("Snapshot \(snapshotID) has no metadata with key \(key).")
        guard metadata[key] != nil else { throw missing }
        do {
            try await store.deleteSnapshotMetadata(id: snapshotID, key: key)
        } catch {
            if case .metadataKeyNotFound = error { throw missing }
            if case .notFound = error { throw EmberError.notFound("Snapshot \(snapshotID) could not be found.") }
            throw error
        }
    }

    /// `os-update_snapshot_status`: moves the snapshot through `transition` (from
    /// `SnapshotTransitions.updateStatus(from:to:)`) with the compute service's `progress`;
    /// false when the snapshot left the status the transition starts from meanwhile.
    public func updateStatus(
        _ id: String,
        _ transition: SnapshotTransition,
        progress: String?
    ) async throws -> Bool {
        try await store.apply(transition, toSnapshot: id, also: progress.map { [.progress($0)] } ?? []) != nil
    }

    /// `os-reset_status` on a snapshot.
    public func resetStatus(_ snapshot: Snapshot, to status: SnapshotStatus) async throws {
        try await store.apply(SnapshotTransitions.resetStatus, toSnapshot: snapshot.id, given: status)
        logger.info(
            "Snapshot status reset by an admin",
            metadata: ["snapshot.id": .string(snapshot.id), "status": .string(status.rawValue)]
        )
    }
}

import EmberCore
import EmberStore
import Foundation
import Logging

/// A validated transfer create (`POST /volume-transfers`, `POST /os-volume-transfer`).
public struct TransferCreateRequest: Sendable {
    public var name: String?
    /// 3.55: the volume moves without its snapshots.
    public var noSnapshots: Bool
    /// 3.70: an encrypted volume may be offered.
    public var allowEncrypted: Bool

    public init(name: String?, noSnapshots: Bool = false, allowEncrypted: Bool = false) {
        self.name = name
        self.noSnapshots = noSnapshots
        self.allowEncrypted = allowEncrypted
    }
}

/// A transfer just created, with the auth key that is shown this once and never stored.
public struct CreatedTransfer: Sendable {
    public var transfer: VolumeTransfer
    public var authKey: String
}

/// `cinder/transfer/api.py`: offering a volume to another project and accepting it. The
/// volume waits `awaiting-transfer` while the offer stands; the auth key is kept only as a
/// salted HMAC-SHA1. Accepting reserves the volume's (and its snapshots') quota in the
/// accepting project and gives it back in the offering one, asks the volume's backend
/// (`accept_transfer`), then moves the ownership and commits both reservations in one store
/// transaction: over quota is cinder's 413 with nothing moved, and of two accepts of one
/// transfer exactly one wins.
public struct TransferAPI: Sendable {
    /// The volume API whose volumes are transferred.
    let volumes: VolumeAPI

    init(volumes: VolumeAPI) {
        self.volumes = volumes
    }

    var store: any VolumeAPIStore { volumes.store }
    var compensations: Compensations { volumes.compensations }
    var quotas: QuotaEngine { volumes.quotas }
    var logger: Logger { volumes.logger }

    /// `transfer_get`: a transfer of a volume in the caller's project (any for admins).
    public func get(id: String, caller: Identity) async throws -> VolumeTransfer {
        try await get(id: id, scope: caller.isAdmin ? .allProjects : volumes.scope(for: caller))
    }

    func get(id: String, scope: ProjectScope) async throws -> VolumeTransfer {
        try await VolumeAPI.found("Transfer \(id)") { () async throws(StoreError) in
            try await store.transfer(id: id, scope: scope)
        }
    }

    /// The volume a transfer offers, whoever owns it.
    public func volume(of transfer: VolumeTransfer) async throws -> Volume {
        try await VolumeAPI.found("Volume \(transfer.volumeID)") { () async throws(StoreError) in
            try await store.volume(id: transfer.volumeID, scope: .allProjects)
        }
    }

    /// `transfer_get_all` / `transfer_get_all_by_project`: a page of transfers; an unknown
    /// marker is cinder's 404.
    public func list(_ query: ListQuery) async throws -> Page<VolumeTransfer> {
        try await VolumeAPI.page(of: "Transfer") { () async throws(StoreError) in try await store.listTransfers(query) }
    }

    /// `create`: the volume (already read and authorized by the caller) must be `available`;
    /// unless `no_snapshots`, its snapshots must all be `available`. Makes the salt and the
    /// auth key, stores the hash and moves the volume to `awaiting-transfer` in one write.
    public func create(
        _ request: TransferCreateRequest,
        volume: Volume,
        caller: Identity,
        requestID: String
    ) async throws -> CreatedTransfer {
        try await volumes.exclusively(onVolume: volume.id) {
            let current = try await volumes.volume(id: volume.id, caller: caller)
            guard VolumeTransitions.transferCreate.allows(current.status) else {
                throw EmberError.badRequest("Invalid volume: status must be available")
            }
            if current.encryptionKeyID != nil {
                guard request.allowEncrypted else {
                    throw EmberError.badRequest("Invalid volume: transferring encrypted volume is not supported")
                }
                if request.noSnapshots {
                    throw EmberError.badRequest(
                        "Invalid volume: transferring an encrypted volume without its snapshots is not supported"
                    )
                }
            }
            if !request.noSnapshots {
                for snapshot in try await snapshots(of: current.id) where snapshot.status != .available {
                    throw EmberError.badRequest("Invalid snapshot: snapshot: \(snapshot.id) status must be available")
                }
            }
            let salt = TransferKey.randomString(length: volumes.configuration.transferSaltLength)
            let authKey = TransferKey.randomString(length: volumes.configuration.transferKeyLength)
            let transfer = VolumeTransfer(
                volumeID: current.id,
                displayName: request.name,
                salt: salt,
                cryptHash: TransferKey.cryptHash(salt: salt, authKey: authKey),
                noSnapshots: request.noSnapshots,
                sourceProjectID: current.projectID,
                createdAt: volumes.clock.now
            )
            guard let created = try await store.createTransfer(transfer) else {
                throw EmberError.badRequest(
                    "Invalid volume: Transfer \(transfer.id): Volume id \(current.id) expected in available state."
                )
            }
            if current.encryptionKeyID != nil {
                // `key_transfer.transfer_create`: the key moves from the owner to the service
                // until the transfer is accepted or deleted; a failure takes the transfer back.
                do {
                    try await volumes.transferKey(
                        of: current,
                        from: volumes.keyContext(caller, requestID: requestID),
                        to: volumes.serviceKeyContext(requestID: requestID)
                    )
                } catch {
                    logger.error("Failed to transfer keys", metadata: ["volume.id": .string(current.id)])
                    await compensations.settle("transfer \(created.id) removed") {
                        try await store.deleteTransfer(id: created.id)
                    }
                    throw error
                }
            }
            logger.info(
                "Generated transfer record for volume",
                metadata: [
                    "transfer.id": .string(created.id), "volume.id": .string(current.id),
                    "request.id": .string(requestID),
                ]
            )
            return CreatedTransfer(transfer: created, authKey: authKey)
        }
    }

    /// `delete`: the transfer goes, and its volume back to `available` if it still waits. The
    /// key of an encrypted volume goes back from the service to the caller first
    /// (`key_transfer.transfer_delete`).
    public func delete(_ transfer: VolumeTransfer, caller: Identity, requestID: String) async throws {
        try await volumes.exclusively(onVolume: transfer.volumeID) {
            if let volume = try? await self.volume(of: transfer), volume.encryptionKeyID != nil {
                try await volumes.transferKey(
                    of: volume,
                    from: volumes.serviceKeyContext(requestID: requestID),
                    to: volumes.keyContext(caller, requestID: requestID)
                )
            }
            let restored: Bool
            do {
                restored = try await store.deleteTransfer(id: transfer.id)
            } catch StoreError.notFound {
                throw EmberError.notFound("Transfer \(transfer.id) could not be found.")
            }
            if !restored {
                logger.error(
                    "Volume in unexpected state",
                    metadata: ["transfer.id": .string(transfer.id), "volume.id": .string(transfer.volumeID)]
                )
            }
            logger.info(
                "Transfer deleted",
                metadata: ["transfer.id": .string(transfer.id), "request.id": .string(requestID)]
            )
        }
    }

    /// `accept`: any project may accept with the right key (a wrong one is cinder's 400).
    /// Returns the accepted transfer (its id, name and volume).
    public func accept(
        id: String,
        authKey: String,
        caller: Identity,
        requestID: String
    ) async throws -> VolumeTransfer {
        let offered = try await get(id: id, scope: .allProjects)
        guard TransferKey.matches(authKey: authKey, salt: offered.salt, cryptHash: offered.cryptHash) else {
            logger.error("Attempt to transfer with invalid auth key", metadata: ["transfer.id": .string(id)])
            throw EmberError.badRequest("Invalid auth key: Attempt to transfer \(id) with invalid auth key.")
        }
        let userID = caller.userID
        guard let projectID = caller.projectID else {
            throw EmberError.badRequest("A project is required to accept a transfer.")
        }
        return try await volumes.exclusively(onVolume: offered.volumeID) {
            // A transfer accepted while this request waited is gone now.
            let transfer = try await get(id: id, scope: .allProjects)
            let volume = try await self.volume(of: transfer)
            if volume.consistencyGroupID != nil {
                throw EmberError.badRequest(
                    "Invalid volume: Volume \(volume.id) must not be part of a consistency group."
                )
            }
            let typeName = await volumes.types.name(id: volume.volumeTypeID) ?? volume.volumeTypeID
            let volumeDeltas = QuotaReservation.volumeDeltas(size: volume.size, typeName: typeName)
            var reservations = [
                try await quotas.reserve(
                    projectID: projectID,
                    deltas: volumeDeltas,
                    typeName: typeName,
                    perVolumeSize: volume.size
                )
            ]
            do {
                if let donor = volume.projectID {
                    reservations.append(try await giveBack(volumeDeltas, projectID: donor, typeName: typeName))
                }
                if !transfer.noSnapshots {
                    let snapshots = try await snapshots(of: volume.id)
                    if !snapshots.isEmpty {
                        let deltas = snapshotDeltas(snapshots, typeName: typeName)
                        reservations.append(
                            try await quotas.reserve(
                                projectID: projectID,
                                deltas: deltas,
                                typeName: typeName,
                                perVolumeSize: nil
                            )
                        )
                        if let donor = volume.projectID {
                            reservations.append(try await giveBack(deltas, projectID: donor, typeName: typeName))
                        }
                    }
                }
                if volume.status == .maintenance {
                    throw EmberError.badRequest(
                        "Invalid volume: The volume cannot accept transfer in maintenance mode."
                    )
                }
                try await volumes.caster.acceptTransfer(
                    volume,
                    newUser: userID,
                    newProject: projectID,
                    noSnapshots: transfer.noSnapshots,
                    caller: caller,
                    requestID: requestID
                )
                // `key_transfer.transfer_accept`: the key moves from the service to the new
                // owner; if the transfer then fails it moves back (cinder's except branch).
                var keyTransferred: Volume?
                if volume.encryptionKeyID != nil {
                    let newKeyID = try await volumes.transferKey(
                        of: volume,
                        from: volumes.serviceKeyContext(requestID: requestID),
                        to: volumes.keyContext(caller, requestID: requestID)
                    )
                    var moved = volume
                    moved.encryptionKeyID = newKeyID
                    keyTransferred = moved
                }
                let outcome: TransferAcceptOutcome
                do {
                    outcome = try await store.acceptTransfer(
                        id: id,
                        userID: userID,
                        projectID: projectID,
                        commit: reservations
                    )
                } catch {
                    if let moved = keyTransferred { await keyBack(moved, caller: caller, requestID: requestID) }
                    if case StoreError.notFound = error {
                        throw EmberError.notFound("Transfer \(id) could not be found.")
                    }
                    throw error
                }
                var accepted = false
                if case .accepted = outcome { accepted = true }
                if !accepted, let moved = keyTransferred {
                    await keyBack(moved, caller: caller, requestID: requestID)
                }
                switch outcome {
                case .accepted:
                    break
                case .volumeNotAwaitingTransfer(let volumeID):
                    throw EmberError.badRequest(
                        "Invalid volume: Transfer \(id): Volume id \(volumeID) expected in awaiting-transfer state."
                    )
                case .snapshotNotAvailable(let snapshotID):
                    throw EmberError.badRequest(
                        "Invalid snapshot: Transfer \(id): Snapshot \(snapshotID) is not in the expected available state."
                    )
                }
            } catch {
                for reservation in reservations { await compensations.rollBack(reservation, in: store) }
                throw error
            }
            logger.info(
                "Volume has been transferred.",
                metadata: [
                    "volume.id": .string(volume.id), "transfer.id": .string(id), "project.id": .string(projectID),
                    "request.id": .string(requestID),
                ]
            )
            return transfer
        }
    }

    /// A key moved to the accepting caller goes back to the service when the accept fails.
    private func keyBack(_ volume: Volume, caller: Identity, requestID: String) async {
        do {
            try await volumes.transferKey(
                of: volume,
                from: volumes.keyContext(caller, requestID: requestID),
                to: volumes.serviceKeyContext(requestID: requestID)
            )
        } catch {
            logger.error(
                "Could not give the key back to the service after a failed accept",
                metadata: ["volume.id": .string(volume.id), "error": "\(error)"]
            )
        }
    }

    /// The donor's negative reservation; cinder logs and goes on when it fails.
    private func giveBack(_ deltas: [String: Int], projectID: String, typeName: String) async throws -> QuotaReservation
    {
        do {
            return try await quotas.reserve(
                projectID: projectID,
                deltas: deltas.mapValues { -$0 },
                typeName: typeName,
                perVolumeSize: nil
            )
        } catch {
            logger.error(
                "Failed to update quota donating volume transfer",
                metadata: ["project.id": .string(projectID), "error": "\(error)"]
            )
            return QuotaReservation(projectID: projectID, uuids: [])
        }
    }

    /// `_handle_snapshot_quota`: `snapshots` (and `gigabytes` unless `no_snapshot_gb_quota`)
    /// for every snapshot of the volume, with the per-type resources.
    func snapshotDeltas(_ snapshots: [Snapshot], typeName: String) -> [String: Int] {
        var deltas = ["snapshots": snapshots.count, "snapshots_\(typeName)": snapshots.count]
        if !volumes.configuration.noSnapshotGigabytesQuota {
            let size = snapshots.reduce(0) { $0 + ($1.volumeSize ?? 0) }
            deltas["gigabytes"] = size
            deltas["gigabytes_\(typeName)"] = size
        }
        return deltas
    }

    /// Every live snapshot of the volume, whatever its project.
    func snapshots(of volumeID: String) async throws -> [Snapshot] {
        try await store.listSnapshots(ListQuery(scope: .allProjects, filters: [.equals("volume_id", volumeID)])).items
    }
}

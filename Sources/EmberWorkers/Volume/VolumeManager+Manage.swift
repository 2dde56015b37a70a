import EmberBus
import EmberCore
import EmberRPC
import EmberStore
import Foundation

extension VolumeManager {
    /// `manage_existing(volume, ref)` (cinder's manager flow): the driver sizes the object
    /// `ref` names, the size is reserved against the project's `gigabytes` quota (the volume
    /// itself was counted by the API), the driver adopts the object, the reservation is
    /// committed and the volume goes `managing` → `available` with its size. A bad reference,
    /// an object already managed, a quota refusal or a driver failure: `error_managing`.
    func manageExisting(_ message: VolumeRPC.ManageExisting, context: RPCContext) async throws -> RPCNoReply {
        let id = message.volumeID
        return try await serialized(id) {
            guard let volume = try await liveVolume(id), VolumeTransitions.managed.allows(volume.status) else {
                logger.info(
                    "manage_existing: volume gone or not managing; ignored",
                    metadata: ["volume.id": .string(id)]
                )
                return RPCNoReply()
            }
            var reservation: QuotaReservation?
            do {
                let size = try await driver.manageExistingGetSize(ref: message.ref)
                try await refuseManaged(message.ref)
                reservation = try await reserveManaged(
                    projectID: volume.projectID,
                    volumeTypeID: volume.volumeTypeID,
                    deltas: ["gigabytes": size],
                    size: size,
                    useQuota: volume.useQuota
                )
                try await driver.manageExisting(volumeID: id, ref: message.ref)
                if let reservation { try await store.commit(reservation) }
                var changes: [VolumeUpdate] = [.size(size), .launchedAt(Date())]
                if let service = try? await store.existingService(host: host, binary: "cinder-volume") {
                    changes.append(.serviceUUID(service.uuid))
                }
                try await store.apply(VolumeTransitions.managed, toVolume: id, also: changes)
                logger.info(
                    "Manage existing volume completed successfully.",
                    metadata: ["volume.id": .string(id), "size": "\(size)"]
                )
            } catch {
                logger.error(
                    "Volume manage failed",
                    metadata: ["volume.id": .string(id), "ref": .string(message.ref.serialized()), "error": "\(error)"]
                )
                if let reservation { try? await store.rollback(reservation) }
                try await store.apply(VolumeTransitions.manageFailed, toVolume: id)
            }
            return RPCNoReply()
        }
    }

    /// `ManageExistingAlreadyManaged`: a `volume-<id>` reference whose volume exists.
    func refuseManaged(_ ref: JSONValue) async throws {
        guard let name = ref["source-name"]?.stringValue ?? ref.stringValue, name.hasPrefix("volume-") else { return }
        let id = String(name.dropFirst("volume-".count))
        if UUID(uuidString: id) != nil, try await liveVolume(id) != nil {
            throw DriverError("Unable to manage existing volume. Volume \(name) already managed.")
        }
    }

    /// Reserves `deltas` (and their per-type twins) for the project, against the limits
    /// cinder's quota engine applies: the configured defaults, the `default` quota class, the
    /// project's own quotas; `size` is first checked against `per_volume_gigabytes`.
    func reserveManaged(
        projectID: String?,
        volumeTypeID: String,
        deltas: [String: Int],
        size: Int? = nil,
        useQuota: Bool
    ) async throws -> QuotaReservation? {
        guard useQuota, let projectID else { return nil }
        var limits = configuration.defaultQuotas
        if configuration.useDefaultQuotaClass {
            for (resource, limit) in try await store.quotaClass(name: "default") where limits[resource] != nil {
                limits[resource] = limit
            }
        }
        for (resource, limit) in try await store.projectQuotas(projectID: projectID) { limits[resource] = limit }
        if let size, let perVolume = limits["per_volume_gigabytes"], perVolume >= 0, size > perVolume {
            throw DriverError("Requested volume size \(size)G is larger than maximum allowed limit \(perVolume)G.")
        }
        guard deltas.values.contains(where: { $0 != 0 }) else { return nil }
        let typeName = (try? await store.volumeType(id: volumeTypeID).name) ?? volumeTypeID
        var all = deltas
        for (resource, delta) in deltas { all[resource + "_" + typeName] = delta }
        return try await store.reserve(
            projectID: projectID,
            deltas: all,
            limits: limits,
            expiresAt: Date().addingTimeInterval(86_400)
        )
    }

    /// `get_manageable_volumes` (a call): the driver's objects, those that a volume of this
    /// backend is marked with its id, sorted and paged as cinder's `paginate_entries_list`.
    func getManageableVolumes(_ message: VolumeRPC.GetManageableVolumes) async throws -> [ManageableResource] {
        let volumes = try await store.listVolumes(ListQuery(scope: .allProjects))
        let owned = Set(volumes.items.filter { ownsHost($0.host) }.map(\.id))
        return try Self.page(try await driver.manageableVolumes(ownedIDs: owned), message.paging)
    }

    /// The page; a marker cinder cannot read or find is its `InvalidInput` (400 to the caller).
    static func page(_ entries: [ManageableResource], _ paging: ManageablePaging) throws -> [ManageableResource] {
        do {
            return try paging.page(entries)
        } catch .invalidInput(let reason) {
            throw EmberError.badRequest("Invalid input received: " + reason)
        }
    }

    /// `get_manageable_snapshots` (a call): as ``getManageableVolumes(_:)``, for snapshots.
    func getManageableSnapshots(_ message: VolumeRPC.GetManageableSnapshots) async throws -> [ManageableResource] {
        let volumes = try await store.listVolumes(ListQuery(scope: .allProjects))
        let mine = Set(volumes.items.filter { ownsHost($0.host) }.map(\.id))
        let snapshots = try await store.listSnapshots(ListQuery(scope: .allProjects))
        var owned: [String: String] = [:]
        for snapshot in snapshots.items where mine.contains(snapshot.volumeID) {
            owned[snapshot.id] = snapshot.volumeID
        }
        return try Self.page(try await driver.manageableSnapshots(owned: owned), message.paging)
    }

    /// `manage_existing_snapshot(snapshot, ref)`: the driver sizes the object, the difference
    /// from the volume's size (counted by the API) is reserved, the driver adopts the object
    /// and the snapshot goes `creating` → `available` with its size; any failure `error`.
    func manageExistingSnapshot(
        _ message: VolumeRPC.ManageExistingSnapshot,
        context: RPCContext
    ) async throws -> RPCNoReply {
        let id = message.snapshotID
        guard let snapshot = try await liveSnapshot(id) else { return RPCNoReply() }
        return try await serialized(snapshot.volumeID) {
            guard let current = try await liveSnapshot(id), SnapshotTransitions.created.allows(current.status) else {
                return RPCNoReply()
            }
            var reservation: QuotaReservation?
            do {
                let size = try await driver.manageExistingGetSize(ref: message.ref)
                reservation = try await reserveManaged(
                    projectID: current.projectID,
                    volumeTypeID: current.volumeTypeID,
                    deltas: ["gigabytes": size - (current.volumeSize ?? 0)],
                    useQuota: current.useQuota
                )
                try await driver.manageExistingSnapshot(snapshotID: id, ref: message.ref)
                if let reservation { try await store.commit(reservation) }
                try await store.apply(
                    SnapshotTransitions.created,
                    toSnapshot: id,
                    also: [.volumeSize(size), .progress("100%")]
                )
                logger.info("Manage existing snapshot completed", metadata: ["snapshot.id": .string(id)])
            } catch {
                logger.error(
                    "Snapshot manage failed",
                    metadata: [
                        "snapshot.id": .string(id), "ref": .string(message.ref.serialized()), "error": "\(error)",
                    ]
                )
                if let reservation { try? await store.rollback(reservation) }
                try await store.apply(SnapshotTransitions.createFailed, toSnapshot: id)
            }
            return RPCNoReply()
        }
    }

    /// `delete_volume(unmanage_only=True)`: the target is removed, the driver lets the volume
    /// go (its data stays), the row is removed and the quota given back. A driver failure:
    /// `error_unmanaging`.
    func finishUnmanage(_ volume: Volume, context: RPCContext) async throws {
        if volume.encryptionKeyID != nil {
            logger.error("Unmanaging encrypted volumes is not supported.", metadata: ["volume.id": .string(volume.id)])
            return
        }
        do {
            if target.exportsVolumes {
                try await serialized(Self.connectionLock(volume.id)) {
                    try await target.removeExport(volumeID: volume.id)
                }
            }
            try await driver.unmanage(volumeID: volume.id)
        } catch {
            logger.error("Volume unmanage failed", metadata: ["volume.id": .string(volume.id), "error": "\(error)"])
            try await store.apply(VolumeTransitions.unmanageFailed, toVolume: volume.id)
            return
        }
        try await store.deleteVolume(id: volume.id)
        // A volume that failed to be managed was never counted past the API's `volumes`
        // (cinder skips the release for `error_managing_deleting`).
        if volume.status != .errorManagingDeleting {
            do {
                try await releaseVolumeQuota(volume)
            } catch {
                logger.error("Failed to update usages unmanaging volume", metadata: ["volume.id": .string(volume.id)])
            }
        }
        logger.info("Unmanaged volume successfully.", metadata: ["volume.id": .string(volume.id)])
    }
}

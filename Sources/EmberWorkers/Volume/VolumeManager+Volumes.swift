import EmberBus
import EmberCore
import EmberImage
import EmberRPC
import EmberStore
import Foundation

extension VolumeManager {
    /// `create_volume(volume_id, request_spec, filter_properties, allow_reschedule)`: creates
    /// the volume's data (blank, from a snapshot, or a clone) and sets it `available`; a
    /// driver failure sets `error` with a user message.
    func createVolume(_ message: VolumeRPC.CreateVolume, context: RPCContext) async throws -> RPCNoReply {
        try await serialized(message.volumeID) {
            try await tracked(message.volumeID, status: "creating") {
                try await finishCreate(message.volumeID, requestSpec: message.requestSpec, context: context)
            }
        }
        return RPCNoReply()
    }

    /// The create itself, for a cast or for ``initHost()`` resuming a create that a crash
    /// interrupted; the caller holds the volume's lock. A volume that is no longer `creating`
    /// (done already, deleted) is left alone, so a redelivered cast is harmless.
    func finishCreate(_ id: String, requestSpec spec: VolumeRequestSpec?, context: RPCContext) async throws {
        guard let volume = try await liveVolume(id), VolumeTransitions.created.allows(volume.status) else {
            logger.info("create_volume: volume gone or not creating; ignored", metadata: ["volume.id": .string(id)])
            return
        }
        let snapshotID = volume.snapshotID ?? spec?.snapshotID
        let sourceID = volume.sourceVolumeID ?? spec?.sourceVolumeID
        let imageID = spec?.imageID ?? volume.adminMetadata[Volume.createImageKey]
        let backupID = spec?.backupID ?? volume.adminMetadata[Volume.createBackupKey]
        var image: GlanceImage?
        var inheritsBootable = false
        // The data the backend copies for the new volume is paced to its type's back-end QoS.
        let limits = await CopyLimits.of(volume, store: store, logger: logger)
        do {
            if let imageID {
                let caller = Self.imageCaller(context)
                let shown = try await images.show(imageID, caller: caller)
                image = shown
                try await CopyLimits.$current.withValue(limits) {
                    try await driver.copyImageToVolume(
                        id: id,
                        size: volume.size,
                        image: shown,
                        images: images,
                        caller: caller
                    )
                }
                // `_handle_bootable_volume_glance_meta`: the image's metadata, then bootable.
                _ = try await store.updateVolumeMetadata(
                    id: id,
                    kind: .image,
                    shown.volumeImageMetadata,
                    replace: true
                )
            } else if let snapshotID {
                try await CopyLimits.$current.withValue(limits) {
                    try await driver.createVolume(id: id, size: volume.size, fromSnapshot: snapshotID)
                }
                // `_create_from_snapshot`: bootable when the snapshot's volume is.
                if let snapshot = try await liveSnapshot(snapshotID),
                    let source = try await liveVolume(snapshot.volumeID)
                {
                    inheritsBootable = source.bootable
                }
            } else if let sourceID {
                try await CopyLimits.$current.withValue(limits) {
                    try await driver.createVolume(id: id, size: volume.size, cloneOf: sourceID)
                }
                // `_create_from_source_volume`: bootable when the source is.
                inheritsBootable = try await liveVolume(sourceID)?.bootable ?? false
            } else if backupID != nil {
                // `_create_from_backup` with a driver without `create_volume_from_backup`:
                // a raw volume, which the backup service fills (below).
                try await driver.createVolume(id: id, size: volume.size)
            } else {
                try await driver.createVolume(id: id, size: volume.size)
            }
        } catch {
            logger.error(
                "Volume creation failed",
                metadata: ["volume.id": .string(id), "image.id": .string(imageID ?? ""), "error": "\(error)"]
            )
            try await store.apply(VolumeTransitions.createFailed, toVolume: id)
            await messages.record(
                .createVolumeFromBackend,
                .driverFailedCreate,
                resourceID: id,
                projectID: volume.projectID,
                context: context
            )
            return
        }
        if let backupID {
            try await handToBackupService(volume, backupID: backupID, context: context)
            return
        }
        var changes: [VolumeUpdate] = [.launchedAt(Date())]
        if image != nil || inheritsBootable { changes.append(.bootable(true)) }
        // cinder's manager records the volume service that holds the volume (service_uuid,
        // shown from 3.48).
        if let host = volume.host,
            let service = try? await store.existingService(
                host: VolumeRPC.backend(ofHost: host),
                binary: "cinder-volume"
            )
        {
            changes.append(.serviceUUID(service.uuid))
        }
        let created = try await store.apply(VolumeTransitions.created, toVolume: id, also: changes)
        if imageID != nil {
            try? await store.deleteVolumeMetadata(id: id, kind: .admin, key: Volume.createImageKey)
        }
        if created == nil {
            logger.warning("create_volume: volume changed while creating", metadata: ["volume.id": .string(id)])
        } else {
            logger.info("Created volume", metadata: ["volume.id": .string(id), "size": "\(volume.size)"])
        }
    }

    /// `delete_volume(volume_id, unmanage_only, cascade)`: removes the data (and with
    /// `cascade` the snapshots), soft-deletes the row and gives the quota back. A driver
    /// failure sets `error_deleting`.
    func deleteVolume(_ message: VolumeRPC.DeleteVolume, context: RPCContext) async throws -> RPCNoReply {
        try await serialized(message.volumeID) {
            guard let volume = try await liveVolume(message.volumeID) else { return RPCNoReply() }
            if message.unmanageOnly == true {
                try await finishUnmanage(volume, context: context)
                return RPCNoReply()
            }
            try await tracked(volume.id, status: "deleting") {
                try await finishDelete(volume, cascade: message.cascade == true, context: context)
            }
            return RPCNoReply()
        }
    }

    /// The delete itself; the caller holds the volume's lock. The volume's target (if any)
    /// is removed before its data.
    func finishDelete(_ volume: Volume, cascade: Bool, context: RPCContext) async throws {
        do {
            if cascade {
                let snapshots = try await store.listSnapshots(
                    ListQuery(scope: .allProjects, filters: [.equals("volume_id", volume.id)])
                )
                for snapshot in snapshots.items {
                    try await driver.deleteSnapshot(id: snapshot.id)
                    try await store.deleteSnapshot(id: snapshot.id)
                    try await releaseSnapshotQuota(snapshot)
                }
            }
            // `remove_export` first: tgtd would otherwise keep the deleted file open.
            if target.exportsVolumes {
                try await serialized(Self.connectionLock(volume.id)) {
                    try await target.removeExport(volumeID: volume.id)
                }
            }
            try await driver.deleteVolume(id: volume.id)
        } catch {
            logger.error("Volume deletion failed", metadata: ["volume.id": .string(volume.id), "error": "\(error)"])
            try await store.apply(VolumeTransitions.deleteFailed, toVolume: volume.id)
            return
        }
        try await store.deleteVolume(id: volume.id)
        do {
            try await releaseVolumeQuota(volume)
        } catch {
            logger.error("Failed to update usages deleting volume", metadata: ["volume.id": .string(volume.id)])
        }
        logger.info("Deleted volume", metadata: ["volume.id": .string(volume.id)])
    }

    /// `extend_volume(volume_id, new_size, reservations)`: grows the data, then sets the new
    /// size and `available`; commits the API's reservations on success, rolls them back on a
    /// failure (`error_extending` with a user message).
    func extendVolume(_ message: VolumeRPC.ExtendVolume, context: RPCContext) async throws -> RPCNoReply {
        let id = message.volumeID
        let newSize = message.newSize
        let reservationIDs = message.reservations
        return try await serialized(id) {
            guard let volume = try await liveVolume(id) else { return RPCNoReply() }
            let reservation = volume.projectID.map { QuotaReservation(projectID: $0, uuids: reservationIDs) }
            do {
                try await driver.extendVolume(id: id, newSize: newSize)
            } catch {
                logger.error("Volume extension failed", metadata: ["volume.id": .string(id), "error": "\(error)"])
                if let reservation, !reservationIDs.isEmpty { try await store.rollback(reservation) }
                try await store.apply(VolumeTransitions.extendFailed, toVolume: id)
                await messages.record(
                    .extendVolume,
                    .driverFailedExtend,
                    resourceID: id,
                    projectID: volume.projectID,
                    context: context
                )
                return RPCNoReply()
            }
            if let reservation, !reservationIDs.isEmpty { try await store.commit(reservation) }
            try await store.apply(
                VolumeTransitions.extended,
                toVolume: id,
                given: volume.attachments.isEmpty ? .available : .inUse,
                also: [.size(newSize)]
            )
            logger.info("Extended volume", metadata: ["volume.id": .string(id), "size": "\(newSize)"])
            return RPCNoReply()
        }
    }

    // MARK: - Helpers

    /// The live volume, or nil when it does not exist (deleted meanwhile).
    func liveVolume(_ id: String) async throws -> Volume? {
        try await store.liveVolume(id: id)
    }

    /// Gives back a deleted volume's quota: a negative reservation, committed (cinder's
    /// manager does the same after `delete_volume`).
    func releaseVolumeQuota(_ volume: Volume) async throws {
        guard volume.useQuota, let projectID = volume.projectID else { return }
        let typeName = (try? await store.volumeType(id: volume.volumeTypeID).name) ?? volume.volumeTypeID
        let deltas = QuotaReservation.volumeDeltas(size: volume.size, typeName: typeName).mapValues { -$0 }
        try await commitNegative(projectID: projectID, deltas: deltas)
    }

    /// Gives back a deleted snapshot's quota.
    func releaseSnapshotQuota(_ snapshot: Snapshot) async throws {
        guard snapshot.useQuota, let projectID = snapshot.projectID else { return }
        let typeName = (try? await store.volumeType(id: snapshot.volumeTypeID).name) ?? snapshot.volumeTypeID
        let size = snapshot.volumeSize ?? 0
        let deltas = ["snapshots": -1, "gigabytes": -size, "snapshots_\(typeName)": -1, "gigabytes_\(typeName)": -size]
        try await commitNegative(projectID: projectID, deltas: deltas)
    }

    func commitNegative(projectID: String, deltas: [String: Int]) async throws {
        let reservation = try await store.reserve(
            projectID: projectID,
            deltas: deltas,
            limits: [:],
            expiresAt: Date().addingTimeInterval(86_400)
        )
        try await store.commit(reservation)
    }
}

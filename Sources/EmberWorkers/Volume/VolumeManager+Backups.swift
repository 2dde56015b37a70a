import EmberBus
import EmberCore
import EmberRPC
import EmberStore
import Foundation

extension VolumeManager {
    /// `initialize_connection_snapshot(snapshot_id, connector)` (a call, RPC 3.13): the local
    /// path of a snapshot's data, for the backup service to read.
    func initializeConnectionSnapshot(_ message: VolumeRPC.InitializeConnectionSnapshot) async throws -> JSONValue {
        let id = message.snapshotID
        guard try await liveSnapshot(id) != nil else { throw DriverError("Snapshot \(id) could not be found.") }
        guard let files = driver as? FileDriver else {
            throw DriverError("The volume driver cannot attach snapshots.")
        }
        return ["driver_volume_type": "local", "data": ["device_path": .string(files.snapshotPath(id))]]
    }
}

// MARK: - A volume created from a backup (3.47)

extension VolumeManager {
    /// The end of `_create_from_backup` for a driver without `create_volume_from_backup`: the
    /// raw volume exists; the backup goes `restoring` (on a live backup host, restoring into
    /// this volume), the volume `restoring-backup`, and the backup host is asked to
    /// `restore_backup(…, volume_is_new=True)`, which ends both `available`. A backup that is
    /// gone or no longer `available`, or no live backup host, leaves the volume `error` with
    /// a user message. The caller holds the volume's lock.
    func handToBackupService(_ volume: Volume, backupID: String, context: RPCContext) async throws {
        let id = volume.id
        func fail(_ detail: UserMessageRecorder.Detail, _ reason: String) async throws {
            logger.error(
                "Create volume from backup failed",
                metadata: ["volume.id": .string(id), "backup.id": .string(backupID), "reason": .string(reason)]
            )
            try await store.apply(VolumeTransitions.createFailed, toVolume: id)
            try? await store.deleteVolumeMetadata(id: id, kind: .admin, key: Volume.createBackupKey)
            await messages.record(.backupRestore, detail, resourceID: id, projectID: volume.projectID, context: context)
        }
        let backup: Backup
        do {
            backup = try await store.backup(id: backupID, scope: .allProjects)
        } catch {
            if case .notFound = error { return try await fail(.backupInvalidState, "the backup is gone") }
            throw error
        }
        // A resumed create (a restart, a redelivered cast) may find its own claim in place.
        let claimedAlready = backup.status == .restoring && backup.restoreVolumeID == id
        guard claimedAlready || BackupTransitions.restore.allows(backup.status) else {
            return try await fail(.backupInvalidState, "backup status is \(backup.status.rawValue), not available")
        }
        guard let backupHost = try await availableBackupHost(backup.host, availabilityZone: backup.availabilityZone)
        else { return try await fail(.backupServiceDown, "no live backup service") }
        if !claimedAlready {
            guard
                try await store.apply(
                    BackupTransitions.restore,
                    toBackup: backupID,
                    also: [.host(backupHost), .restoreVolumeID(id)]
                ) != nil
            else { return try await fail(.backupInvalidState, "the backup changed status meanwhile") }
        } else if backup.host != backupHost {
            _ = try await store.updateBackup(id: backupID, [.host(backupHost)])
        }
        var changes: [VolumeUpdate] = []
        if let host = volume.host,
            let service = try? await store.existingService(
                host: VolumeRPC.backend(ofHost: host),
                binary: "cinder-volume"
            )
        {
            changes.append(.serviceUUID(service.uuid))
        }
        guard try await store.apply(VolumeTransitions.restoringNewVolume, toVolume: id, also: changes) != nil else {
            logger.warning("create_volume: volume changed while creating", metadata: ["volume.id": .string(id)])
            try await store.apply(BackupTransitions.restoreEnded, toBackup: backupID)
            return
        }
        try? await store.deleteVolumeMetadata(id: id, kind: .admin, key: Volume.createBackupKey)
        logger.info(
            "Raw volume created; calling restore_backup to complete restoration.",
            metadata: ["volume.id": .string(id), "backup.id": .string(backupID), "backup.host": .string(backupHost)]
        )
        do {
            try await BackupRPC.client(bus: bus, host: backupHost).cast(
                BackupRPC.RestoreBackup(backupID: backupID, volumeID: id, volumeIsNew: true),
                context: context
            )
        } catch {
            logger.error(
                "Cast to the backup service failed",
                metadata: ["volume.id": .string(id), "error": "\(error)"]
            )
            try await store.apply(
                VolumeTransitions.restoreFailed(from: .restoringBackup, volumeIsNew: true),
                toVolume: id
            )
            try await store.apply(BackupTransitions.restoreEnded, toBackup: backupID)
            await messages.record(
                .backupRestore,
                .backupServiceDown,
                resourceID: id,
                projectID: volume.projectID,
                context: context
            )
        }
    }

    /// `_get_available_backup_service_host`: the backup's own host when its service is up,
    /// else any live, enabled backup host of the backup's zone; nil when there is none.
    func availableBackupHost(_ host: String?, availabilityZone: String?) async throws -> String? {
        let now = clock.now
        let window = configuration.serviceDownTime.seconds
        let services = try await store.listServices(host: nil, binary: "cinder-backup", topic: nil, disabled: false)
            .filter { abs(now.timeIntervalSince($0.updatedAt ?? $0.createdAt)) <= window }
            .filter { availabilityZone == nil || availabilityZone == "" || $0.availabilityZone == availabilityZone }
        if let host, services.contains(where: { $0.host == host }) { return host }
        return services.randomElement()?.host
    }
}

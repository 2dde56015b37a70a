import EmberBus
import EmberCore
import EmberRPC
import EmberStore
import Foundation

extension BackupManager {
    // MARK: - Create

    /// `create_backup(backup)`: checks the statuses, attaches the volume (or snapshot), runs
    /// the driver, then gives the volume its previous status back and makes the backup
    /// `available` (or `error` with `fail_reason`).
    func createBackup(_ message: BackupRPC.CreateBackup, context: RPCContext) async throws -> RPCNoReply {
        guard let backup = try await liveBackup(message.backupID) else { return RPCNoReply() }
        guard let volume = try await store.liveVolume(id: backup.volumeID) else {
            try await fail(backup, "Create backup aborted, volume \(backup.volumeID) is gone.")
            return RPCNoReply()
        }
        var snapshot: Snapshot?
        if let snapshotID = backup.snapshotID {
            snapshot = try await store.liveSnapshot(id: snapshotID)
            guard let snapshot, SnapshotTransitions.backupEnded.allows(snapshot.status) else {
                try await fail(
                    backup,
                    "Create backup aborted, expected snapshot status backing-up but got \(snapshot?.status.rawValue ?? "deleted")."
                )
                return RPCNoReply()
            }
        } else if !VolumeTransitions.backupEnded.allows(volume.status) {
            try await fail(
                backup,
                "Create backup aborted, expected volume status backing-up but got \(volume.status.rawValue)."
            )
            return RPCNoReply()
        }
        guard BackupTransitions.created.allows(backup.status) else {
            try await fail(
                backup,
                "Create backup aborted, expected backup status creating but got \(backup.status.rawValue)."
            )
            await messages.record(
                .backupCreate,
                .backupInvalidState,
                resourceType: "VOLUME_BACKUP",
                resourceID: backup.id,
                projectID: backup.projectID,
                context: context
            )
            return RPCNoReply()
        }
        logger.info(
            "Create backup started",
            metadata: ["backup.id": .string(backup.id), "volume.id": .string(volume.id)]
        )
        _ = try await store.updateBackup(
            id: backup.id,
            [.availabilityZone(backup.availabilityZone ?? availabilityZone), .service(BackupConfiguration.driverName)]
        )
        let started = ContinuousClock.now
        let outcome: BackupOutcome
        do {
            var parent: (location: BackupLocation, sizeGiB: Int)?
            if let parentID = backup.parentID {
                guard let parentBackup = try await store.backupIncludingDeleted(id: parentID),
                    let location = Self.location(parentBackup)
                else { throw BackupDriverError("The parent backup \(parentID) has no data to build on.") }
                parent = (location, parentBackup.size ?? volume.size)
            }
            let path =
                if let snapshot {
                    try await snapshotPath(snapshot, of: volume, context: context)
                } else {
                    try await volumePath(volume, context: context)
                }
            let limits = await CopyLimits.of(volume, store: store, logger: logger)
            outcome = try await CopyLimits.$current.withValue(limits) {
                try await driver.backup(
                    BackupJob(
                        backupID: backup.id,
                        volumeID: volume.id,
                        name: backup.displayName,
                        description: backup.displayDescription,
                        createdAt: backup.createdAt,
                        container: backup.container,
                        sizeGiB: volume.size,
                        parent: parent
                    ),
                    volumePath: path
                )
            }
        } catch {
            logger.error("Backup failed", metadata: ["backup.id": .string(backup.id), "error": "\(error)"])
            try await giveBack(volume: volume, snapshot: snapshot, previousStatusAfter: "error_backing-up")
            try await fail(backup, "\(error)")
            await messages.record(
                .backupCreate,
                .backupCreateDriverError,
                resourceType: "VOLUME_BACKUP",
                resourceID: backup.id,
                projectID: backup.projectID,
                context: context
            )
            return RPCNoReply()
        }
        try await giveBack(volume: volume, snapshot: snapshot, previousStatusAfter: "backing-up")
        let finished = try await store.apply(
            BackupTransitions.created,
            toBackup: backup.id,
            also: [
                .objectCountAndSize(objectCount: outcome.objectCount, size: volume.size),
                .container(outcome.location.container), .serviceMetadata(outcome.location.prefix),
            ]
        )
        if finished == nil {
            logger.info(
                "Create backup aborted: the backup changed meanwhile",
                metadata: ["backup.id": .string(backup.id)]
            )
            return RPCNoReply()
        }
        if let parentID = backup.parentID { try await store.adjustDependentBackups(id: parentID, by: 1) }
        let seconds = (ContinuousClock.now - started).seconds
        logger.info(
            "Create backup finished.",
            metadata: [
                "backup.id": .string(backup.id), "objects": "\(outcome.objectCount)",
                "bytes.read": "\(outcome.bytesRead)", "bytes.stored": "\(outcome.bytesStored)",
                "MiB/s": "\(Int(Double(outcome.bytesRead) / 1_048_576 / max(seconds, 0.001)))",
            ]
        )
        return RPCNoReply()
    }

    /// `_finish_backup` / the failure path: the volume back to its previous status (with
    /// `previous_status` set to `previousStatusAfter`), or the snapshot back to `available`.
    private func giveBack(volume: Volume, snapshot: Snapshot?, previousStatusAfter: String) async throws {
        if let snapshot {
            try await store.apply(SnapshotTransitions.backupEnded, toSnapshot: snapshot.id)
            return
        }
        let previous = volume.previousStatus.flatMap(VolumeStatus.init(rawValue:)) ?? .available
        try await store.apply(
            VolumeTransitions.backupEnded,
            toVolume: volume.id,
            given: previous,
            also: [.previousStatus(previousStatusAfter)]
        )
    }

    // MARK: - Restore

    /// `restore_backup(backup, volume_id, volume_is_new)`: applies the backup chain to the
    /// volume; the volume ends `available` (on failure `error_restoring`, or `error` for a
    /// volume created from the backup) and the backup `available`.
    func restoreBackup(_ message: BackupRPC.RestoreBackup, context: RPCContext) async throws -> RPCNoReply {
        guard let backup = try await liveBackup(message.backupID) else { return RPCNoReply() }
        let volumeID = message.volumeID
        let volumeIsNew = message.volumeIsNew == true
        guard let volume = try await store.liveVolume(id: volumeID) else {
            try await store.apply(BackupTransitions.restoreAbandoned, toBackup: backup.id)
            return RPCNoReply()
        }
        guard VolumeTransitions.restored.allows(volume.status) else {
            logger.error(
                "Restore backup aborted, expected volume status restoring-backup,creating but got \(volume.status.rawValue).",
                metadata: ["backup.id": .string(backup.id)]
            )
            try await store.apply(BackupTransitions.restoreAbandoned, toBackup: backup.id)
            try await store.apply(VolumeTransitions.restoreRefused, toVolume: volume.id)
            await messages.record(
                .backupRestore,
                .volumeInvalidState,
                resourceType: "VOLUME_BACKUP",
                resourceID: volume.id,
                projectID: backup.projectID,
                context: context
            )
            return RPCNoReply()
        }
        guard BackupTransitions.restoreEnded.allows(backup.status) else {
            try await fail(
                backup,
                "Restore backup aborted: expected backup status restoring but got \(backup.status.rawValue)."
            )
            try await store.apply(VolumeTransitions.restoreAborted, toVolume: volume.id)
            return RPCNoReply()
        }
        guard isOurs(backup.service) else {
            try await store.apply(BackupTransitions.restoreAbandoned, toBackup: backup.id)
            try await store.apply(VolumeTransitions.restoreAborted, toVolume: volume.id)
            logger.error(
                "Restore backup aborted, the backup service currently configured [\(BackupConfiguration.driverName)] is not the backup service that was used to create this backup [\(backup.service ?? "")].",
                metadata: ["backup.id": .string(backup.id)]
            )
            return RPCNoReply()
        }
        let started = ContinuousClock.now
        do {
            let chain = try await chain(of: backup)
            let path = try await volumePath(volume, context: context)
            let limits = await CopyLimits.of(volume, store: store, logger: logger)
            try await CopyLimits.$current.withValue(limits) {
                try await driver.restore(chain: chain, volumePath: path, volumeIsNew: volumeIsNew)
            }
        } catch {
            logger.error("Restore failed", metadata: ["backup.id": .string(backup.id), "error": "\(error)"])
            try await store.apply(
                VolumeTransitions.restoreFailed(from: volume.status, volumeIsNew: volumeIsNew),
                toVolume: volume.id
            )
            try await store.apply(BackupTransitions.restoreEnded, toBackup: backup.id)
            await messages.record(
                .backupRestore,
                .backupRestoreError,
                resourceType: "VOLUME_BACKUP",
                resourceID: backup.id,
                projectID: backup.projectID,
                context: context
            )
            return RPCNoReply()
        }
        var changes: [VolumeUpdate] = []
        if volume.status == .creating || volumeIsNew { changes.append(.launchedAt(Date())) }
        try await store.apply(VolumeTransitions.restored, toVolume: volume.id, also: changes)
        if backup.volumeID != volume.id || (volume.metadata["src_backup_id"].map { $0 != backup.id } ?? false) {
            _ = try await store.updateVolumeMetadata(
                id: volume.id,
                kind: .user,
                ["src_backup_id": backup.id],
                replace: false
            )
        }
        try await store.apply(BackupTransitions.restoreEnded, toBackup: backup.id)
        let seconds = (ContinuousClock.now - started).seconds
        logger.info(
            "Restore backup finished.",
            metadata: [
                "backup.id": .string(backup.id), "volume.id": .string(volume.id),
                "MiB/s": "\(Int(Double((backup.size ?? 0) * 1024) / max(seconds, 0.001)))",
            ]
        )
        return RPCNoReply()
    }

    /// The backups to apply, the full backup first.
    func chain(of backup: Backup) async throws -> [BackupLocation] {
        var chain: [BackupLocation] = []
        var current: Backup? = backup
        while let layer = current {
            guard let location = Self.location(layer) else {
                throw BackupDriverError("Backup \(layer.id) has no data to restore.")
            }
            chain.insert(location, at: 0)
            guard let parentID = layer.parentID else { break }
            guard chain.count < 10_000, let parent = try await store.backupIncludingDeleted(id: parentID) else {
                throw BackupDriverError("The parent backup \(parentID) of backup \(layer.id) is missing.")
            }
            current = parent
        }
        return chain
    }

    // MARK: - Delete

    /// `delete_backup(backup)`: deletes the files, gives the quota back, deletes the row
    /// and decrements the parent's dependents.
    func deleteBackup(_ message: BackupRPC.DeleteBackup, context: RPCContext) async throws -> RPCNoReply {
        guard let backup = try await liveBackup(message.backupID) else { return RPCNoReply() }
        guard BackupTransitions.finishDelete.allows(backup.status) else {
            try await fail(
                backup,
                "Delete_backup aborted, expected backup status deleting but got \(backup.status.rawValue)."
            )
            return RPCNoReply()
        }
        guard isOurs(backup.service) else {
            try await fail(
                backup,
                "Delete backup aborted, the backup service currently configured [\(BackupConfiguration.driverName)] is not the backup service that was used to create this backup [\(backup.service ?? "")]."
            )
            return RPCNoReply()
        }
        try await finishDelete(backup, context: context)
        return RPCNoReply()
    }

    func finishDelete(_ backup: Backup, context: RPCContext) async throws {
        if backup.service != nil, let location = Self.location(backup) {
            do {
                try await driver.delete(location)
            } catch {
                try await fail(backup, "\(error)")
                await messages.record(
                    .backupDelete,
                    .backupDeleteDriverError,
                    resourceType: "VOLUME_BACKUP",
                    resourceID: backup.id,
                    projectID: backup.projectID,
                    context: context
                )
                return
            }
        }
        if let projectID = backup.projectID {
            do {
                let reservation = try await store.reserve(
                    projectID: projectID,
                    deltas: ["backups": -1, "backup_gigabytes": -(backup.size ?? 0)],
                    limits: [:],
                    expiresAt: Date().addingTimeInterval(86_400)
                )
                try await store.commit(reservation)
            } catch {
                logger.warning("Releasing backup quota failed", metadata: ["backup.id": .string(backup.id)])
            }
        }
        try await store.deleteBackup(id: backup.id)
        if let parentID = backup.parentID { try await store.adjustDependentBackups(id: parentID, by: -1) }
        logger.info("Delete backup finished.", metadata: ["backup.id": .string(backup.id)])
    }

    // MARK: - Export, import, reset

    /// `export_record(backup)` (a call): `{"backup_service", "backup_url"}`, the URL being
    /// the base64 JSON of the backup's fields plus `driver_info`.
    func exportRecord(_ message: BackupRPC.ExportRecord) async throws -> BackupRPC.ExportRecord.Reply {
        guard let backup = try await liveBackup(message.backupID) else {
            throw EmberError.notFound("Backup \(message.backupID) could not be found.")
        }
        guard BackupTransitions.export.allows(backup.status) else {
            throw EmberError.badRequest(
                "Invalid backup: Export backup aborted, expected backup status available but got \(backup.status.rawValue)."
            )
        }
        guard isOurs(backup.service) else {
            throw EmberError.badRequest(
                "Invalid backup: Export record aborted, the backup service currently configured [\(BackupConfiguration.driverName)] is not the backup service that was used to create this backup [\(backup.service ?? "")]."
            )
        }
        let url = Data(BackupRecord.encode(backup).serializedBytes()).base64EncodedString()
        return BackupRPC.ExportRecord.Reply(backupService: backup.service, backupURL: url)
    }

    /// `import_record(backup, backup_service, backup_url, backup_hosts)`: fills the new
    /// backup row from the record (after checking the backup's files are here) and makes it
    /// `available`; another driver's record goes on to the next host.
    func importRecord(_ message: BackupRPC.ImportRecord, context: RPCContext) async throws -> RPCNoReply {
        guard let backup = try await liveBackup(message.backupID) else { return RPCNoReply() }
        let service = message.backupService ?? ""
        let backupURL = message.backupURL ?? ""
        var hosts = message.backupHosts ?? []
        guard isOurs(service) else {
            if let next = hosts.popLast() {
                try await BackupRPC.client(bus: bus, host: next).cast(
                    BackupRPC.ImportRecord(
                        backupID: backup.id,
                        backupService: service,
                        backupURL: backupURL,
                        backupHosts: hosts
                    ),
                    context: context
                )
            } else {
                try await fail(
                    backup,
                    "Import record failed, cannot find backup service to perform the import. Request service \(service)."
                )
            }
            return RPCNoReply()
        }
        do {
            let record = try BackupRecord.decode(backupURL)
            let missing = [
                "display_name", "display_description", "container", "size", "service_metadata", "object_count", "id",
            ]
            .filter { record[$0] == nil }
            guard missing.isEmpty else {
                throw BackupDriverError(
                    "Driver successfully decoded imported backup data, but there are missing fields (\(missing.joined(separator: ", ")))."
                )
            }
            guard record["id"]?.stringValue == backup.id else {
                throw BackupDriverError(
                    "Trying to import backup metadata from id \(record["id"]?.stringValue ?? "None") into backup \(backup.id)."
                )
            }
            let changes = BackupRecord.updates(from: record)
            let imported = try await store.updateBackup(
                id: backup.id,
                changes + [
                    .service(BackupConfiguration.driverName), .availabilityZone(availabilityZone), .host(host),
                ]
            )
            guard let location = Self.location(imported), await driver.exists(location) else {
                throw BackupDriverError("The backup's files are not in \(backupConfiguration.posixPath).")
            }
            if case .object(let metadata)? = record["metadata"] {
                let pairs = metadata.entries.compactMap { entry in entry.value.stringValue.map { (entry.key, $0) } }
                _ = try await store.updateBackupMetadata(
                    id: backup.id,
                    Dictionary(pairs, uniquingKeysWith: { $1 }),
                    replace: true
                )
            }
            try await store.apply(BackupTransitions.imported, toBackup: backup.id)
            logger.info("Import record finished", metadata: ["backup.id": .string(backup.id)])
        } catch {
            try await fail(backup, (error as? BackupDriverError)?.message ?? "\(error)")
        }
        return RPCNoReply()
    }

    /// `reset_status(backup, status)`: sets the status of a backup this driver made.
    func resetStatus(_ message: BackupRPC.ResetStatus) async throws -> RPCNoReply {
        let id = message.backupID
        let status = message.status
        guard let backup = try await liveBackup(id) else { return RPCNoReply() }
        guard isOurs(backup.service) else {
            logger.error(
                "Reset backup status aborted: another backup service made this backup",
                metadata: ["backup.id": .string(id)]
            )
            return RPCNoReply()
        }
        if backup.service != nil {
            try await store.apply(BackupTransitions.resetStatus, toBackup: backup.id, given: status)
        }
        return RPCNoReply()
    }

    // MARK: - Helpers

    /// `_is_our_backup`: no service yet, or a prefix of this driver's name (cinder also
    /// accepts the module name `cinder.backup.drivers.posix`).
    func isOurs(_ service: String?) -> Bool {
        guard let service, !service.isEmpty else { return true }
        return BackupConfiguration.driverName.hasPrefix(service)
    }

    /// `update_backup_error`: status `error` with the reason.
    func fail(_ backup: Backup, _ reason: String) async throws {
        logger.error("Backup operation failed", metadata: ["backup.id": .string(backup.id), "reason": .string(reason)])
        try await store.apply(BackupTransitions.failed, toBackup: backup.id, also: [.failReason(reason)])
    }

    func liveBackup(_ id: String) async throws -> Backup? {
        do {
            return try await store.backup(id: id, scope: .allProjects)
        } catch {
            if case .notFound = error { return nil }
            throw error
        }
    }

    /// The path `initialize_connection` of the volume's backend gives. The connector asks for
    /// local access (``VolumeRPC/InitializeConnection/localAccessKey``): the backup service
    /// reads the file where the volume directory is, whatever the backend's `target_helper`,
    /// and no target is created for it.
    func volumePath(_ volume: Volume, context: RPCContext) async throws -> String {
        guard let volumeHost = volume.host else { throw BackupDriverError("Volume \(volume.id) has no host.") }
        let info = try await VolumeRPC.client(bus: bus, host: volumeHost).call(
            VolumeRPC.InitializeConnection(
                volumeID: volume.id,
                connector: [
                    "host": .string(host), "multipath": false, "platform": "x86_64", "os_type": "linux",
                    VolumeRPC.InitializeConnection.localAccessKey: true,
                ]
            ),
            context: context
        )
        guard let path = info["data"]?["device_path"]?.stringValue else {
            throw BackupDriverError("The volume's backend gave no local device path to back up.")
        }
        return path
    }

    /// The path `initialize_connection_snapshot` of the snapshot's backend gives.
    func snapshotPath(_ snapshot: Snapshot, of volume: Volume, context: RPCContext) async throws -> String {
        guard let volumeHost = volume.host else { throw BackupDriverError("Volume \(volume.id) has no host.") }
        let info = try await VolumeRPC.client(bus: bus, host: volumeHost).call(
            VolumeRPC.InitializeConnectionSnapshot(snapshotID: snapshot.id, connector: ["host": .string(host)]),
            context: context
        )
        guard let path = info["data"]?["device_path"]?.stringValue else {
            throw BackupDriverError("The snapshot's backend gave no local device path to back up.")
        }
        return path
    }

    static func location(_ backup: Backup) -> BackupLocation? {
        guard let container = backup.container, let prefix = backup.serviceMetadata else { return nil }
        return BackupLocation(backupID: backup.id, container: container, prefix: prefix)
    }
}

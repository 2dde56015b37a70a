import EmberBus
import EmberCore
import EmberRPC
import EmberStore
import Foundation
import NIOPosix

/// Retype and migration on the source volume's backend (`cinder/volume/manager.py` `retype`,
/// `migrate_volume`, `_migrate_volume_generic`, `migrate_volume_completion`) and on the
/// destination (`update_migrated_volume`).
extension VolumeManager {
    // MARK: - Retype

    /// `retype(volume_id, new_type_id, host, migration_policy, reservations, old_reservations)`:
    /// the same extra specs, or the driver retyping in place on this backend, change only the
    /// type; otherwise, with `migration_policy` `on-demand`, the volume migrates to `host` with
    /// the new type. Success commits both reservations; a refusal or failure rolls them back
    /// and returns the volume to its previous status.
    func retype(_ message: VolumeRPC.Retype, context: RPCContext) async throws -> RPCNoReply {
        let id = message.volumeID
        let newTypeID = message.newTypeID
        let destination = message.host
        let policy = message.migrationPolicy ?? "never"
        let newIDs = message.reservations
        let oldIDs = message.oldReservations
        return try await serialized(id) {
            guard let volume = try await liveVolume(id), VolumeTransitions.retypeEnded.allows(volume.status) else {
                return RPCNoReply()
            }
            let previous = volume.previousStatus.flatMap(VolumeStatus.init(rawValue:)) ?? .available
            let reservations = [newIDs, oldIDs].filter { !$0.isEmpty }.compactMap { uuids in
                volume.projectID.map { QuotaReservation(projectID: $0, uuids: uuids) }
            }
            func fail(_ reason: String, _ detail: UserMessageRecorder.Detail) async throws {
                logger.error(
                    "Retype failed",
                    metadata: ["volume.id": .string(id), "reason": .string(reason)]
                )
                try await store.apply(VolumeTransitions.retypeEnded, toVolume: id, given: previous)
                for reservation in reservations { try await store.rollback(reservation) }
                await messages.record(
                    .scheduleAllocateVolume,
                    detail,
                    resourceID: id,
                    projectID: volume.projectID,
                    context: context
                )
            }
            guard let newType = try? await store.volumeType(id: newTypeID) else {
                try await fail("Volume type \(newTypeID) could not be found.", .unknownError)
                return RPCNoReply()
            }
            let oldType = try? await store.volumeType(id: volume.volumeTypeID)
            // `volume_types_encryption_changed`: the driver may not retype in place, and the
            // data would have to be decrypted and encrypted again on the way.
            let encryptionChanged = VolumeTypeEncryption.changed(
                try await store.volumeTypeEncryption(volumeTypeID: volume.volumeTypeID),
                try await store.volumeTypeEncryption(volumeTypeID: newTypeID)
            )
            var retyped =
                oldType?.extraSpecs == newType.extraSpecs && oldType?.qosSpecsID == newType.qosSpecsID
                && !encryptionChanged
            if !retyped && !encryptionChanged && destination.backend == host {
                do {
                    retyped = try await driver.retype(volumeID: id, newExtraSpecs: newType.extraSpecs)
                } catch {
                    logger.error(
                        "Driver error when trying to retype, falling back to generic mechanism",
                        metadata: ["volume.id": .string(id), "error": "\(error)"]
                    )
                }
            }
            if retyped {
                try await store.apply(
                    VolumeTransitions.retypeEnded,
                    toVolume: id,
                    given: previous,
                    also: [.volumeTypeID(newTypeID), .host(destination.host)]
                )
                let snapshots = try await store.listSnapshots(
                    ListQuery(scope: .allProjects, filters: [.equals("volume_id", id)])
                )
                for snapshot in snapshots.items {
                    _ = try await store.updateSnapshot(id: snapshot.id, [.volumeTypeID(newTypeID)])
                }
            } else {
                if policy == "never" {
                    try await fail("Retype requires migration but is not allowed.", .noBackendAvailable)
                    return RPCNoReply()
                }
                if encryptionChanged {
                    // cinder migrates with a new key and copies the data through both
                    // encryptors (dm-crypt on the volume host); Ember's drivers copy bytes.
                    try await fail(Self.encryptionChangeRefusal, .volumeInvalidState)
                    return RPCNoReply()
                }
                let snapshots = try await store.listSnapshots(
                    ListQuery(scope: .allProjects, filters: [.equals("volume_id", id)], limit: 1)
                )
                if !snapshots.items.isEmpty {
                    try await fail("Volume must not have snapshots.", .volumeInvalidState)
                    return RPCNoReply()
                }
                if let replication = volume.replicationStatus, !["disabled", "not-capable"].contains(replication) {
                    try await fail("Volume must not be replicated.", .volumeInvalidState)
                    return RPCNoReply()
                }
                if !volume.attachments.isEmpty {
                    try await fail(Self.attachedRefusal, .volumeInvalidState)
                    return RPCNoReply()
                }
                // A redelivered cast (the bus's visibility timeout ran out during a long copy)
                // finds the migration under way and leaves it alone.
                guard
                    let starting = try await store.apply(
                        VolumeTransitions.retypeMigrates,
                        toVolume: id,
                        also: [.migrationStatus("starting")]
                    )
                else { return RPCNoReply() }
                do {
                    try await migrate(starting, to: destination, newTypeID: newTypeID, context: context)
                } catch {
                    try await fail("Volume migration failed: \(error)", .unknownError)
                    return RPCNoReply()
                }
            }
            for reservation in reservations { try await store.commit(reservation) }
            logger.info("Retype volume completed successfully.", metadata: ["volume.id": .string(id)])
            return RPCNoReply()
        }
    }

    static let encryptionChangeRefusal =
        "Retype to a type with a different encryption needs the data encrypted again, which Ember's drivers cannot do."

    static let attachedRefusal =
        "Migrating an attached volume needs the compute service to swap it (Nova swap_volume), which Ember does not have."

    // MARK: - Migrate

    /// `migrate_volume(volume_id, host, force_host_copy)`: moves the volume to `host` (the
    /// scheduler's `{host, cluster_name, capabilities}`).
    func migrateVolume(_ message: VolumeRPC.MigrateVolume, context: RPCContext) async throws -> RPCNoReply {
        let id = message.volumeID
        return try await serialized(id) {
            guard let volume = try await liveVolume(id), volume.migrationStatus == "starting" else {
                return RPCNoReply()
            }
            do {
                try await migrate(volume, to: message.host, newTypeID: nil, context: context)
            } catch {
                logger.error("Volume migration failed", metadata: ["volume.id": .string(id), "error": "\(error)"])
                await messages.record(
                    .scheduleAllocateVolume,
                    .unknownError,
                    resourceID: id,
                    projectID: volume.projectID,
                    context: context
                )
            }
            return RPCNoReply()
        }
    }

    /// cinder's `migrate_volume` on the source backend; the caller holds the volume's lock.
    /// To a pool of this backend the data stays where it is (the driver-assisted path: the
    /// host changes); elsewhere the generic migration copies it. A failure sets
    /// `migration_status` `error` and puts a `retyping`/`maintenance` volume back to its
    /// previous status, then rethrows.
    func migrate(
        _ volume: Volume,
        to destination: DestinationBackend,
        newTypeID: String?,
        context: RPCContext
    ) async throws {
        let destinationHost = destination.host
        var restore: [VolumeUpdate] = []
        if volume.status == .retyping || volume.status == .maintenance {
            restore = [.status(volume.previousStatus.flatMap(VolumeStatus.init(rawValue:)) ?? .available)]
        }
        var migrating = try await store.updateVolume(id: volume.id, [.migrationStatus("migrating")])
        do {
            if destination.backend == host {
                var changes: [VolumeUpdate] = [
                    .host(destinationHost), .migrationStatus("success"), .previousStatus(migrating.status.rawValue),
                ]
                if let newTypeID { changes.append(.volumeTypeID(newTypeID)) }
                migrating = try await store.updateVolume(id: volume.id, changes + restore)
            } else {
                guard migrating.attachments.isEmpty else { throw DriverError(Self.attachedRefusal) }
                try await migrateGeneric(migrating, to: destination, newTypeID: newTypeID, context: context)
            }
        } catch {
            _ = try? await store.updateVolume(id: volume.id, [.migrationStatus("error")] + restore)
            throw error
        }
        logger.info(
            "Migrate volume completed successfully.",
            metadata: ["volume.id": .string(volume.id), "host": .string(destinationHost)]
        )
    }

    /// `_migrate_volume_generic`: a new volume row (`migration_status` `target:<id>`, no
    /// quota) is created by the destination backend, the data is copied through both
    /// connections, then ``completeMigration(_:newVolume:error:context:)`` swaps them. On a
    /// failure the new volume is removed.
    func migrateGeneric(
        _ volume: Volume,
        to destination: DestinationBackend,
        newTypeID: String?,
        context: RPCContext
    )
        async throws
    {
        let destinationHost = destination.host
        let service = try await store.existingService(
            host: destination.backend,
            binary: "cinder-volume"
        )
        let created = try await store.createVolume(
            Volume(
                userID: volume.userID,
                projectID: volume.projectID,
                size: volume.size,
                volumeTypeID: newTypeID ?? volume.volumeTypeID,
                displayName: volume.displayName,
                displayDescription: volume.displayDescription,
                availabilityZone: service?.availabilityZone ?? destination.availabilityZone ?? volume.availabilityZone,
                host: destinationHost,
                clusterName: destination.clusterName,
                migrationStatus: "target:\(volume.id)",
                bootable: volume.bootable,
                multiattach: volume.multiattach,
                useQuota: false,
                serviceUUID: service?.uuid,
                metadata: volume.metadata
            )
        )
        let destinationClient = VolumeRPC.client(bus: bus, host: destinationHost)
        do {
            try await destinationClient.cast(
                VolumeRPC.CreateVolume(volumeID: created.id, requestSpec: nil),
                context: context
            )
            try await waitForCreation(created.id)
        } catch {
            // Only the row exists (or the backend failed to create the data): drop the row.
            try? await store.deleteVolume(id: created.id)
            throw error
        }
        do {
            let started = ContinuousClock.now
            try await copyVolumeData(volume, to: created, context: context)
            logger.info(
                "Copied volume data for migration",
                metadata: [
                    "volume.id": .string(volume.id), "new_volume.id": .string(created.id),
                    "seconds": "\((ContinuousClock.now - started).seconds)",
                ]
            )
            let current = try await liveVolume(volume.id) ?? volume
            _ = try await completeMigration(current, newVolume: created, error: false, context: context)
        } catch {
            logger.error(
                "Failed to copy volume for migration",
                metadata: ["volume.id": .string(volume.id), "new_volume.id": .string(created.id), "error": "\(error)"]
            )
            // `_clean_temporary_volume`: while `migrating` the new volume goes; once
            // `completing` it stays (the source may be gone) without its migration status.
            if (try? await liveVolume(volume.id))??.migrationStatus == "completing" {
                _ = try? await store.updateVolume(id: created.id, [.migrationStatus(nil)])
            } else {
                try? await destinationClient.cast(
                    VolumeRPC.DeleteVolume(volumeID: created.id, cascade: false),
                    context: context
                )
                _ = try? await store.apply(VolumeTransitions.temporaryVolumeDiscarded, toVolume: created.id)
            }
            throw error
        }
    }

    /// Waits until the destination created the new volume (`available`); `error`, deletion or
    /// `migration_create_volume_timeout_secs` fail the migration.
    func waitForCreation(_ id: String) async throws {
        let deadline = ContinuousClock.now + configuration.migrationCreateVolumeTimeout
        var delay = Duration.milliseconds(20)
        while true {
            let current = try await liveVolume(id)
            if current?.status == .available { return }
            if current == nil || current?.status == .error {
                throw DriverError("Volume migration failed: failed to create new_volume on destination")
            }
            if ContinuousClock.now > deadline {
                throw DriverError("Volume migration failed: timeout creating new_volume on destination")
            }
            try await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(1))
        }
    }

    /// `_copy_volume_data`: attaches both volumes (this backend's directly, the destination's
    /// through its `initialize_connection`) and copies the source's bytes. The connector asks
    /// for local access (``VolumeRPC/InitializeConnection/localAccessKey``), so the file
    /// backends hand out `local` connections whatever their `target_helper`; both files must
    /// be visible on this machine.
    func copyVolumeData(_ volume: Volume, to newVolume: Volume, context: RPCContext) async throws {
        let connector: JSONValue = [
            "host": .string(configuration.host), "platform": "x86_64", "os_type": "linux", "multipath": false,
            "initiator": .null, VolumeRPC.InitializeConnection.localAccessKey: true,
        ]
        let destinationClient = VolumeRPC.client(bus: bus, host: newVolume.host ?? "")
        let destinationInfo = try await destinationClient.call(
            VolumeRPC.InitializeConnection(volumeID: newVolume.id, connector: connector),
            context: context
        )
        // `terminate_connection` of a local file has nothing to tear down; it is sent for
        // backends that do, whatever the copy's outcome.
        let terminate: @Sendable () async -> Void = {
            _ = try? await destinationClient.call(
                VolumeRPC.TerminateConnection(volumeID: newVolume.id, connector: connector, force: true),
                context: context
            )
        }
        do {
            let source = try Self.localPath(try await driver.connectionInfo(volumeID: volume.id))
            let target = try Self.localPath(destinationInfo)
            let bytes = volume.size * 1024 * 1024 * 1024
            // Paced to the back-end QoS of the destination's type (the type the volume keeps).
            let limits = await CopyLimits.of(newVolume, store: store, logger: logger)
            try await NIOThreadPool.singleton.runIfActive {
                guard access(target, W_OK) == 0 else {
                    throw DriverError("The destination volume \(target) is not reachable from this host")
                }
                try FileIO.copyInto(from: source, to: target, bytes: bytes, limits: limits)
            }
        } catch {
            await terminate()
            throw error
        }
        await terminate()
    }

    /// The device path of a `local` connection; other protocols need an OS-Brick connector
    /// Ember does not have.
    static func localPath(_ info: JSONValue) throws -> String {
        guard info["driver_volume_type"]?.stringValue == "local",
            let path = info["data"]?["device_path"]?.stringValue
        else {
            throw DriverError(
                "Ember copies volume data through local connections only, not \(info["driver_volume_type"]?.stringValue ?? "none")"
            )
        }
        return path
    }

    // MARK: - Completion

    /// `migrate_volume_completion(volume_id, new_volume_id, error)` (a call): completes (or,
    /// with `error`, abandons) a migration of a volume of this backend.
    func migrateVolumeCompletion(
        _ message: VolumeRPC.MigrateVolumeCompletion,
        context: RPCContext
    ) async throws -> VolumeRPC.MigrateVolumeCompletion.Reply {
        let id = message.volumeID
        let newID = message.newVolumeID
        return try await serialized(id) {
            guard let volume = try await liveVolume(id) else {
                throw EmberError.notFound("Volume \(id) could not be found.")
            }
            guard let newVolume = try await liveVolume(newID) else {
                throw EmberError.notFound("Volume \(newID) could not be found.")
            }
            let saved = try await completeMigration(
                volume,
                newVolume: newVolume,
                error: message.error == true,
                context: context
            )
            return VolumeRPC.MigrateVolumeCompletion.Reply(saveVolumeID: saved)
        }
    }

    /// cinder's `migrate_volume_completion` on the source backend; the caller holds the
    /// volume's lock. With `error` the new volume is deleted and `migration_status` becomes
    /// `error`. Otherwise the destination's driver gives the new data the original's name
    /// (`update_migrated_volume`), the original row takes the destination's host (and the
    /// new type), the source data and the temporary row are deleted, and the volume ends
    /// `migration_status` `success` in its previous status. Returns the id kept.
    func completeMigration(
        _ volume: Volume,
        newVolume: Volume,
        error: Bool,
        context: RPCContext
    ) async throws
        -> String
    {
        let originalStatus = volume.previousStatus.flatMap(VolumeStatus.init(rawValue:)) ?? .available
        let destinationClient = VolumeRPC.client(bus: bus, host: newVolume.host ?? "")
        if error {
            try await destinationClient.cast(
                VolumeRPC.DeleteVolume(volumeID: newVolume.id, cascade: false),
                context: context
            )
            try await store.apply(VolumeTransitions.temporaryVolumeDiscarded, toVolume: newVolume.id)
            try await store.apply(
                VolumeTransitions.migrationFailed,
                toVolume: volume.id,
                given: originalStatus,
                also: [.migrationStatus("error")]
            )
            return volume.id
        }
        _ = try await store.updateVolume(id: volume.id, [.migrationStatus("completing")])
        // Whether the destination keeps its files where this backend does (two backends over
        // one directory): then the rename below replaces the source data, which must stay.
        let destinationPath = try Self.localPath(
            try await destinationClient.call(
                VolumeRPC.InitializeConnection(
                    volumeID: newVolume.id,
                    connector: [
                        "host": .string(configuration.host), VolumeRPC.InitializeConnection.localAccessKey: true,
                    ]
                ),
                context: context
            )
        )
        let sourcePath = try Self.localPath(try await driver.connectionInfo(volumeID: volume.id))
        let sharedDirectory =
            (destinationPath as NSString).deletingLastPathComponent
            == (sourcePath as NSString).deletingLastPathComponent
        let update = try await destinationClient.call(
            VolumeRPC.UpdateMigratedVolume(
                volumeID: volume.id,
                newVolumeID: newVolume.id,
                volumeStatus: originalStatus
            ),
            context: context
        )
        _ = try await store.updateVolume(
            id: volume.id,
            [
                .host(newVolume.host), .clusterName(newVolume.clusterName),
                .availabilityZone(newVolume.availabilityZone), .serviceUUID(newVolume.serviceUUID),
                .volumeTypeID(newVolume.volumeTypeID), .nameID(update.nameID),
                .providerLocation(newVolume.providerLocation), .status(originalStatus),
                .previousStatus(volume.status.rawValue), .migrationStatus("success"),
            ]
        )
        // The temporary row now stands for the source data, which goes (cinder's async
        // delete of the swapped row, done here: this backend owns the data).
        _ = try await store.updateVolume(
            id: newVolume.id,
            [
                .host(volume.host), .status(.deleting), .migrationStatus("deleting"),
                .displayDescription("migration src for \(volume.id)"),
            ]
        )
        if !sharedDirectory {
            do {
                try await driver.deleteVolume(id: volume.id)
            } catch {
                logger.error(
                    "Failed to delete the migration source data",
                    metadata: ["volume.id": .string(volume.id), "error": "\(error)"]
                )
            }
        }
        try await store.deleteVolume(id: newVolume.id)
        logger.info("Complete-Migrate volume completed successfully.", metadata: ["volume.id": .string(volume.id)])
        return volume.id
    }

    /// `update_migrated_volume(volume_id, new_volume_id, volume_status)` (a call, on the
    /// destination): the driver renames the new data; returns the `_name_id` to keep.
    func updateMigratedVolume(
        _ message: VolumeRPC.UpdateMigratedVolume
    ) async throws -> VolumeRPC.UpdateMigratedVolume.Reply {
        try await serialized(message.newVolumeID) {
            let nameID = try await driver.updateMigratedVolume(
                originalID: message.volumeID,
                newVolumeID: message.newVolumeID
            )
            return VolumeRPC.UpdateMigratedVolume.Reply(nameID: nameID)
        }
    }
}

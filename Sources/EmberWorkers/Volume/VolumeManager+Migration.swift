import EmberBus
import EmberCore
import EmberStore
import EmberVolume
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
    func retype(_ envelope: Envelope) async throws -> JSONValue {
        let arguments = envelope.arguments
        guard let id = Self.id(arguments, "volume"), let newTypeID = arguments["new_type_id"]?.stringValue,
            let destination = arguments["host"], let destinationHost = destination["host"]?.stringValue
        else { return .null }
        let policy = arguments["migration_policy"]?.stringValue ?? "never"
        let newIDs = arguments["reservations"].flatMap(Self.strings) ?? []
        let oldIDs = arguments["old_reservations"].flatMap(Self.strings) ?? []
        return try await serialized(id) {
            guard let volume = try await liveVolume(id), volume.status == .retyping else { return .null }
            let previous = volume.previousStatus.flatMap(VolumeStatus.init(rawValue:)) ?? .available
            let reservations = [newIDs, oldIDs].filter { !$0.isEmpty }.compactMap { uuids in
                volume.projectID.map { QuotaReservation(projectID: $0, uuids: uuids) }
            }
            func fail(_ reason: String, _ detail: UserMessageRecorder.Detail) async throws {
                logger.error(
                    "Retype failed",
                    metadata: ["volume.id": .string(id), "reason": .string(reason)]
                )
                _ = try await store.conditionalUpdateVolume(
                    id: id,
                    set: [.status(previous)],
                    where: VolumeCondition(status: [.retyping])
                )
                for reservation in reservations { try await store.rollback(reservation) }
                await messages.record(
                    .scheduleAllocateVolume,
                    detail,
                    resourceID: id,
                    projectID: volume.projectID,
                    context: envelope.context
                )
            }
            guard let newType = try? await store.volumeType(id: newTypeID) else {
                try await fail("Volume type \(newTypeID) could not be found.", .unknownError)
                return .null
            }
            let oldType = try? await store.volumeType(id: volume.volumeTypeID)
            var retyped = oldType?.extraSpecs == newType.extraSpecs && oldType?.qosSpecsID == newType.qosSpecsID
            if !retyped && VolumeRPC.backend(ofHost: destinationHost) == host {
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
                _ = try await store.conditionalUpdateVolume(
                    id: id,
                    set: [.volumeTypeID(newTypeID), .host(destinationHost), .status(previous)],
                    where: VolumeCondition(status: [.retyping])
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
                    return .null
                }
                let snapshots = try await store.listSnapshots(
                    ListQuery(scope: .allProjects, filters: [.equals("volume_id", id)], limit: 1)
                )
                if !snapshots.items.isEmpty {
                    try await fail("Volume must not have snapshots.", .volumeInvalidState)
                    return .null
                }
                if let replication = volume.replicationStatus, !["disabled", "not-capable"].contains(replication) {
                    try await fail("Volume must not be replicated.", .volumeInvalidState)
                    return .null
                }
                if !volume.attachments.isEmpty {
                    try await fail(Self.attachedRefusal, .volumeInvalidState)
                    return .null
                }
                // A redelivered cast (the bus's visibility timeout ran out during a long copy)
                // finds the migration under way and leaves it alone.
                guard
                    let starting = try await store.conditionalUpdateVolume(
                        id: id,
                        set: [.migrationStatus("starting")],
                        where: VolumeCondition(
                            status: [.retyping],
                            migrationStatus: VolumeCondition.availableMigrationStatus
                        )
                    )
                else { return .null }
                do {
                    try await migrate(starting, to: destination, newTypeID: newTypeID, context: envelope.context)
                } catch {
                    try await fail("Volume migration failed: \(error)", .unknownError)
                    return .null
                }
            }
            for reservation in reservations { try await store.commit(reservation) }
            logger.info("Retype volume completed successfully.", metadata: ["volume.id": .string(id)])
            return .null
        }
    }

    static let attachedRefusal =
        "Migrating an attached volume needs the compute service to swap it (Nova swap_volume), which Ember does not have."

    // MARK: - Migrate

    /// `migrate_volume(volume_id, host, force_host_copy)`: moves the volume to `host` (the
    /// scheduler's `{host, cluster_name, capabilities}`).
    func migrateVolume(_ envelope: Envelope) async throws -> JSONValue {
        guard let id = Self.id(envelope.arguments, "volume"), let destination = envelope.arguments["host"],
            destination["host"]?.stringValue != nil
        else { return .null }
        return try await serialized(id) {
            guard let volume = try await liveVolume(id), volume.migrationStatus == "starting" else { return .null }
            do {
                try await migrate(volume, to: destination, newTypeID: nil, context: envelope.context)
            } catch {
                logger.error("Volume migration failed", metadata: ["volume.id": .string(id), "error": "\(error)"])
                await messages.record(
                    .scheduleAllocateVolume,
                    .unknownError,
                    resourceID: id,
                    projectID: volume.projectID,
                    context: envelope.context
                )
            }
            return .null
        }
    }

    /// cinder's `migrate_volume` on the source backend; the caller holds the volume's lock.
    /// To a pool of this backend the data stays where it is (the driver-assisted path: the
    /// host changes); elsewhere the generic migration copies it. A failure sets
    /// `migration_status` `error` and puts a `retyping`/`maintenance` volume back to its
    /// previous status, then rethrows.
    func migrate(_ volume: Volume, to destination: JSONValue, newTypeID: String?, context: RPCContext) async throws {
        let destinationHost = destination["host"]?.stringValue ?? ""
        var restore: [VolumeUpdate] = []
        if volume.status == .retyping || volume.status == .maintenance {
            restore = [.status(volume.previousStatus.flatMap(VolumeStatus.init(rawValue:)) ?? .available)]
        }
        var migrating = try await store.updateVolume(id: volume.id, [.migrationStatus("migrating")])
        do {
            if VolumeRPC.backend(ofHost: destinationHost) == host {
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
        to destination: JSONValue,
        newTypeID: String?,
        context: RPCContext
    )
        async throws
    {
        let destinationHost = destination["host"]?.stringValue ?? ""
        let service = try await store.existingService(
            host: VolumeRPC.backend(ofHost: destinationHost),
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
                availabilityZone: service?.availabilityZone ?? destination["availability_zone"]?.stringValue
                    ?? volume.availabilityZone,
                host: destinationHost,
                clusterName: destination["cluster_name"]?.stringValue,
                migrationStatus: "target:\(volume.id)",
                bootable: volume.bootable,
                multiattach: volume.multiattach,
                useQuota: false,
                serviceUUID: service?.uuid,
                metadata: volume.metadata
            )
        )
        let destinationClient = RPCClient(bus: bus, topic: VolumeRPC.topic(forHost: destinationHost))
        do {
            try await destinationClient.cast(
                "create_volume",
                context: context,
                ["volume_id": .string(created.id), "request_spec": .null, "allow_reschedule": false]
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
                try? await RPCClient(bus: bus, topic: VolumeRPC.topic(forHost: destinationHost))
                    .cast("delete_volume", context: context, ["volume_id": .string(created.id), "cascade": false])
                _ = try? await store.updateVolume(id: created.id, [.status(.deleting)])
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
    /// through its `initialize_connection`) and copies the source's bytes. Ember's file
    /// backends hand out `local` connections, so both files must be visible on this machine.
    func copyVolumeData(_ volume: Volume, to newVolume: Volume, context: RPCContext) async throws {
        let connector: JSONValue = [
            "host": .string(configuration.host), "platform": "x86_64", "os_type": "linux", "multipath": false,
            "initiator": .null,
        ]
        let destinationClient = RPCClient(bus: bus, topic: VolumeRPC.topic(forHost: newVolume.host ?? ""))
        let destinationInfo = try await destinationClient.call(
            "initialize_connection",
            context: context,
            ["volume_id": .string(newVolume.id), "connector": connector]
        )
        // `terminate_connection` of a local file has nothing to tear down; it is sent for
        // backends that do, whatever the copy's outcome.
        let terminate: @Sendable () async -> Void = { [bus] in
            _ = try? await RPCClient(bus: bus, topic: VolumeRPC.topic(forHost: newVolume.host ?? ""))
                .call(
                    "terminate_connection",
                    context: context,
                    ["volume_id": .string(newVolume.id), "connector": connector, "force": true]
                )
        }
        do {
            let source = try Self.localPath(try await driver.connectionInfo(volumeID: volume.id))
            let target = try Self.localPath(destinationInfo)
            let bytes = volume.size * 1024 * 1024 * 1024
            try await NIOThreadPool.singleton.runIfActive {
                guard access(target, W_OK) == 0 else {
                    throw DriverError("The destination volume \(target) is not reachable from this host")
                }
                try FileIO.copyInto(from: source, to: target, bytes: bytes)
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
    func migrateVolumeCompletion(_ envelope: Envelope) async throws -> JSONValue {
        guard let id = Self.id(envelope.arguments, "volume"),
            let newID = Self.id(envelope.arguments, "new_volume")
        else { throw EmberError.badRequest("InvalidInput: Invalid input received: migrate_volume_completion") }
        let error = envelope.arguments["error"] == .bool(true)
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
                error: error,
                context: envelope.context
            )
            return ["save_volume_id": .string(saved)]
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
        let destinationClient = RPCClient(bus: bus, topic: VolumeRPC.topic(forHost: newVolume.host ?? ""))
        if error {
            try await destinationClient.cast(
                "delete_volume",
                context: context,
                ["volume_id": .string(newVolume.id), "cascade": false]
            )
            _ = try await store.updateVolume(id: newVolume.id, [.status(.deleting)])
            _ = try await store.updateVolume(id: volume.id, [.migrationStatus("error"), .status(originalStatus)])
            return volume.id
        }
        _ = try await store.updateVolume(id: volume.id, [.migrationStatus("completing")])
        // Whether the destination keeps its files where this backend does (two backends over
        // one directory): then the rename below replaces the source data, which must stay.
        let destinationPath = try Self.localPath(
            try await destinationClient.call(
                "initialize_connection",
                context: context,
                ["volume_id": .string(newVolume.id), "connector": ["host": .string(configuration.host)]]
            )
        )
        let sourcePath = try Self.localPath(try await driver.connectionInfo(volumeID: volume.id))
        let sharedDirectory =
            (destinationPath as NSString).deletingLastPathComponent
            == (sourcePath as NSString).deletingLastPathComponent
        let update = try await destinationClient.call(
            "update_migrated_volume",
            context: context,
            [
                "volume_id": .string(volume.id), "new_volume_id": .string(newVolume.id),
                "volume_status": .string(originalStatus.rawValue),
            ]
        )
        _ = try await store.updateVolume(
            id: volume.id,
            [
                .host(newVolume.host), .clusterName(newVolume.clusterName),
                .availabilityZone(newVolume.availabilityZone), .serviceUUID(newVolume.serviceUUID),
                .volumeTypeID(newVolume.volumeTypeID), .nameID(update["_name_id"]?.stringValue),
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
    func updateMigratedVolume(_ envelope: Envelope) async throws -> JSONValue {
        guard let id = Self.id(envelope.arguments, "volume"), let newID = Self.id(envelope.arguments, "new_volume")
        else { throw EmberError.badRequest("InvalidInput: Invalid input received: update_migrated_volume") }
        return try await serialized(newID) {
            let nameID = try await driver.updateMigratedVolume(originalID: id, newVolumeID: newID)
            return ["_name_id": .optional(nameID)]
        }
    }
}

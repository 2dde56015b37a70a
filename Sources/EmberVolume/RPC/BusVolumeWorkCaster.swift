import EmberBus
import EmberCore
import EmberRPC

/// The volume and backup APIs' casts, sent over the bus as the typed messages of
/// `SchedulerRPC`, `VolumeRPC` and `BackupRPC` (target `EmberRPC`).
public struct BusVolumeWorkCaster: VolumeWorkCaster, BackupWorkCaster {
    public let bus: any MessageBus

    public init(bus: any MessageBus) {
        self.bus = bus
    }

    private var scheduler: RPCClient { SchedulerRPC.client(bus: bus) }

    /// The client of the volume's backend; a volume never scheduled has none (cinder's
    /// "has not been scheduled to any host").
    private func backend(of volume: Volume) throws -> RPCClient {
        guard let host = volume.host else {
            throw EmberError.badRequest("Invalid volume: Volume \(volume.id) has not been scheduled to any host.")
        }
        // `service_topic_queue`: a clustered volume's work goes to its cluster.
        return VolumeRPC.client(bus: bus, host: volume.clusterName ?? host)
    }

    private func context(_ caller: Identity, _ requestID: String) -> RPCContext {
        RPCContext(requestID: requestID, identity: caller)
    }

    // MARK: - Scheduler

    public func getPools(filters: JSONObject, caller: Identity, requestID: String) async throws -> JSONValue {
        try await scheduler.call(SchedulerRPC.GetPools(filters: filters), context: context(caller, requestID))
    }

    public func createVolume(
        _ volume: Volume,
        spec: VolumeRequestSpec,
        caller: Identity,
        requestID: String
    ) async throws {
        try await scheduler.cast(
            SchedulerRPC.CreateVolume(volumeID: volume.id, requestSpec: spec),
            context: context(caller, requestID)
        )
    }

    public func createSnapshot(
        _ snapshot: Snapshot,
        of volume: Volume,
        caller: Identity,
        requestID: String
    )
        async throws
    {
        try await scheduler.cast(
            SchedulerRPC.CreateSnapshot(
                volumeID: volume.id,
                snapshotID: snapshot.id,
                backend: volume.host.map(VolumeRPC.backend(ofHost:)),
                size: volume.size
            ),
            context: context(caller, requestID)
        )
    }

    public func extendVolume(
        _ volume: Volume,
        newSize: Int,
        reservation: QuotaReservation,
        caller: Identity,
        requestID: String
    ) async throws {
        try await scheduler.cast(
            SchedulerRPC.ExtendVolume(
                volumeID: volume.id,
                volumeTypeID: volume.volumeTypeID,
                newSize: newSize,
                reservations: reservation.uuids
            ),
            context: context(caller, requestID)
        )
    }

    public func retypeVolume(
        _ volume: Volume,
        _ retype: RetypeRequest,
        caller: Identity,
        requestID: String
    )
        async throws
    {
        let type = retype.newType
        let spec = RetypeSpec(
            volumeID: volume.id,
            volumeType: RetypeSpec.NewType(id: type.id, name: type.name, extraSpecs: type.extraSpecs),
            migrationPolicy: retype.migrationPolicy,
            quotaReservations: retype.reservation.uuids,
            oldReservations: retype.oldReservation.uuids,
            availabilityZones: retype.availabilityZones
        )
        try await scheduler.cast(
            SchedulerRPC.Retype(volumeID: volume.id, requestSpec: spec),
            context: context(caller, requestID)
        )
    }

    public func migrateVolume(
        _ volume: Volume,
        backend: String,
        forceHostCopy: Bool,
        caller: Identity,
        requestID: String
    ) async throws {
        try await scheduler.cast(
            SchedulerRPC.MigrateVolume(
                volumeID: volume.id,
                volumeTypeID: volume.volumeTypeID,
                backend: backend,
                forceCopy: forceHostCopy
            ),
            context: context(caller, requestID)
        )
    }

    public func createBackup(_ backup: Backup, caller: Identity, requestID: String) async throws {
        try await scheduler.cast(SchedulerRPC.CreateBackup(backupID: backup.id), context: context(caller, requestID))
    }

    public func manageExisting(
        _ volume: Volume,
        spec: ManageRequestSpec,
        caller: Identity,
        requestID: String
    ) async throws {
        try await scheduler.cast(
            SchedulerRPC.ManageExisting(volumeID: volume.id, requestSpec: spec),
            context: context(caller, requestID)
        )
    }

    public func manageExistingSnapshot(
        _ snapshot: Snapshot,
        of volume: Volume,
        ref: JSONValue,
        caller: Identity,
        requestID: String
    ) async throws {
        try await scheduler.cast(
            SchedulerRPC.ManageExistingSnapshot(
                volumeID: volume.id,
                snapshotID: snapshot.id,
                ref: ref,
                size: volume.size
            ),
            context: context(caller, requestID)
        )
    }

    // MARK: - Volume services

    public func getManageableVolumes(
        backend: String,
        paging: ManageablePaging,
        caller: Identity,
        requestID: String
    ) async throws -> [ManageableResource] {
        try await VolumeRPC.client(bus: bus, host: backend).call(
            VolumeRPC.GetManageableVolumes(paging: paging),
            context: context(caller, requestID)
        )
    }

    public func getManageableSnapshots(
        backend: String,
        paging: ManageablePaging,
        caller: Identity,
        requestID: String
    ) async throws -> [ManageableResource] {
        try await VolumeRPC.client(bus: bus, host: backend).call(
            VolumeRPC.GetManageableSnapshots(paging: paging),
            context: context(caller, requestID)
        )
    }

    public func unmanageVolume(_ volume: Volume, caller: Identity, requestID: String) async throws {
        try await backend(of: volume).cast(
            VolumeRPC.DeleteVolume(volumeID: volume.id, cascade: false, unmanageOnly: true),
            context: context(caller, requestID)
        )
    }

    public func unmanageSnapshot(
        _ snapshot: Snapshot,
        of volume: Volume,
        caller: Identity,
        requestID: String
    ) async throws {
        try await backend(of: volume).cast(
            VolumeRPC.DeleteSnapshot(snapshotID: snapshot.id, volumeID: volume.id, unmanageOnly: true),
            context: context(caller, requestID)
        )
    }

    public func getCapabilities(backend: String, caller: Identity, requestID: String) async throws -> JSONValue {
        try await VolumeRPC.client(bus: bus, host: backend).call(
            VolumeRPC.GetCapabilities(),
            context: context(caller, requestID)
        )
    }

    public func deleteVolume(_ volume: Volume, cascade: Bool, caller: Identity, requestID: String) async throws {
        // A volume never scheduled has no backend to ask; the API deletes its row itself.
        guard volume.host != nil else { return }
        try await backend(of: volume).cast(
            VolumeRPC.DeleteVolume(volumeID: volume.id, cascade: cascade),
            context: context(caller, requestID)
        )
    }

    public func deleteSnapshot(
        _ snapshot: Snapshot,
        of volume: Volume,
        caller: Identity,
        requestID: String
    )
        async throws
    {
        try await backend(of: volume).cast(
            VolumeRPC.DeleteSnapshot(snapshotID: snapshot.id, volumeID: volume.id),
            context: context(caller, requestID)
        )
    }

    public func migrateVolumeCompletion(
        _ volume: Volume,
        newVolume: Volume,
        error: Bool,
        caller: Identity,
        requestID: String
    ) async throws -> String {
        let reply = try await backend(of: volume).call(
            VolumeRPC.MigrateVolumeCompletion(volumeID: volume.id, newVolumeID: newVolume.id, error: error),
            context: context(caller, requestID)
        )
        return reply.saveVolumeID
    }

    public func revertToSnapshot(
        _ volume: Volume,
        snapshot: Snapshot,
        caller: Identity,
        requestID: String
    )
        async throws
    {
        try await backend(of: volume).cast(
            VolumeRPC.RevertToSnapshot(volumeID: volume.id, snapshotID: snapshot.id),
            context: context(caller, requestID)
        )
    }

    public func copyVolumeToImage(_ volume: Volume, imageID: String, caller: Identity, requestID: String) async throws {
        try await backend(of: volume).cast(
            VolumeRPC.CopyVolumeToImage(volumeID: volume.id, imageID: imageID),
            context: context(caller, requestID)
        )
    }

    public func reimage(_ volume: Volume, imageID: String, caller: Identity, requestID: String) async throws {
        try await backend(of: volume).cast(
            VolumeRPC.Reimage(volumeID: volume.id, imageID: imageID),
            context: context(caller, requestID)
        )
    }

    public func attachVolume(
        _ volume: Volume,
        attach: AttachRequest,
        caller: Identity,
        requestID: String
    )
        async throws -> JSONValue
    {
        try await backend(of: volume).call(
            VolumeRPC.AttachVolume(
                volumeID: volume.id,
                instanceUUID: attach.instanceUUID,
                hostName: attach.hostName,
                mountpoint: attach.mountpoint,
                mode: attach.mode
            ),
            context: context(caller, requestID)
        )
    }

    public func detachVolume(
        _ volume: Volume,
        attachmentID: String?,
        caller: Identity,
        requestID: String
    )
        async throws
    {
        try await backend(of: volume).call(
            VolumeRPC.DetachVolume(volumeID: volume.id, attachmentID: attachmentID),
            context: context(caller, requestID)
        )
    }

    public func initializeConnection(
        _ volume: Volume,
        connector: JSONValue,
        caller: Identity,
        requestID: String
    )
        async throws -> JSONValue
    {
        try await backend(of: volume).call(
            VolumeRPC.InitializeConnection(volumeID: volume.id, connector: connector),
            context: context(caller, requestID)
        )
    }

    public func terminateConnection(
        _ volume: Volume,
        connector: JSONValue,
        force: Bool,
        caller: Identity,
        requestID: String
    ) async throws {
        try await backend(of: volume).call(
            VolumeRPC.TerminateConnection(volumeID: volume.id, connector: connector, force: force),
            context: context(caller, requestID)
        )
    }

    public func attachmentUpdate(
        _ volume: Volume,
        connector: JSONValue,
        attachmentID: String,
        caller: Identity,
        requestID: String
    ) async throws -> JSONValue {
        try await backend(of: volume).call(
            VolumeRPC.AttachmentUpdate(volumeID: volume.id, connector: connector, attachmentID: attachmentID),
            context: context(caller, requestID)
        )
    }

    public func attachmentDelete(
        _ volume: Volume,
        attachmentID: String,
        caller: Identity,
        requestID: String
    ) async throws {
        try await backend(of: volume).call(
            VolumeRPC.AttachmentDelete(attachmentID: attachmentID, volumeID: volume.id),
            context: context(caller, requestID)
        )
    }

    public func acceptTransfer(
        _ volume: Volume,
        newUser: String,
        newProject: String,
        noSnapshots: Bool,
        caller: Identity,
        requestID: String
    ) async throws {
        try await backend(of: volume).call(
            VolumeRPC.AcceptTransfer(
                volumeID: volume.id,
                newUser: newUser,
                newProject: newProject,
                noSnapshots: noSnapshots
            ),
            context: context(caller, requestID)
        )
    }

    public func extendVolumeCompletion(
        _ volume: Volume,
        newSize: Int,
        reservations: [String],
        error: Bool,
        caller: Identity,
        requestID: String
    ) async throws {
        try await backend(of: volume).cast(
            VolumeRPC.ExtendVolumeCompletion(
                volumeID: volume.id,
                newSize: newSize,
                reservations: reservations,
                error: error
            ),
            context: context(caller, requestID)
        )
    }

    // MARK: - Backup services

    public func restoreBackup(
        _ backup: Backup,
        host: String,
        volumeID: String,
        volumeIsNew: Bool,
        caller: Identity,
        requestID: String
    ) async throws {
        try await BackupRPC.client(bus: bus, host: host).cast(
            BackupRPC.RestoreBackup(backupID: backup.id, volumeID: volumeID, volumeIsNew: volumeIsNew),
            context: context(caller, requestID)
        )
    }

    public func deleteBackup(_ backup: Backup, host: String, caller: Identity, requestID: String) async throws {
        try await BackupRPC.client(bus: bus, host: host).cast(
            BackupRPC.DeleteBackup(backupID: backup.id),
            context: context(caller, requestID)
        )
    }

    public func exportRecord(
        _ backup: Backup,
        host: String,
        caller: Identity,
        requestID: String
    )
        async throws -> JSONValue
    {
        let record = try await BackupRPC.client(bus: bus, host: host).call(
            BackupRPC.ExportRecord(backupID: backup.id),
            context: context(caller, requestID)
        )
        return ["backup_service": .optional(record.backupService), "backup_url": .string(record.backupURL)]
    }

    public func importRecord(
        _ backup: Backup,
        host: String,
        backupService: String,
        backupURL: String,
        otherHosts: [String],
        caller: Identity,
        requestID: String
    ) async throws {
        try await BackupRPC.client(bus: bus, host: host).cast(
            BackupRPC.ImportRecord(
                backupID: backup.id,
                backupService: backupService,
                backupURL: backupURL,
                backupHosts: otherHosts
            ),
            context: context(caller, requestID)
        )
    }

    public func resetStatus(
        _ backup: Backup,
        host: String,
        status: BackupStatus,
        caller: Identity,
        requestID: String
    ) async throws {
        try await BackupRPC.client(bus: bus, host: host).cast(
            BackupRPC.ResetStatus(backupID: backup.id, status: status),
            context: context(caller, requestID)
        )
    }
}

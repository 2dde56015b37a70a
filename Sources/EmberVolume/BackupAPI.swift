import EmberCore
import EmberStore
import Foundation
import Logging

/// A validated `POST /backups` request.
public struct BackupCreateRequest: Sendable {
    public var volumeID: String
    public var name: String?
    public var description: String?
    public var container: String?
    public var incremental: Bool
    public var force: Bool
    public var snapshotID: String?
    public var metadata: [String: String]
    public var availabilityZone: String?

    public init(
        volumeID: String,
        name: String? = nil,
        description: String? = nil,
        container: String? = nil,
        incremental: Bool = false,
        force: Bool = false,
        snapshotID: String? = nil,
        metadata: [String: String] = [:],
        availabilityZone: String? = nil
    ) {
        self.volumeID = volumeID
        self.name = name
        self.description = description
        self.container = container
        self.incremental = incremental
        self.force = force
        self.snapshotID = snapshotID
        self.metadata = metadata
        self.availabilityZone = availabilityZone
    }
}

/// What `POST /backups/{id}/restore` answers.
public struct BackupRestoreResult: Sendable, Equatable {
    public var backupID: String
    public var volumeID: String
    public var volumeName: String?
}

/// `cinder/backup/api.py`: backups of volumes and snapshots, their restore, export and
/// import. A backup marks its volume (or snapshot) while it reads it, through the volume
/// API's transitions; the backup itself moves through ``BackupTransitions``.
public struct BackupAPI: Sendable {
    /// The volume API whose volumes are backed up and restored.
    let volumes: VolumeAPI

    init(volumes: VolumeAPI) {
        self.volumes = volumes
    }

    var store: any VolumeAPIStore { volumes.store }
    var compensations: Compensations { volumes.compensations }
    var clock: any EmberClock { volumes.clock }
    var quotas: QuotaEngine { volumes.quotas }
    var logger: Logger { volumes.logger }
    var configuration: VolumeServiceConfiguration { volumes.configuration }

    /// The volume id cinder gives imported backups (`IMPORT_VOLUME_ID`).
    public static let importVolumeID = "00000000-0000-0000-0000-000000000000"

    /// The casts to the scheduler and the backup services.
    var backupCaster: any BackupWorkCaster {
        get throws {
            guard let caster = volumes.caster as? any BackupWorkCaster else {
                throw EmberError.serviceUnavailable("Service cinder-backup could not be found.")
            }
            return caster
        }
    }

    /// `backup_api.get`: a backup in the caller's project (any project for admins).
    public func get(id: String, caller: Identity) async throws -> Backup {
        try await VolumeAPI.found("Backup \(id)") { () async throws(StoreError) in
            try await store.backup(id: id, scope: caller.isAdmin ? .allProjects : volumes.scope(for: caller))
        }
    }

    /// `backup_api.get_all`.
    public func list(_ query: ListQuery) async throws -> Page<Backup> {
        try await VolumeAPI.page(of: "Backup") { () async throws(StoreError) in try await store.listBackups(query) }
    }

    /// `backup_api.create`: checks the volume (or snapshot), reserves `backups` and
    /// `backup_gigabytes`, picks the parent of an incremental backup, marks the volume
    /// `backing-up` (the snapshot `backing-up`), inserts the backup (`creating`), commits and
    /// casts `create_backup` to the scheduler.
    public func create(
        _ request: BackupCreateRequest,
        volume: Volume,
        caller: Identity,
        requestID: String
    ) async throws -> Backup {
        var snapshot: Snapshot?
        if let snapshotID = request.snapshotID {
            let found = try await volumes.snapshots.get(id: snapshotID, caller: caller)
            guard found.volumeID == volume.id else {
                throw EmberError.badRequest(
                    "Invalid volume: Volume \(volume.id) does not match with snapshot.volume_id \(found.volumeID)."
                )
            }
            guard SnapshotTransitions.backup.allows(found.status) else {
                throw EmberError.badRequest(
                    "Invalid snapshot: Snapshot to be backed up must be available, but the current status is \"\(found.status.rawValue)\"."
                )
            }
            snapshot = found
        } else if !VolumeTransitions.backupSources(force: true).contains(volume.status) {
            throw EmberError.badRequest(
                "Invalid volume: Volume to be backed up must be available or in-use, but the current status is \"\(volume.status.rawValue)\"."
            )
        } else if !VolumeTransitions.backupSources(force: request.force).contains(volume.status) {
            throw EmberError.badRequest("Invalid volume: Backing up an in-use volume must use the force flag.")
        }
        guard let projectID = caller.projectID else {
            throw EmberError.badRequest("A project is required to create a backup.")
        }
        let reservation = try await reserveBackupQuota(projectID: projectID, size: volume.size)
        var committed = false
        var created: Backup?
        var volumeMarked = false
        do {
            var parent: Backup?
            if request.incremental {
                parent = try await latestBackup(of: volume, projectID: projectID, before: snapshot?.createdAt)
                guard let parent, BackupTransitions.parentOfIncremental.allows(parent.status) else {
                    throw EmberError.badRequest("Invalid backup: No backups available to do an incremental backup.")
                }
            }
            if let snapshot {
                guard
                    try await store.apply(SnapshotTransitions.backup, toSnapshot: snapshot.id) != nil
                else {
                    throw EmberError.badRequest(
                        "Invalid snapshot: Snapshot to be backed up must be available, but the current status is \"\(snapshot.status.rawValue)\"."
                    )
                }
            } else {
                guard
                    try await store.apply(
                        VolumeTransitions.backup(from: volume.status),
                        toVolume: volume.id,
                        also: [.previousStatusFromStatus]
                    ) != nil
                else {
                    let current = try await store.volume(id: volume.id, scope: .allProjects)
                    throw EmberError.badRequest(
                        "Invalid volume: Volume to be backed up must be available or in-use, but the current status is \"\(current.status.rawValue)\"."
                    )
                }
            }
            volumeMarked = true
            let now = clock.now
            let backup = try await store.createBackup(
                Backup(
                    volumeID: volume.id,
                    userID: caller.userID,
                    projectID: projectID,
                    size: volume.size,
                    status: .creating,
                    // cinder keeps an incremental of a POSIX backup on its parent's host.
                    host: parent?.host,
                    availabilityZone: request.availabilityZone,
                    displayName: request.name,
                    displayDescription: request.description,
                    container: request.container,
                    parentID: parent?.id,
                    snapshotID: snapshot?.id,
                    dataTimestamp: snapshot?.createdAt ?? now,
                    encryptionKeyID: nil,
                    metadata: request.metadata,
                    createdAt: now
                )
            )
            created = backup
            try await store.commit(reservation)
            committed = true
        } catch {
            if volumeMarked {
                if let snapshot {
                    await compensations.settle("snapshot \(snapshot.id): backupEnded") {
                        try await store.apply(SnapshotTransitions.backupEnded, toSnapshot: snapshot.id)
                    }
                } else {
                    await compensations.settle("volume \(volume.id): backupEnded") {
                        try await store.apply(VolumeTransitions.backupEnded, toVolume: volume.id, given: volume.status)
                    }
                }
            }
            if let created {
                await compensations.settle("backup \(created.id) removed") {
                    try await store.deleteBackup(id: created.id)
                }
            }
            if !committed { await compensations.rollBack(reservation, in: store) }
            throw error
        }
        guard let backup = created else { throw EmberError.internalError }
        logger.info(
            "Backup create request issued successfully.",
            metadata: [
                "backup.id": .string(backup.id), "volume.id": .string(volume.id), "request.id": .string(requestID),
            ]
        )
        do {
            try await backupCaster.createBackup(backup, caller: caller, requestID: requestID)
        } catch {
            logger.error(
                "Cast to the scheduler failed",
                metadata: ["backup.id": .string(backup.id), "error": "\(error)"]
            )
            await compensations.settle("backup \(backup.id): failed") {
                try await store.apply(BackupTransitions.failed, toBackup: backup.id, also: [.failReason("\(error)")])
            }
            throw error
        }
        return backup
    }

    /// The newest `available` backup of the volume (by `data_timestamp`), older than the
    /// snapshot when backing one up; nil when the volume has no backup at all.
    func latestBackup(of volume: Volume, projectID: String, before limit: Date?) async throws -> Backup? {
        let backups = try await store.listBackups(
            ListQuery(
                scope: .project(projectID),
                filters: [.equals("volume_id", volume.id)],
                limit: 10_000
            )
        ).items
        guard !backups.isEmpty else { return nil }
        let eligible = backups.filter { backup in
            guard BackupTransitions.parentOfIncremental.allows(backup.status) else { return false }
            guard let limit else { return true }
            return (backup.dataTimestamp ?? backup.createdAt) < limit
        }
        return eligible.max { ($0.dataTimestamp ?? $0.createdAt) < ($1.dataTimestamp ?? $1.createdAt) }
            ?? backups.first
    }

    /// `QUOTAS.reserve(backups=1, backup_gigabytes=size)` with cinder's over-quota errors.
    func reserveBackupQuota(projectID: String, size: Int) async throws -> QuotaReservation {
        let limits = try await quotas.limits(projectID: projectID, typeNames: [])
        do {
            return try await store.reserve(
                projectID: projectID,
                deltas: ["backups": 1, "backup_gigabytes": size],
                limits: limits,
                expiresAt: quotas.reservationExpiry
            )
        } catch {
            guard case .overQuota(let overs) = error else { throw error }
            if let gigabytes = overs.first(where: { $0.resource == "backup_gigabytes" }) {
                throw QuotaEngine.quotaError(
                    "VolumeBackupSizeExceedsAvailableQuota",
                    "Requested backup exceeds allowed Backup gigabytes quota. Requested \(size)G, quota is \(gigabytes.limit)G and \(gigabytes.inUse + gigabytes.reserved)G has been consumed."
                )
            }
            if let backups = overs.first(where: { $0.resource == "backups" }) {
                throw QuotaEngine.quotaError(
                    "BackupLimitExceeded",
                    "Maximum number of backups allowed (\(backups.limit)) exceeded"
                )
            }
            throw QuotaEngine.overQuotaError(overs, deltas: ["backups": 1, "backup_gigabytes": size])
        }
    }

    /// `backup_api.update`: name, description and (3.43) metadata.
    public func update(
        _ backup: Backup,
        name: String??,
        description: String??,
        metadata: [String: String]?
    ) async throws -> Backup {
        var changes: [BackupUpdate] = []
        if let name { changes.append(.displayName(name)) }
        if let description { changes.append(.displayDescription(description)) }
        if let metadata { _ = try await store.updateBackupMetadata(id: backup.id, metadata, replace: true) }
        return try await store.updateBackup(id: backup.id, changes)
    }

    /// `backup_api.delete`: `available` or `error` (any status with `force`), no incremental
    /// backups built on it; status `deleting`, then `delete_backup` to a backup host.
    public func delete(
        _ backup: Backup,
        force: Bool,
        caller: Identity,
        requestID: String
    )
        async throws
    {
        if !BackupTransitions.delete(force: force).allows(backup.status) {
            throw EmberError.badRequest("Invalid backup: Backup status must be available or error")
        }
        let dependents = try await store.listBackups(
            ListQuery(scope: .allProjects, filters: [.equals("parent_id", backup.id)], limit: 1)
        )
        guard dependents.items.isEmpty else {
            throw EmberError.badRequest("Invalid backup: Incremental backups exist for this backup.")
        }
        let host = try await availableBackupHost(backup.host, availabilityZone: backup.availabilityZone)
        guard
            let updated = try await store.apply(
                BackupTransitions.delete(force: force),
                toBackup: backup.id,
                also: [.host(host)]
            )
        else { throw EmberError.badRequest("Invalid backup: Backup status must be available or error") }
        try await backupCaster.deleteBackup(updated, host: host, caller: caller, requestID: requestID)
    }

    /// `backup_api.restore`: into `volumeID`, or into a new volume of the backup's size
    /// (waited for until it leaves `creating`); the backup becomes `restoring`, the volume
    /// `restoring-backup`, and `restore_backup` goes to a backup host.
    public func restore(
        _ backup: Backup,
        volumeID: String?,
        name: String?,
        caller: Identity,
        requestID: String,
        volumePolicy: @Sendable (Volume) throws -> Void
    ) async throws -> BackupRestoreResult {
        guard BackupTransitions.restore.allows(backup.status) else {
            throw EmberError.badRequest("Invalid backup: Backup status must be available")
        }
        guard let size = backup.size else {
            throw EmberError.badRequest("Invalid backup: Backup to be restored has invalid size")
        }
        var volume: Volume
        let volumeIsNew: Bool
        if let volumeID {
            volume = try await volumes.volume(id: volumeID, caller: caller)
            try volumePolicy(volume)
            volumeIsNew = false
        } else {
            let created = try await volumes.createVolume(
                VolumeCreateRequest(
                    size: size,
                    name: name ?? "restore_backup_\(backup.id)",
                    description: "auto-created_from_restore_from_backup"
                ),
                caller: caller,
                requestID: requestID
            )
            volume = created
            let deadline = ContinuousClock.now + .seconds(300)
            while volume.status == .creating && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(250))
                volume = try await store.volume(id: created.id, scope: .allProjects)
            }
            if volume.status == .error || volume.status == .creating {
                throw EmberError.badRequest(
                    "Invalid volume: Error while creating volume \(created.id) for restoring backup \(backup.id)."
                )
            }
            volumeIsNew = true
        }
        guard VolumeTransitions.restoreBackup.allows(volume.status) else {
            throw EmberError.badRequest("Invalid volume: Volume to be restored to must be available")
        }
        guard size <= volume.size else {
            throw EmberError.badRequest(
                "Invalid volume: volume size \(volume.size) is too small to restore backup of size \(size)."
            )
        }
        let host = try await availableBackupHost(backup.host, availabilityZone: backup.availabilityZone)
        guard
            let restoring = try await store.apply(
                BackupTransitions.restore,
                toBackup: backup.id,
                also: [.host(host), .restoreVolumeID(volume.id)]
            )
        else { throw EmberError.badRequest("Invalid backup: Backup status must be available") }
        guard try await store.apply(VolumeTransitions.restoreBackup, toVolume: volume.id) != nil else {
            await compensations.settle("backup \(backup.id): restoreEnded") {
                try await store.apply(BackupTransitions.restoreEnded, toBackup: backup.id)
            }
            throw EmberError.badRequest("Invalid volume: Volume to be restored to must be available")
        }
        try await backupCaster.restoreBackup(
            restoring,
            host: host,
            volumeID: volume.id,
            volumeIsNew: volumeIsNew,
            caller: caller,
            requestID: requestID
        )
        return BackupRestoreResult(backupID: backup.id, volumeID: volume.id, volumeName: volume.displayName)
    }

    /// `backup_api.export_record`: the backup service's `{"backup_service", "backup_url"}`.
    public func exportRecord(
        _ backup: Backup,
        caller: Identity,
        requestID: String
    ) async throws
        -> JSONValue
    {
        guard BackupTransitions.export.allows(backup.status) else {
            throw EmberError.badRequest(
                "Invalid backup: Backup status must be available and not \(backup.status.rawValue)."
            )
        }
        let host = try await availableBackupHost(backup.host, availabilityZone: backup.availabilityZone)
        if host != backup.host { _ = try await store.updateBackup(id: backup.id, [.host(host)]) }
        return try await backupCaster.exportRecord(backup, host: host, caller: caller, requestID: requestID)
    }

    /// `backup_api.import_record`: decodes the record, reserves quota, inserts the backup
    /// (`creating`, or revives its deleted row) and asks a backup host to import it.
    public func importRecord(
        service: String,
        url: String,
        caller: Identity,
        requestID: String
    ) async throws -> Backup {
        var hosts = try await backupHosts()
        guard !hosts.isEmpty else { throw EmberError.serviceUnavailable("Service \(service) could not be found.") }
        guard let data = Data(base64Encoded: url), let record = try? JSONValue.parse(Array(data)),
            case .object(let fields) = record
        else { throw EmberError.badRequest("Invalid input received: Can't parse backup record.") }
        guard let id = fields["id"]?.stringValue else {
            throw EmberError.badRequest("Invalid input received: Provided backup record is missing an id")
        }
        guard let sizeValue = fields["size"] else {
            throw EmberError.badRequest("Invalid input received: Provided backup record is missing size attribute")
        }
        let size: Int =
            switch sizeValue {
            case .int(let value): value
            case .string(let text): Int(text) ?? 0
            default: 0
            }
        if let existing = try await store.backupIncludingDeleted(id: id), !existing.deleted {
            throw EmberError.badRequest("Invalid backup: Backup already exists in database.")
        }
        guard let projectID = caller.projectID else {
            throw EmberError.badRequest("A project is required to import a backup.")
        }
        let reservation = try await reserveBackupQuota(projectID: projectID, size: size)
        let backup: Backup
        do {
            backup = try await store.importBackup(
                Backup(
                    id: id,
                    volumeID: Self.importVolumeID,
                    userID: caller.userID,
                    projectID: projectID,
                    size: nil,
                    status: .creating
                )
            )
            try await store.commit(reservation)
        } catch {
            await compensations.rollBack(reservation, in: store)
            throw error
        }
        let first = hosts.removeLast()
        try await backupCaster.importRecord(
            backup,
            host: first,
            backupService: service,
            backupURL: url,
            otherHosts: hosts,
            caller: caller,
            requestID: requestID
        )
        return backup
    }

    /// `backup_api.reset_status` (admin action `os-reset_status`).
    public func resetStatus(
        _ backup: Backup,
        status: BackupStatus,
        caller: Identity,
        requestID: String
    ) async throws {
        let host = try await availableBackupHost(backup.host, availabilityZone: backup.availabilityZone)
        if host != backup.host { _ = try await store.updateBackup(id: backup.id, [.host(host)]) }
        try await backupCaster.resetStatus(backup, host: host, status: status, caller: caller, requestID: requestID)
    }

    // MARK: - Backup hosts

    /// The enabled `cinder-backup` services that are up.
    func liveBackupServices() async throws -> [ServiceRecord] {
        let now = clock.now
        return try await store.listServices(host: nil, binary: "cinder-backup", topic: nil, disabled: false)
            .filter {
                abs(now.timeIntervalSince($0.updatedAt ?? $0.createdAt)) <= Double(configuration.serviceDownTime)
            }
    }

    /// `_list_backup_hosts`.
    func backupHosts() async throws -> [String] {
        try await liveBackupServices().map(\.host)
    }

    /// `_get_available_backup_service_host`: the backup's own host when it is up (with
    /// `backup_use_same_host`), else any live backup host of the zone; 404
    /// `Service cinder-backup could not be found.` when none is.
    func availableBackupHost(_ host: String?, availabilityZone: String?) async throws -> String {
        let services = try await liveBackupServices().filter {
            availabilityZone == nil || availabilityZone == "" || $0.availabilityZone == availabilityZone
        }
        if let host, services.contains(where: { $0.host == host }) { return host }
        guard let any = services.randomElement() else {
            throw EmberError.notFound("Service cinder-backup could not be found.")
        }
        return any.host
    }
}

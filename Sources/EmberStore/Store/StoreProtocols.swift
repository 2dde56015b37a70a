import EmberCore
import Foundation

/// Which key/value table of a volume.
public enum VolumeMetadataKind: Sendable, Equatable {
    /// `volume_metadata` (REST `metadata`).
    case user
    /// `volume_admin_metadata`.
    case admin
    /// `volume_glance_metadata` (REST `volume_image_metadata`).
    case image
}

/// Volumes with their metadata (cinder's `volume_*` db API).
public protocol VolumeStore: Sendable {
    /// Inserts the volume with its three metadata maps (`attachments` are ignored) and, in the
    /// same transaction, commits `reservation`: the row and the quota it uses exist together
    /// or not at all, even if the process dies between the two (cinder commits after the
    /// insert, in a transaction of its own).
    func createVolume(_ volume: Volume, committing reservation: QuotaReservation?) async throws(StoreError) -> Volume
    /// The live volume, if visible in `scope`; throws `.notFound`.
    func volume(id: String, scope: ProjectScope) async throws(StoreError) -> Volume
    func listVolumes(_ query: ListQuery) async throws(StoreError) -> Page<Volume>
    /// Applies `changes` (and refreshes `updated_at`); throws `.notFound`.
    func updateVolume(id: String, _ changes: [VolumeUpdate]) async throws(StoreError) -> Volume
    /// Applies `changes` only if `condition` holds at that moment; nil when it did not hold (or
    /// the volume does not exist). Exactly one of several racing callers wins.
    func conditionalUpdateVolume(
        id: String,
        set changes: [VolumeUpdate],
        where condition: VolumeCondition
    )
        async throws(StoreError) -> Volume?
    /// Soft-deletes the volume (status `deleted`) and its metadata and admin metadata.
    func deleteVolume(id: String) async throws(StoreError)
    func volumeMetadata(id: String, kind: VolumeMetadataKind) async throws(StoreError) -> [String: String]
    /// Sets the given keys (`replace: true` first removes every other key); returns the result.
    func updateVolumeMetadata(
        id: String,
        kind: VolumeMetadataKind,
        _ metadata: [String: String],
        replace: Bool
    )
        async throws(StoreError) -> [String: String]
    /// Throws `.metadataKeyNotFound` when the key is not set.
    func deleteVolumeMetadata(id: String, kind: VolumeMetadataKind, key: String) async throws(StoreError)
}

/// Snapshots with their metadata.
public protocol SnapshotStore: Sendable {
    func createSnapshot(_ snapshot: Snapshot) async throws(StoreError) -> Snapshot
    func snapshot(id: String, scope: ProjectScope) async throws(StoreError) -> Snapshot
    func listSnapshots(_ query: ListQuery) async throws(StoreError) -> Page<Snapshot>
    func updateSnapshot(id: String, _ changes: [SnapshotUpdate]) async throws(StoreError) -> Snapshot
    func conditionalUpdateSnapshot(
        id: String,
        set changes: [SnapshotUpdate],
        where condition: SnapshotCondition
    )
        async throws(StoreError) -> Snapshot?
    /// Soft-deletes the snapshot (status `deleted`) and its metadata.
    func deleteSnapshot(id: String) async throws(StoreError)
    func updateSnapshotMetadata(
        id: String,
        _ metadata: [String: String],
        replace: Bool
    ) async throws(StoreError)
        -> [String: String]
    func deleteSnapshotMetadata(id: String, key: String) async throws(StoreError)
}

/// Volume types, extra specs and private-type access.
public protocol VolumeTypeStore: Sendable {
    /// Throws `.volumeTypeExists` when a live type has the name.
    func createVolumeType(_ type: VolumeType) async throws(StoreError) -> VolumeType
    func volumeType(id: String) async throws(StoreError) -> VolumeType
    func volumeType(name: String) async throws(StoreError) -> VolumeType
    /// Types visible in `query.scope`: every type for `.allProjects`; public types plus the
    /// private types the project was given access to for `.project`. Filter `is_public` works.
    func listVolumeTypes(_ query: ListQuery) async throws(StoreError) -> Page<VolumeType>
    func updateVolumeType(id: String, _ changes: [VolumeTypeUpdate]) async throws(StoreError) -> VolumeType
    /// Throws `.volumeTypeInUse` while live volumes use it, `.volumeTypeIsProjectDefault`
    /// while a project has it as its default.
    func deleteVolumeType(id: String) async throws(StoreError)
    func updateExtraSpecs(volumeTypeID: String, _ specs: [String: String]) async throws(StoreError) -> [String: String]
    func deleteExtraSpec(volumeTypeID: String, key: String) async throws(StoreError)
    func addVolumeTypeAccess(volumeTypeID: String, projectID: String) async throws(StoreError)
    func removeVolumeTypeAccess(volumeTypeID: String, projectID: String) async throws(StoreError)
    func volumeTypeAccess(volumeTypeID: String) async throws(StoreError) -> [String]
    /// Makes `volumeTypeID` the default type of `projectID` (replacing any; `.notFound` when
    /// the type is gone).
    func setProjectDefaultVolumeType(
        projectID: String,
        volumeTypeID: String
    ) async throws(StoreError) -> ProjectDefaultVolumeType
    /// The default type of `projectID`; nil when it has none.
    func projectDefaultVolumeType(projectID: String) async throws(StoreError) -> ProjectDefaultVolumeType?
    /// Every project's default type, by project id.
    func listProjectDefaultVolumeTypes() async throws(StoreError) -> [ProjectDefaultVolumeType]
    /// Removes the default type of `projectID` (nothing to remove is no error, as cinder).
    func unsetProjectDefaultVolumeType(projectID: String) async throws(StoreError)
}

/// Attachment rows (`volume_attachment`).
public protocol AttachmentStore: Sendable {
    func createAttachment(_ attachment: VolumeAttachment) async throws(StoreError) -> VolumeAttachment
    func attachment(id: String) async throws(StoreError) -> VolumeAttachment
    /// Scoped by the volume's project. Filters on `volume_id`, `instance_uuid`, `attach_status`.
    func listAttachments(_ query: ListQuery) async throws(StoreError) -> Page<VolumeAttachment>
    func updateAttachment(id: String, _ changes: [AttachmentUpdate]) async throws(StoreError) -> VolumeAttachment
    /// Soft-deletes the row (attach_status `deleted`).
    func deleteAttachment(id: String) async throws(StoreError)
}

/// ServiceRecord rows and heartbeats.
public protocol ServiceStore: Sendable {
    /// Inserts the service; the returned value carries the assigned integer id.
    func createService(_ service: ServiceRecord) async throws(StoreError) -> ServiceRecord
    func service(id: Int) async throws(StoreError) -> ServiceRecord
    func service(host: String, binary: String) async throws(StoreError) -> ServiceRecord
    /// Live services, filtered by any of host, binary, topic, disabled.
    func listServices(
        host: String?,
        binary: String?,
        topic: String?,
        disabled: Bool?
    ) async throws(StoreError)
        -> [ServiceRecord]
    func updateService(id: Int, _ changes: [ServiceUpdate]) async throws(StoreError) -> ServiceRecord
    /// Applies `changes` only while the row meets `condition`, in one statement; nil when it
    /// no longer does (another request won).
    func conditionalUpdateService(
        id: Int,
        set changes: [ServiceUpdate],
        where condition: ServiceCondition
    ) async throws(StoreError) -> ServiceRecord?
    /// `report_count += 1`, `updated_at = now`.
    func recordHeartbeat(serviceID: Int) async throws(StoreError) -> ServiceRecord
    func deleteService(id: Int) async throws(StoreError)
    /// The cluster `name` of `binary`, created (enabled) when there is none yet; two
    /// services starting at once find the same row (cinder's `Cluster.create` with
    /// `ClusterExists` caught).
    func ensureCluster(name: String, binary: String) async throws(StoreError) -> ClusterRecord
    /// Live clusters, by exact name and binary when given, in id order.
    func listClusters(name: String?, binary: String?) async throws(StoreError) -> [ClusterRecord]
    func updateCluster(id: Int, _ changes: [ClusterUpdate]) async throws(StoreError) -> ClusterRecord
    /// cinder's `set_worker`: the resource's `workers` row now says `status`, worked on by
    /// `serviceID` (created, or taken over when one exists).
    func setWorker(resourceType: String, resourceID: String, status: String, serviceID: Int?) async throws(StoreError)
    /// The resource's `workers` row is removed (its work ended).
    func removeWorker(resourceType: String, resourceID: String) async throws(StoreError)
    /// `worker_get_all`: rows by any of resource, owner, and last changed no later than `until`.
    func listWorkers(
        resourceType: String?,
        resourceID: String?,
        serviceID: Int?,
        until: Date?
    ) async throws(StoreError) -> [WorkerRecord]
    /// `worker_claim_for_cleanup`: the row passes to `claimerID` only while it still belongs to
    /// the service it had and is unchanged since; false when another got there first.
    func claimWorker(_ worker: WorkerRecord, claimerID: Int) async throws(StoreError) -> Bool
    /// Applies `changes` only while the row meets `condition`; nil when it no longer does.
    func conditionalUpdateCluster(
        id: Int,
        set changes: [ClusterUpdate],
        where condition: ServiceCondition
    ) async throws(StoreError) -> ClusterRecord?
}

/// Backup rows.
public protocol BackupStore: Sendable {
    func createBackup(_ backup: Backup) async throws(StoreError) -> Backup
    func backup(id: String, scope: ProjectScope) async throws(StoreError) -> Backup
    func listBackups(_ query: ListQuery) async throws(StoreError) -> Page<Backup>
    func updateBackup(id: String, _ changes: [BackupUpdate]) async throws(StoreError) -> Backup
    /// Applies `changes` only when the status is one of `status`; nil otherwise.
    func conditionalUpdateBackup(
        id: String,
        set changes: [BackupUpdate],
        whereStatusIn status: Set<BackupStatus>
    )
        async throws(StoreError) -> Backup?
    func deleteBackup(id: String) async throws(StoreError)
    /// The row whether or not it is deleted; nil when there is none.
    func backupIncludingDeleted(id: String) async throws(StoreError) -> Backup?
    /// Inserts an imported backup, or revives its deleted row; `.backupExists` when a live
    /// backup has the id.
    func importBackup(_ backup: Backup) async throws(StoreError) -> Backup
    /// `num_dependent_backups += delta` (never below 0): `backup_add_dependent` /
    /// `backup_remove_dependent`.
    func adjustDependentBackups(id: String, by delta: Int) async throws(StoreError)
    /// Sets backup metadata (`replace` drops the other keys); returns all of it.
    func updateBackupMetadata(
        id: String,
        _ metadata: [String: String],
        replace: Bool
    ) async throws(StoreError) -> [String: String]
}

/// Quota limits, usages and reservations (cinder's `DbQuotaDriver` storage).
public protocol QuotaStore: Sendable {
    /// Per-project limits (`quotas`), by resource.
    func projectQuotas(projectID: String) async throws(StoreError) -> [String: Int]
    func setProjectQuota(projectID: String, resource: String, hardLimit: Int) async throws(StoreError)
    /// Removes every per-project limit (usages and reservations stay).
    func deleteProjectQuotas(projectID: String) async throws(StoreError)
    /// Limits of a quota class (`quota_classes`), by resource.
    func quotaClass(name: String) async throws(StoreError) -> [String: Int]
    func setQuotaClass(name: String, resource: String, hardLimit: Int) async throws(StoreError)
    func quotaUsages(projectID: String) async throws(StoreError) -> [String: QuotaUsage]
    /// Reserves `deltas` if, for every positive delta, `in_use + reserved + delta <= limit`
    /// (a limit of -1, or a resource missing from `limits`, is unlimited). Missing usage rows
    /// are created from the current table contents. Throws `.overQuota` listing every resource
    /// that would go over. Safe under concurrency: the usage rows are locked (PostgreSQL
    /// `SELECT … FOR UPDATE`; SQLite serialises write transactions).
    func reserve(
        projectID: String,
        deltas: [String: Int],
        limits: [String: Int],
        expiresAt: Date
    )
        async throws(StoreError) -> QuotaReservation
    /// Moves reserved amounts into `in_use` (negative deltas reduce usage, never below 0).
    func commit(_ reservation: QuotaReservation) async throws(StoreError)
    /// Releases reserved amounts.
    func rollback(_ reservation: QuotaReservation) async throws(StoreError)
    /// Rolls back every reservation whose expiry is before `now`; returns how many.
    func expireReservations(now: Date) async throws(StoreError) -> Int
}

/// User messages (API 3.3).
public protocol MessageStore: Sendable {
    func createMessage(_ message: UserMessage) async throws(StoreError) -> UserMessage
    func message(id: String, scope: ProjectScope) async throws(StoreError) -> UserMessage
    func listMessages(_ query: ListQuery) async throws(StoreError) -> Page<UserMessage>
    func deleteMessage(id: String) async throws(StoreError)
    /// Deletes messages whose `expires_at` is before `now`; returns how many.
    func deleteExpiredMessages(now: Date) async throws(StoreError) -> Int
}

/// Everything the volume API and the workers need from the database.
public typealias BlockStorageStore = VolumeStore & SnapshotStore & VolumeTypeStore & AttachmentStore & ServiceStore
    & TransferStore & QoSSpecsStore & EncryptionStore & GroupTypeStore & GroupStore & GroupSnapshotStore
    & BackupStore & QuotaStore & MessageStore

extension VolumeStore {
    /// Inserts the volume with no quota reservation to commit (workers and tests).
    public func createVolume(_ volume: Volume) async throws(StoreError) -> Volume {
        try await createVolume(volume, committing: nil)
    }
}

import EmberCore
import EmberRPC

/// What the volume API asks the scheduler and the volume workers to do: the casts of
/// `cinder/scheduler/rpcapi.py` and `cinder/volume/rpcapi.py` that the volume operations
/// send. The bus-backed implementation lives with the workers; the API only needs this.
public protocol VolumeWorkCaster: ServiceWorkCaster {
    /// `scheduler_rpcapi.get_pools`: the pools the scheduler knows (a call).
    func getPools(filters: JSONObject, caller: Identity, requestID: String) async throws -> JSONValue
    /// `volume_rpcapi.get_capabilities`: a backend's capabilities (a call).
    func getCapabilities(backend: String, caller: Identity, requestID: String) async throws -> JSONValue
    /// `scheduler_rpcapi.create_volume`: place a new volume and have a backend create it.
    func createVolume(_ volume: Volume, spec: VolumeRequestSpec, caller: Identity, requestID: String) async throws
    /// `volume_rpcapi.delete_volume`: the volume's backend deletes it (status `deleting`).
    func deleteVolume(_ volume: Volume, cascade: Bool, caller: Identity, requestID: String) async throws
    /// `scheduler_rpcapi.create_snapshot`: the scheduler hands the new snapshot (status
    /// `creating`) to the volume's backend.
    func createSnapshot(_ snapshot: Snapshot, of volume: Volume, caller: Identity, requestID: String) async throws
    /// `volume_rpcapi.delete_snapshot`: the volume's backend deletes the snapshot (`deleting`).
    func deleteSnapshot(_ snapshot: Snapshot, of volume: Volume, caller: Identity, requestID: String) async throws
    /// `scheduler_rpcapi.extend_volume`: the scheduler checks room on the volume's backend,
    /// which grows it (status `extending`) and commits `reservation`.
    func extendVolume(
        _ volume: Volume,
        newSize: Int,
        reservation: QuotaReservation,
        caller: Identity,
        requestID: String
    ) async throws
    /// `scheduler_rpcapi.retype`: the scheduler finds a backend for the new type (the current
    /// one first), then the volume's backend retypes it (status `retyping`).
    func retypeVolume(_ volume: Volume, _ retype: RetypeRequest, caller: Identity, requestID: String) async throws
    /// `scheduler_rpcapi.migrate_volume`: the scheduler checks that `backend` (`HOST@BACKEND[#POOL]`
    /// or a cluster) takes the volume, then the volume's backend migrates it there.
    func migrateVolume(
        _ volume: Volume,
        backend: String,
        forceHostCopy: Bool,
        caller: Identity,
        requestID: String
    ) async throws
    /// `volume_rpcapi.migrate_volume_completion` (a call to the source volume's backend):
    /// returns the id the volume is kept under.
    func migrateVolumeCompletion(
        _ volume: Volume,
        newVolume: Volume,
        error: Bool,
        caller: Identity,
        requestID: String
    ) async throws -> String
    /// `volume_rpcapi.revert_to_snapshot`: the backend puts the snapshot's data back
    /// (volume `reverting`, snapshot `restoring`).
    func revertToSnapshot(_ volume: Volume, snapshot: Snapshot, caller: Identity, requestID: String) async throws
    /// `volume_rpcapi.copy_volume_to_image`: the backend streams the volume (status
    /// `uploading`) into the queued image, then puts the volume back to its status.
    func copyVolumeToImage(_ volume: Volume, imageID: String, caller: Identity, requestID: String) async throws
    /// `volume_rpcapi.reimage`: the backend writes the image over the volume (status
    /// `downloading`), then puts the volume back to its status.
    func reimage(_ volume: Volume, imageID: String, caller: Identity, requestID: String) async throws
    /// `volume_rpcapi.attach_volume` (a call): the backend records the attachment; the
    /// volume ends `in-use`. Returns the attachment row as JSON.
    func attachVolume(
        _ volume: Volume,
        attach: AttachRequest,
        caller: Identity,
        requestID: String
    ) async throws
        -> JSONValue
    /// `volume_rpcapi.detach_volume` (a call): the backend removes the attachment.
    func detachVolume(_ volume: Volume, attachmentID: String?, caller: Identity, requestID: String) async throws
    /// `volume_rpcapi.initialize_connection` (a call): the connection info from the driver.
    func initializeConnection(
        _ volume: Volume,
        connector: JSONValue,
        caller: Identity,
        requestID: String
    )
        async throws -> JSONValue
    /// `volume_rpcapi.terminate_connection` (a call).
    func terminateConnection(
        _ volume: Volume,
        connector: JSONValue,
        force: Bool,
        caller: Identity,
        requestID: String
    ) async throws
    /// `volume_rpcapi.attachment_update` (a call, 3.9): the backend connects `attachmentID`
    /// for `connector`; returns the flattened connection info.
    func attachmentUpdate(
        _ volume: Volume,
        connector: JSONValue,
        attachmentID: String,
        caller: Identity,
        requestID: String
    ) async throws -> JSONValue
    /// `volume_rpcapi.attachment_delete` (a call, 3.9): the backend terminates the
    /// attachment's connection.
    func attachmentDelete(_ volume: Volume, attachmentID: String, caller: Identity, requestID: String) async throws
    /// `volume_rpcapi.extend_volume_completion` (a cast, 3.19): the backend finishes an extend
    /// left `extending` (`os-extend_volume_completion`).
    func extendVolumeCompletion(
        _ volume: Volume,
        newSize: Int,
        reservations: [String],
        error: Bool,
        caller: Identity,
        requestID: String
    ) async throws
    /// `scheduler_rpcapi.manage_existing`: the scheduler checks the volume's backend, which
    /// adopts the object `spec.ref` names (status `managing`).
    func manageExisting(_ volume: Volume, spec: ManageRequestSpec, caller: Identity, requestID: String) async throws
    /// `scheduler_rpcapi.manage_existing_snapshot`: the scheduler checks the volume's backend,
    /// which adopts the object `ref` names as the snapshot (status `creating`).
    func manageExistingSnapshot(
        _ snapshot: Snapshot,
        of volume: Volume,
        ref: JSONValue,
        caller: Identity,
        requestID: String
    ) async throws
    /// `volume_rpcapi.get_manageable_volumes` (a call to `backend`, `HOST@BACKEND`).
    func getManageableVolumes(
        backend: String,
        paging: ManageablePaging,
        caller: Identity,
        requestID: String
    ) async throws -> [ManageableResource]
    /// `volume_rpcapi.get_manageable_snapshots` (a call to `backend`).
    func getManageableSnapshots(
        backend: String,
        paging: ManageablePaging,
        caller: Identity,
        requestID: String
    ) async throws -> [ManageableResource]
    /// `volume_rpcapi.delete_volume(unmanage_only=True)`: the backend lets the volume go
    /// (status `unmanaging`), its data stays.
    func unmanageVolume(_ volume: Volume, caller: Identity, requestID: String) async throws
    /// `volume_rpcapi.delete_snapshot(unmanage_only=True)` (status `unmanaging`).
    func unmanageSnapshot(_ snapshot: Snapshot, of volume: Volume, caller: Identity, requestID: String) async throws
    /// `volume_rpcapi.accept_transfer` (a call, 3.16): the backend learns that the volume
    /// changes hands to `newUser`/`newProject`.
    func acceptTransfer(
        _ volume: Volume,
        newUser: String,
        newProject: String,
        noSnapshots: Bool,
        caller: Identity,
        requestID: String
    ) async throws
}

/// What `os-retype` hands the scheduler: cinder's retype `request_spec`.
public struct RetypeRequest: Sendable, Equatable {
    public var newType: VolumeType
    /// `never` (the default) or `on-demand`.
    public var migrationPolicy: String?
    /// The new type's reservation (`quota_reservations`).
    public var reservation: QuotaReservation
    /// The old type's negative reservation (`old_reservations`).
    public var oldReservation: QuotaReservation
    /// The new type's zones, or the volume's.
    public var availabilityZones: [String]

    public init(
        newType: VolumeType,
        migrationPolicy: String?,
        reservation: QuotaReservation,
        oldReservation: QuotaReservation,
        availabilityZones: [String]
    ) {
        self.newType = newType
        self.migrationPolicy = migrationPolicy
        self.reservation = reservation
        self.oldReservation = oldReservation
        self.availabilityZones = availabilityZones
    }
}

/// The arguments of a legacy `os-attach`.
public struct AttachRequest: Sendable, Equatable {
    public var instanceUUID: String?
    public var hostName: String?
    public var mountpoint: String
    /// `rw` or `ro`.
    public var mode: String

    public init(instanceUUID: String?, hostName: String?, mountpoint: String, mode: String) {
        self.instanceUUID = instanceUUID
        self.hostName = hostName
        self.mountpoint = mountpoint
        self.mode = mode
    }
}

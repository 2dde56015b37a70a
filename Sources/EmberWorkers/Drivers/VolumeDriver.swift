import EmberCore
import EmberImage

/// What a volume backend does with real storage: cinder's `VolumeDriver` interface, reduced
/// to what Ember's volume manager uses. Sizes are GiB.
public protocol VolumeDriver: Sendable {
    /// Prepares the backend at start-up (creates directories, checks access): `do_setup`.
    func setUp() async throws
    /// Creates an empty volume of `size` GiB.
    func createVolume(id: String, size: Int) async throws
    /// Creates a volume from a snapshot's data, then grows it to `size` GiB if larger.
    func createVolume(id: String, size: Int, fromSnapshot snapshotID: String) async throws
    /// Creates a volume as a copy of another volume of this backend, grown to `size` GiB.
    func createVolume(id: String, size: Int, cloneOf sourceID: String) async throws
    /// Deletes a volume; a volume that does not exist is already deleted.
    func deleteVolume(id: String) async throws
    /// Grows a volume to `newSize` GiB.
    func extendVolume(id: String, newSize: Int) async throws
    /// Takes a snapshot of a volume.
    func createSnapshot(id: String, volumeID: String) async throws
    /// Deletes a snapshot; a snapshot that does not exist is already deleted.
    func deleteSnapshot(id: String) async throws
    /// Puts a snapshot's data back into its volume.
    func revertToSnapshot(volumeID: String, snapshotID: String) async throws
    /// Changes a volume's type in place (`retype`): true when the backend can serve the new
    /// type's extra specs without moving the data, false when the volume must be migrated.
    func retype(volumeID: String, newExtraSpecs: [String: String]) async throws -> Bool
    /// After a migration to this backend (`update_migrated_volume`): the data created for the
    /// temporary volume `newVolumeID` takes the original volume's name. Returns the `_name_id`
    /// the original volume must keep, or nil when the data now goes by the original id.
    func updateMigratedVolume(originalID: String, newVolumeID: String) async throws -> String?
    /// Fills the volume (`size` GiB) with the image's data, converted to raw
    /// (`copy_image_to_volume`); replaces what the volume held.
    func copyImageToVolume(
        id: String,
        size: Int,
        image: GlanceImage,
        images: GlanceClient,
        caller: GlanceClient.Caller
    ) async throws
    /// Uploads the volume's data into the queued image, in the image's disk format
    /// (`copy_volume_to_image`).
    func copyVolumeToImage(
        id: String,
        image: GlanceImage,
        images: GlanceClient,
        caller: GlanceClient.Caller
    )
        async throws
    /// The connection info a host uses to reach the volume (`initialize_connection`).
    func connectionInfo(volumeID: String) async throws -> JSONValue
    /// Whether the volume's data exists on the backend.
    func volumeExists(id: String) async -> Bool
    /// The backend's capacity now.
    func capacity() async throws -> DriverCapacity
    /// The volume changes hands (`accept_transfer`): the changes to write to the volume for
    /// a backend that ties provider data (CHAP credentials, …) to the project; empty for none.
    func acceptTransfer(volumeID: String, newUser: String, newProject: String) async throws -> [VolumeUpdate]

    // MARK: Manage existing (`ManageableVD`, `ManageableSnapshotsVD`)

    /// `get_manageable_volumes`: the backend's objects that could become volumes, unsorted;
    /// one that volume `id` of `ownedIDs` already is shows `cinder_id` and is not safe.
    func manageableVolumes(ownedIDs: Set<String>) async throws -> [ManageableResource]
    /// `get_manageable_snapshots`: as ``manageableVolumes(ownedIDs:)``, `owned` mapping each
    /// snapshot id of this backend to its volume's id.
    func manageableSnapshots(owned: [String: String]) async throws -> [ManageableResource]
    /// `manage_existing_get_size`: the size in GiB of the object `ref` names; a bad reference
    /// throws.
    func manageExistingGetSize(ref: JSONValue) async throws -> Int
    /// `manage_existing`: the object `ref` names becomes volume `volumeID`.
    func manageExisting(volumeID: String, ref: JSONValue) async throws
    /// `manage_existing_snapshot`: the object `ref` names becomes snapshot `snapshotID`.
    func manageExistingSnapshot(snapshotID: String, ref: JSONValue) async throws
    /// `unmanage`: the backend forgets nothing of the data; the volume leaves management.
    func unmanage(volumeID: String) async throws
    /// `unmanage_snapshot`.
    func unmanageSnapshot(snapshotID: String) async throws
}

/// The capacity a driver reports, in GiB.
public struct DriverCapacity: Sendable, Equatable {
    public var totalGiB: Double
    public var freeGiB: Double

    public init(totalGiB: Double, freeGiB: Double) {
        self.totalGiB = totalGiB
        self.freeGiB = freeGiB
    }
}

/// Why a driver operation failed.
public struct DriverError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

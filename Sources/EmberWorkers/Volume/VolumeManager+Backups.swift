import EmberBus
import EmberCore
import EmberStore
import Foundation

extension VolumeManager {
    /// `initialize_connection_snapshot(snapshot_id, connector)` (a call, RPC 3.13): the local
    /// path of a snapshot's data, for the backup service to read.
    func initializeConnectionSnapshot(_ envelope: Envelope) async throws -> JSONValue {
        guard let id = Self.id(envelope.arguments, "snapshot") else {
            throw DriverError("initialize_connection_snapshot needs snapshot_id")
        }
        guard try await liveSnapshot(id) != nil else { throw DriverError("Snapshot \(id) could not be found.") }
        guard let files = driver as? FileDriver else {
            throw DriverError("The volume driver cannot attach snapshots.")
        }
        return ["driver_volume_type": "local", "data": ["device_path": .string(files.snapshotPath(id))]]
    }
}

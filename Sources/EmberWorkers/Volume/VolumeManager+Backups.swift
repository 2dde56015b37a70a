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

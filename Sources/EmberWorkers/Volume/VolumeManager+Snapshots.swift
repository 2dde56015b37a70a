import EmberBus
import EmberCore
import EmberRPC
import EmberStore
import Foundation

extension VolumeManager {
    /// `create_snapshot(snapshot_id)`: copies the volume's data; `creating` → `available`
    /// (or `error` with a user message).
    func createSnapshot(_ message: VolumeRPC.CreateSnapshot, context: RPCContext) async throws -> RPCNoReply {
        let id = message.snapshotID
        guard let snapshot = try await liveSnapshot(id) else { return RPCNoReply() }
        return try await serialized(snapshot.volumeID) {
            guard let current = try await liveSnapshot(id), SnapshotTransitions.created.allows(current.status) else {
                return RPCNoReply()
            }
            do {
                try await driver.createSnapshot(id: id, volumeID: current.volumeID)
            } catch {
                logger.error("Snapshot creation failed", metadata: ["snapshot.id": .string(id), "error": "\(error)"])
                try await store.apply(SnapshotTransitions.createFailed, toSnapshot: id)
                await messages.record(
                    .snapshotCreate,
                    .snapshotCreateError,
                    resourceType: "VOLUME_SNAPSHOT",
                    resourceID: id,
                    projectID: current.projectID,
                    context: context
                )
                return RPCNoReply()
            }
            try await store.apply(SnapshotTransitions.created, toSnapshot: id, also: [.progress("100%")])
            logger.info("Created snapshot", metadata: ["snapshot.id": .string(id)])
            return RPCNoReply()
        }
    }

    /// `delete_snapshot(snapshot_id, unmanage_only)`: removes the data, soft-deletes the row
    /// and gives the quota back; a driver failure sets `error_deleting`.
    func deleteSnapshot(_ message: VolumeRPC.DeleteSnapshot, context: RPCContext) async throws -> RPCNoReply {
        let id = message.snapshotID
        guard let snapshot = try await liveSnapshot(id) else { return RPCNoReply() }
        return try await serialized(snapshot.volumeID) {
            guard let current = try await liveSnapshot(id) else { return RPCNoReply() }
            let unmanageOnly = message.unmanageOnly == true
            do {
                if unmanageOnly {
                    try await driver.unmanageSnapshot(snapshotID: id)
                } else {
                    try await driver.deleteSnapshot(id: id)
                }
            } catch {
                logger.error("Snapshot deletion failed", metadata: ["snapshot.id": .string(id), "error": "\(error)"])
                try await store.apply(
                    unmanageOnly ? SnapshotTransitions.unmanageFailed : SnapshotTransitions.deleteFailed,
                    toSnapshot: id
                )
                return RPCNoReply()
            }
            try await store.deleteSnapshot(id: id)
            do {
                try await releaseSnapshotQuota(current)
            } catch {
                logger.error("Failed to update usages deleting snapshot", metadata: ["snapshot.id": .string(id)])
            }
            logger.info("Deleted snapshot", metadata: ["snapshot.id": .string(id)])
            return RPCNoReply()
        }
    }

    /// `revert_to_snapshot(volume_id, snapshot_id)`: puts the snapshot's data back; the volume
    /// goes `reverting` → `available` and the snapshot `restoring` → `available`. A failure
    /// sets the volume `error` (the snapshot goes back to `available`), as cinder does.
    func revertToSnapshot(_ message: VolumeRPC.RevertToSnapshot, context: RPCContext) async throws -> RPCNoReply {
        let volumeID = message.volumeID
        let snapshotID = message.snapshotID
        return try await serialized(volumeID) {
            var reverted = true
            do {
                try await driver.revertToSnapshot(volumeID: volumeID, snapshotID: snapshotID)
            } catch {
                logger.error("Revert failed", metadata: ["volume.id": .string(volumeID), "error": "\(error)"])
                reverted = false
            }
            try await store.apply(
                reverted ? VolumeTransitions.reverted : VolumeTransitions.revertFailed,
                toVolume: volumeID
            )
            try await store.apply(SnapshotTransitions.restored, toSnapshot: snapshotID)
            return RPCNoReply()
        }
    }

    func liveSnapshot(_ id: String) async throws -> Snapshot? {
        try await store.liveSnapshot(id: id)
    }
}

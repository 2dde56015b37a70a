import EmberBus
import EmberCore
import EmberRPC
import EmberStore

/// The volume service's side of a volume transfer (`cinder/volume/manager.py:accept_transfer`).
extension VolumeManager {
    /// `accept_transfer(volume_id, new_user, new_project, no_snapshots)` (a call): the API asks
    /// before it writes the new owner; the driver may return changes for the volume (provider
    /// data tied to the project), which are written here. A failed write leaves the volume
    /// `error`, as cinder does, and fails the call so the API moves nothing.
    func acceptTransfer(_ message: VolumeRPC.AcceptTransfer, context: RPCContext) async throws {
        let id = message.volumeID
        try await serialized(id) {
            guard try await liveVolume(id) != nil else {
                throw EmberError.notFound("Volume \(id) could not be found.")
            }
            let update = try await driver.acceptTransfer(
                volumeID: id,
                newUser: message.newUser,
                newProject: message.newProject
            )
            if !update.isEmpty {
                do {
                    _ = try await store.updateVolume(id: id, update)
                } catch {
                    logger.error(
                        "Update volume model for transfer operation failed.",
                        metadata: ["volume.id": .string(id), "error": "\(error)"]
                    )
                    _ = try? await store.apply(VolumeTransitions.transferAcceptFailed, toVolume: id)
                    throw error
                }
            }
            logger.info(
                "Transfer volume completed successfully.",
                metadata: ["volume.id": .string(id), "request.id": .string(context.requestID)]
            )
        }
    }
}

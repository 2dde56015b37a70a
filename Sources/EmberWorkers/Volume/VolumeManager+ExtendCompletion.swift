import EmberBus
import EmberCore
import EmberRPC
import EmberStore
import Foundation

extension VolumeManager {
    /// `extend_volume_completion(volume, new_size, reservations, error)` (a cast, 3.19): with
    /// `error` the reservation is rolled back and the volume goes `error_extending`; else the
    /// reservation is committed and the volume takes the new size and goes back to
    /// `available`, or `in-use` when it has attachments (cinder's rule). Applied only while the
    /// volume is still `extending`.
    func extendVolumeCompletion(
        _ message: VolumeRPC.ExtendVolumeCompletion,
        context: RPCContext
    ) async throws
        -> RPCNoReply
    {
        let id = message.volumeID
        return try await serialized(id) {
            guard let volume = try await liveVolume(id) else { return RPCNoReply() }
            let reservation = volume.projectID.map { QuotaReservation(projectID: $0, uuids: message.reservations) }
            if message.error {
                logger.error("Failed to extend volume.", metadata: ["volume.id": .string(id)])
                if let reservation, !message.reservations.isEmpty { try await store.rollback(reservation) }
                try await store.apply(VolumeTransitions.extendFailed, toVolume: id)
                await messages.record(
                    .extendVolume,
                    .driverFailedExtend,
                    resourceID: id,
                    projectID: volume.projectID,
                    context: context
                )
                return RPCNoReply()
            }
            if let reservation, !message.reservations.isEmpty { try await store.commit(reservation) }
            try await store.apply(
                VolumeTransitions.extended,
                toVolume: id,
                given: volume.attachments.isEmpty ? .available : .inUse,
                also: [.size(message.newSize)]
            )
            logger.info("Extend volume completed successfully.", metadata: ["volume.id": .string(id)])
            return RPCNoReply()
        }
    }
}

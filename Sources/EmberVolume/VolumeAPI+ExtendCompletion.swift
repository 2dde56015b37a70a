import EmberCore
import EmberStore
import Foundation
import Logging

/// `os-extend_volume_completion` (3.71, `volume/api.py:extend_volume_completion`): a
/// driver that extends a volume only once the compute service has acted leaves it
/// `extending` with the `extend_new_size` and `extend_reservations` admin metadata; the
/// compute service then calls this to finish (or fail) the extend.
extension VolumeAPI {
    /// The volume must be `extending` (``VolumeTransitions/extended``'s rule) with a
    /// well-formed `extend_new_size` above its size and an `extend_reservations` JSON list
    /// (each refusal a 400 `InvalidVolume` worded as cinder); both keys are dropped, then the
    /// backend finishes the extend (a cast).
    public nonisolated func extendVolumeCompletion(
        id: String,
        error: Bool,
        caller: Identity,
        requestID: String
    ) async throws {
        try await exclusively(onVolume: id) {
            let volume = try await self.volume(id: id, caller: caller)
            guard VolumeTransitions.extended.allows(volume.status) else {
                throw EmberError.badRequest("Invalid volume: Volume is not being extended.")
            }
            let malformed = EmberError.badRequest(
                "Invalid volume: Required volume admin metadata is malformed or missing."
            )
            guard let sizeText = volume.adminMetadata["extend_new_size"],
                let newSize = Int(sizeText.trimmingCharacters(in: .whitespaces)),
                let reservationsText = volume.adminMetadata["extend_reservations"],
                let reservations = try? JSONValue.parse(reservationsText)
            else { throw malformed }
            if newSize <= volume.size {
                throw EmberError.badRequest(
                    "Invalid volume: The target volume size provided in volume admin metadata \(sizeText) is smaller or equal to the current volume size."
                )
            }
            guard case .array(let items) = reservations else {
                throw EmberError.badRequest(
                    "Invalid volume: The stored quota reservations for extending the volume must be in a list format."
                )
            }
            for key in ["extend_new_size", "extend_reservations"] {
                try await store.deleteVolumeMetadata(id: id, kind: .admin, key: key)
            }
            try await caster.extendVolumeCompletion(
                volume,
                newSize: newSize,
                reservations: items.compactMap(\.stringValue),
                error: error,
                caller: caller,
                requestID: requestID
            )
            logger.info("Extend volume completion issued successfully.", metadata: ["volume.id": .string(id)])
        }
    }
}

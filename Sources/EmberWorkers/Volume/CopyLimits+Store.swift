import EmberCore
import EmberStore
import Logging

extension CopyLimits {
    /// The back-end QoS limits of `volume`'s type (its spec when the consumer is `back-end` or
    /// `both`), for the copies a manager runs for it. A type without specs, or one deleted
    /// meanwhile, limits nothing; a store that cannot be read is logged and limits nothing
    /// either, rather than failing the copy.
    static func of(_ volume: Volume, store: any QoSSpecsStore, logger: Logger) async -> CopyLimits {
        do {
            return CopyLimits(try await store.qosSpecs(ofVolumeType: volume.volumeTypeID), sizeGiB: volume.size)
        } catch {
            if case .notFound = error { return .none }
            logger.warning(
                "Cannot read the QoS specs of the volume's type; the copy is not limited",
                metadata: ["volume.id": .string(volume.id), "error": "\(error)"]
            )
            return .none
        }
    }
}

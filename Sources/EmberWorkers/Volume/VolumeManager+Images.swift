import EmberBus
import EmberCore
import EmberImage
import EmberStore
import Foundation

extension VolumeManager {
    /// The caller the image service sees: the token the request carried (keystone mode).
    nonisolated static func imageCaller(_ context: RPCContext) -> GlanceClient.Caller {
        GlanceClient.Caller(token: context.authToken, requestID: context.requestID)
    }

    /// `copy_volume_to_image(volume_id, image_meta)`: uploads the volume (`uploading`) into the
    /// queued image. On a failure a user message says so and an image left `queued` or
    /// `saving` is deleted; either way the volume goes back to `in-use` or `available`
    /// (`volume_update_status_based_on_attachment`).
    func copyVolumeToImage(_ envelope: Envelope) async throws -> JSONValue {
        guard let id = Self.id(envelope.arguments, "volume"),
            let imageID = envelope.arguments["image_meta"]?["id"]?.stringValue
        else { return .null }
        return try await serialized(id) {
            guard let volume = try await liveVolume(id), volume.status == .uploading else {
                logger.info(
                    "copy_volume_to_image: volume gone or not uploading; ignored",
                    metadata: ["volume.id": .string(id)]
                )
                return .null
            }
            let caller = Self.imageCaller(envelope.context)
            let started = ContinuousClock.now
            do {
                let image = try await images.show(imageID, caller: caller)
                try await driver.copyVolumeToImage(id: id, image: image, images: images, caller: caller)
                logger.info(
                    "Uploaded volume to image",
                    metadata: [
                        "volume.id": .string(id), "image.id": .string(imageID),
                        "duration": "\(ContinuousClock.now - started)",
                    ]
                )
            } catch {
                logger.error(
                    "Upload volume to image encountered an error",
                    metadata: ["volume.id": .string(id), "image.id": .string(imageID), "error": "\(error)"]
                )
                await messages.record(
                    .copyVolumeToImage,
                    .failedToUploadVolume,
                    resourceID: id,
                    projectID: volume.projectID,
                    context: envelope.context
                )
                if let image = try? await images.show(imageID, caller: caller),
                    image.status == "queued" || image.status == "saving"
                {
                    logger.warning(
                        "Deleting image in unexpected status",
                        metadata: ["image.id": .string(imageID), "image.status": .string(image.status ?? "")]
                    )
                    try? await images.delete(imageID, caller: caller)
                }
            }
            _ = try await store.conditionalUpdateVolume(
                id: id,
                set: [.status(volume.attachments.isEmpty ? .available : .inUse), .previousStatus(nil)],
                where: VolumeCondition(status: [.uploading])
            )
            return .null
        }
    }

    /// `reimage(volume_id, image_meta)`: writes the image over the volume (`downloading`),
    /// replaces its image metadata and puts back its previous status; a failure leaves it in
    /// `error` (previous status `downloading`), as cinder's manager does.
    func reimage(_ envelope: Envelope) async throws -> JSONValue {
        guard let id = Self.id(envelope.arguments, "volume"),
            let imageID = envelope.arguments["image_meta"]?["id"]?.stringValue
        else { return .null }
        return try await serialized(id) {
            guard let volume = try await liveVolume(id), volume.status == .downloading else {
                logger.info("reimage: volume gone or not downloading; ignored", metadata: ["volume.id": .string(id)])
                return .null
            }
            let caller = Self.imageCaller(envelope.context)
            do {
                let image = try await images.show(imageID, caller: caller)
                try await driver.copyImageToVolume(
                    id: id,
                    size: volume.size,
                    image: image,
                    images: images,
                    caller: caller
                )
                _ = try await store.updateVolumeMetadata(id: id, kind: .image, image.volumeImageMetadata, replace: true)
            } catch {
                logger.error(
                    "Failed to re-image volume",
                    metadata: ["volume.id": .string(id), "image.id": .string(imageID), "error": "\(error)"]
                )
                _ = try await store.conditionalUpdateVolume(
                    id: id,
                    set: [.status(.error), .previousStatus(VolumeStatus.downloading.rawValue)],
                    where: VolumeCondition(status: [.downloading])
                )
                return .null
            }
            let previous = volume.previousStatus.flatMap(VolumeStatus.init(rawValue:)) ?? .available
            _ = try await store.conditionalUpdateVolume(
                id: id,
                set: [.status(previous), .previousStatus(nil)],
                where: VolumeCondition(status: [.downloading])
            )
            logger.info("Re-imaged volume", metadata: ["volume.id": .string(id), "image.id": .string(imageID)])
            return .null
        }
    }
}

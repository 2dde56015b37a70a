import EmberBus
import EmberCore
import EmberImage
import EmberRPC
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
    func copyVolumeToImage(_ message: VolumeRPC.CopyVolumeToImage, context: RPCContext) async throws -> RPCNoReply {
        let id = message.volumeID
        let imageID = message.imageMeta.id
        return try await serialized(id) {
            guard let volume = try await liveVolume(id), VolumeTransitions.uploadEnded.allows(volume.status) else {
                logger.info(
                    "copy_volume_to_image: volume gone or not uploading; ignored",
                    metadata: ["volume.id": .string(id)]
                )
                return RPCNoReply()
            }
            let caller = Self.imageCaller(context)
            let started = ContinuousClock.now
            do {
                let image = try await images.show(imageID, caller: caller)
                let limits = await CopyLimits.of(volume, store: store, logger: logger)
                try await CopyLimits.$current.withValue(limits) {
                    try await driver.copyVolumeToImage(id: id, image: image, images: images, caller: caller)
                }
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
                    context: context
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
            try await store.apply(
                VolumeTransitions.uploadEnded,
                toVolume: id,
                given: volume.attachments.isEmpty ? .available : .inUse,
                also: [.previousStatus(nil)]
            )
            return RPCNoReply()
        }
    }

    /// `reimage(volume_id, image_meta)`: writes the image over the volume (`downloading`),
    /// replaces its image metadata and puts back its previous status; a failure leaves it in
    /// `error` (previous status `downloading`), as cinder's manager does.
    func reimage(_ message: VolumeRPC.Reimage, context: RPCContext) async throws -> RPCNoReply {
        let id = message.volumeID
        let imageID = message.imageMeta.id
        return try await serialized(id) {
            guard let volume = try await liveVolume(id), VolumeTransitions.reimageEnded.allows(volume.status) else {
                logger.info("reimage: volume gone or not downloading; ignored", metadata: ["volume.id": .string(id)])
                return RPCNoReply()
            }
            let caller = Self.imageCaller(context)
            do {
                let image = try await images.show(imageID, caller: caller)
                let limits = await CopyLimits.of(volume, store: store, logger: logger)
                try await CopyLimits.$current.withValue(limits) {
                    try await driver.copyImageToVolume(
                        id: id,
                        size: volume.size,
                        image: image,
                        images: images,
                        caller: caller
                    )
                }
                _ = try await store.updateVolumeMetadata(id: id, kind: .image, image.volumeImageMetadata, replace: true)
            } catch {
                logger.error(
                    "Failed to re-image volume",
                    metadata: ["volume.id": .string(id), "image.id": .string(imageID), "error": "\(error)"]
                )
                try await store.apply(
                    VolumeTransitions.reimageFailed,
                    toVolume: id,
                    also: [.previousStatus(VolumeStatus.downloading.rawValue)]
                )
                return RPCNoReply()
            }
            let previous = volume.previousStatus.flatMap(VolumeStatus.init(rawValue:)) ?? .available
            try await store.apply(
                VolumeTransitions.reimageEnded,
                toVolume: id,
                given: previous,
                also: [.previousStatus(nil)]
            )
            logger.info("Re-imaged volume", metadata: ["volume.id": .string(id), "image.id": .string(imageID)])
            return RPCNoReply()
        }
    }
}

import EmberCore
import EmberImage
import EmberKeys
import EmberStore
import Foundation

/// What `os-volume_upload_image` answers with: the volume as it went `uploading`, its type and
/// the image Glance created.
public struct ImageUpload: Sendable {
    public var volume: Volume
    public var volumeType: VolumeType?
    public var image: GlanceImage
}

/// The arguments of `os-volume_upload_image`, after the controller's checks.
public struct ImageUploadRequest: Sendable {
    public var imageName: String
    public var force: Bool
    public var diskFormat: String
    public var containerFormat: String
    /// 3.1: `visibility` and `protected`; nil before.
    public var visibility: String?
    public var isProtected: Bool?

    public init(
        imageName: String,
        force: Bool = false,
        diskFormat: String = "raw",
        containerFormat: String = "bare",
        visibility: String? = nil,
        isProtected: Bool? = nil
    ) {
        self.imageName = imageName
        self.force = force
        self.diskFormat = diskFormat
        self.containerFormat = containerFormat
        self.visibility = visibility
        self.isProtected = isProtected
    }
}

extension VolumeAPI {
    /// The caller as the image client forwards it.
    nonisolated func imageCaller(_ caller: Identity, requestID: String) -> GlanceClient.Caller {
        GlanceClient.Caller(token: caller.authToken, requestID: requestID)
    }

    /// `VolumeController._image_uuid_from_ref`: the last path segment of `imageRef`, if it is an
    /// image id Glance knows; else the one image whose name is `imageRef`. Any failure to ask
    /// Glance (unreachable, not configured) ends in the same 400 as an unknown image.
    public nonisolated func resolveImageRef(
        _ imageRef: String,
        caller: Identity,
        requestID: String
    ) async throws
        -> GlanceImage
    {
        let who = imageCaller(caller, requestID: requestID)
        let uuid = imageRef.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? imageRef
        if UUID(uuidString: uuid) != nil || Self.isUUIDLike(uuid) {
            if let image = try? await images.show(uuid, caller: who), !image.id.isEmpty { return image }
        }
        if let found = try? await images.images(named: imageRef, caller: who) {
            if found.count > 1 {
                throw EmberError.conflict("Multiple matches found for '\(imageRef)', use an ID to be more specific.")
            }
            if let image = found.first { return image }
        }
        throw EmberError.badRequest("Invalid image identifier or unable to access requested image.")
    }

    /// `volume_utils.check_image_metadata`: the image must be active, its data must fit the
    /// volume, and the volume must be at least `min_disk` and the virtual size.
    public nonisolated func checkImageMetadata(_ image: GlanceImage, volumeSize: Int) throws {
        guard image.status == "active" else {
            throw EmberError.badRequest("Invalid input received: Image \(image.id) is not active.")
        }
        let gib = 1 << 30
        let imageGiB = ((image.size ?? 0) + gib - 1) / gib
        if imageGiB > volumeSize {
            throw EmberError.badRequest(
                "Invalid input received: Size of specified image \(imageGiB)GB is larger than volume size \(volumeSize)GB."
            )
        }
        if volumeSize < image.minDisk {
            throw EmberError.badRequest(
                "Invalid input received: Volume size \(volumeSize)GB cannot be smaller than the image minDisk size \(image.minDisk)GB."
            )
        }
        if let virtual = image.virtualSize, virtual > 0 {
            let virtualGiB = Int((Double(virtual) / Double(gib)).rounded(.up))
            if virtualGiB > volumeSize {
                throw EmberError.badRequest(
                    "Image \(image.id) is unacceptable: Image virtual size is \(virtualGiB)GB and doesn't fit in a volume of size \(volumeSize)GB."
                )
            }
        }
    }

    /// `volume_api.copy_volume_to_image`: `available` (or `in-use` with `force` when
    /// `enable_force_upload` is set) → `uploading`; creates the image in Glance (with the
    /// volume's custom image properties); casts `copy_volume_to_image` to the backend. If Glance
    /// fails, the volume goes back to its status and the error is the 400 cinder answers with.
    public nonisolated func copyVolumeToImage(
        id: String,
        _ upload: ImageUploadRequest,
        caller: Identity,
        requestID: String
    ) async throws -> ImageUpload {
        try await exclusively(onVolume: id) {
            let volume = try await self.volume(id: id, caller: caller)
            if volume.encryptionKeyID != nil, upload.diskFormat != "raw" || upload.containerFormat != "bare" {
                // cinder's controller: encrypted volumes cannot be converted on upload.
                throw EmberError.badRequest(
                    "An encrypted volume uploaded as an image must use 'raw' disk_format and 'bare' container_format, which are the defaults for these options."
                )
            }
            let force = upload.force && configuration.enableForceUpload
            guard
                let uploading = try await store.apply(
                    VolumeTransitions.upload(force: force),
                    toVolume: id,
                    also: [.previousStatusFromStatus]
                )
            else {
                throw EmberError.badRequest(
                    "Invalid volume: Volume \(id) status must be \(force ? "available or in-use" : "available")"
                )
            }
            let image: GlanceImage
            var imageKeyID: String?
            do {
                var fields: JSONObject = [
                    "container_format": .string(upload.containerFormat),
                    "disk_format": .string(upload.diskFormat),
                    "name": .string(upload.imageName),
                ]
                if let keyID = volume.encryptionKeyID {
                    // The image gets a key of its own (the volume's goes with the volume), which
                    // Glance deletes with the image.
                    let context = keyContext(caller, requestID: requestID)
                    let cloned: String
                    do {
                        cloned = try await keyManager.cloneKey(context, id: keyID)
                    } catch let error as KeyManagerError {
                        throw keyManagerFault(error, requestID: requestID)
                    }
                    imageKeyID = cloned
                    fields["cinder_encryption_key_id"] = .string(cloned)
                    fields["cinder_encryption_key_deletion_policy"] = .string("on_image_deletion")
                }
                if let visibility = upload.visibility { fields["visibility"] = .string(visibility) }
                if let isProtected = upload.isProtected { fields["protected"] = .bool(isProtected) }
                // `_merge_volume_image_meta`: the volume's custom image properties travel along,
                // except the core ones and glance's reserved namespaces.
                for (key, value) in volume.imageMetadata.sorted(by: { $0.key < $1.key })
                where !Self.glanceCoreProperties.contains(key) && fields[key] == nil
                    && !Self.reservedImageNamespaces.contains(where: key.hasPrefix)
                {
                    fields[key] = .string(value)
                }
                // `allow_compression_on_image_upload` is false (cinder's default; Ember does not
                // compress): a `compressed` container is refused. cinder checks after creating the
                // image and leaves it queued; Ember checks first and creates nothing.
                if upload.containerFormat == "compressed" {
                    throw EmberError.badRequest(
                        "Image compression upload disallowed, but container_format is compressed"
                    )
                }
                image = try await images.create(fields, caller: imageCaller(caller, requestID: requestID))
            } catch {
                // No image took the cloned key (cinder leaves it behind).
                await discardEncryptionKey(imageKeyID, caller: caller, requestID: requestID)
                await compensations.settle("volume \(id): uploadEnded") { [store] in
                    try await store.apply(
                        VolumeTransitions.uploadEnded,
                        toVolume: id,
                        given: volume.status,
                        also: [.previousStatus(nil)]
                    )
                }
                throw Self.uploadFault(error)
            }
            do {
                try await caster.copyVolumeToImage(uploading, imageID: image.id, caller: caller, requestID: requestID)
            } catch {
                logger.error(
                    "Cast copy_volume_to_image failed",
                    metadata: ["volume.id": .string(id), "error": "\(error)"]
                )
                throw error
            }
            logger.info(
                "Copy volume to image started",
                metadata: ["volume.id": .string(id), "image.id": .string(image.id), "request.id": .string(requestID)]
            )
            return ImageUpload(
                volume: uploading,
                volumeType: try? await types.volumeType(id: volume.volumeTypeID),
                image: image
            )
        }
    }

    /// `os-volume_upload_image` turns every failure of the image service into a 400 with the
    /// exception's text (`except Exception as error: HTTPBadRequest(explanation=str(error))`).
    nonisolated static func uploadFault(_ error: any Error) -> any Error {
        if let glance = error as? GlanceError { return EmberError.badRequest(glance.description) }
        return error
    }

    /// `volume_api.reimage` (3.68): `available`/`error` (and `reserved` with
    /// `reimage_reserved`) → `downloading`; the image must pass `check_image_metadata`
    /// (the volume goes back otherwise); casts `reimage` to the backend.
    public nonisolated func reimage(
        id: String,
        imageID: String,
        reimageReserved: Bool,
        caller: Identity,
        requestID: String
    ) async throws {
        try await exclusively(onVolume: id) {
            let who = imageCaller(caller, requestID: requestID)
            let volume = try await self.volume(id: id, caller: caller)
            // `_get_image_snapshot_and_check_size` shows the image first: a missing image is a 404,
            // an unreachable image service the 500 of an unhandled GlanceConnectionFailed.
            _ = try await showImage(imageID, caller: who)
            if volume.attachments.count > 1 {
                throw EmberError.conflict("Cannot re-image a volume which is attached to more than one server.")
            }
            let reimage = VolumeTransitions.reimage(reserved: reimageReserved)
            guard let downloading = try await store.apply(reimage, toVolume: id, also: [.previousStatusFromStatus])
            else {
                let statuses = VolumeStatus.allCases.filter(reimage.allows).map(\.rawValue).joined(separator: " or ")
                throw EmberError.badRequest(
                    "Invalid volume: Volume \(id) status must be \(statuses), but current status is \(volume.status.rawValue)."
                )
            }
            do {
                let image = try await showImage(imageID, caller: who)
                try checkImageMetadata(image, volumeSize: volume.size)
            } catch {
                await compensations.settle("volume \(id): reimageEnded") { [store] in
                    try await store.apply(
                        VolumeTransitions.reimageEnded,
                        toVolume: id,
                        given: volume.status,
                        also: [.previousStatus(nil)]
                    )
                }
                throw error
            }
            try await caster.reimage(downloading, imageID: imageID, caller: caller, requestID: requestID)
        }
    }

    /// `image_service.show` where cinder lets the exception reach the fault handler: a missing
    /// image is a 404 (`NotFound`), a refused request a 400 (`Invalid`), anything else
    /// (unreachable, `ImageNotAuthorized`) the 500 of an exception cinder does not map.
    nonisolated func showImage(_ id: String, caller: GlanceClient.Caller) async throws -> GlanceImage {
        do {
            return try await images.show(id, caller: caller)
        } catch {
            switch error {
            case .imageNotFound: throw EmberError.notFound(error.description)
            case .invalid(let message): throw EmberError.badRequest(message)
            default:
                logger.error("Image service request failed", metadata: ["image.id": .string(id), "error": "\(error)"])
                throw EmberError.internalError
            }
        }
    }

    /// `glance_core_properties`: image properties a volume keeps that do not go back to Glance.
    nonisolated static let glanceCoreProperties: Set<String> = [
        "checksum", "container_format", "disk_format", "image_name", "image_id", "min_disk", "min_ram", "name", "size",
    ]
    /// `GLANCE_RESERVED_NAMESPACES`.
    nonisolated static let reservedImageNamespaces = ["os_glance", "img_signature", "signature_verified"]
}

extension VolumeAPI {
    // MARK: - Image metadata (os-vol-image-meta actions)

    /// `os-set_image_metadata`: merges `metadata` into the volume's image metadata; returns
    /// all of it.
    public nonisolated func setImageMetadata(
        volumeID: String,
        _ metadata: [String: String]
    ) async throws
        -> [String: String]
    {
        try await exclusively(onVolume: volumeID) {
            try await store.updateVolumeMetadata(id: volumeID, kind: .image, metadata, replace: false)
        }
    }

    /// `os-unset_image_metadata`: removes one key; a key the volume does not have is cinder's
    /// 404 "Glance metadata … cannot be found."
    public nonisolated func unsetImageMetadata(_ volume: Volume, key: String) async throws {
        let missing = EmberError.notFound("Glance metadata for volume/snapshot \(volume.id) cannot be found.")
        guard volume.imageMetadata[key] != nil else { throw missing }
        try await exclusively(onVolume: volume.id) {
            do {
                try await store.deleteVolumeMetadata(id: volume.id, kind: .image, key: key)
            } catch {
                if case StoreError.metadataKeyNotFound = error { throw missing }
                throw error
            }
        }
    }
}

import EmberCore
import EmberImage
import EmberRPC
import EmberStore
import Foundation
import Logging

/// A validated `POST /volumes` request.
public struct VolumeCreateRequest: Sendable {
    public var size: Int?
    public var name: String?
    public var description: String?
    public var metadata: [String: String]
    public var availabilityZone: String?
    public var volumeType: String?
    public var snapshotID: String?
    public var sourceVolumeID: String?
    public var multiattach: Bool
    public var schedulerHints: JSONValue?
    /// The image to fill the volume with, as ``VolumeAPI/resolveImageRef(_:caller:requestID:)``
    /// found it.
    public var image: GlanceImage?
    /// The backup to restore into the new volume (3.47 `backup_id`), as `backup_api.get`
    /// found it.
    public var backup: Backup?
    /// The group the volume joins (3.13 `group_id`), as `group_api.get` found it.
    public var group: VolumeGroup?

    public init(
        size: Int?,
        name: String? = nil,
        description: String? = nil,
        metadata: [String: String] = [:],
        availabilityZone: String? = nil,
        volumeType: String? = nil,
        snapshotID: String? = nil,
        sourceVolumeID: String? = nil,
        multiattach: Bool = false,
        schedulerHints: JSONValue? = nil,
        image: GlanceImage? = nil,
        backup: Backup? = nil
    ) {
        self.image = image
        self.backup = backup
        self.size = size
        self.name = name
        self.description = description
        self.metadata = metadata
        self.availabilityZone = availabilityZone
        self.volumeType = volumeType
        self.snapshotID = snapshotID
        self.sourceVolumeID = sourceVolumeID
        self.multiattach = multiattach
        self.schedulerHints = schedulerHints
    }
}

extension VolumeAPI {
    /// `volume_api.create`: the create flow of `cinder/volume/flows/api/create_volume.py`
    /// (extract and validate → reserve quota → insert `creating` and commit the quota in one
    /// transaction → cast to the scheduler). On a cast failure the volume goes to `error`, as
    /// cinder's flow reverts.
    ///
    /// `authorizeMultiattach` is the caller's `volume:multiattach` policy check, run when the
    /// volume's type is a multiattach type (cinder's create flow asks it there).
    public nonisolated func createVolume(
        _ request: VolumeCreateRequest,
        caller: Identity,
        requestID: String,
        authorizeMultiattach: @Sendable () throws -> Void = {}
    )
        async throws -> Volume
    {
        guard let projectID = caller.projectID else {
            throw EmberError.badRequest("A project is required to create a volume.")
        }
        var size = request.size
        var type: VolumeType?
        var zone = request.availabilityZone
        var resourceBackend: String?
        // `check_exclusive_options(snapshot, imageRef, source_volume, backup)`.
        let sources = [
            request.snapshotID != nil, request.image != nil, request.sourceVolumeID != nil, request.backup != nil,
        ]
        if sources.filter({ $0 }).count > 1 {
            throw EmberError.badRequest(
                "Invalid input received: May specify only one of backup, imageRef, snapshot, source volume"
            )
        }

        var bootable = false
        // The key the new volume's key is cloned from: the snapshot's, the source volume's or
        // the image's (`cinder_encryption_key_id`), as `_get_encryption_key_id` picks it.
        var sourceKeyID = request.image?.properties["cinder_encryption_key_id"]?.stringValue
        if let snapshotID = request.snapshotID {
            let snapshot: Snapshot
            do {
                snapshot = try await store.snapshot(
                    id: snapshotID,
                    scope: caller.isAdmin ? .allProjects : scope(for: caller)
                )
            } catch {
                if case .notFound = error { throw EmberError.notFound("Snapshot \(snapshotID) could not be found.") }
                throw error
            }
            guard SnapshotTransitions.cloneSource.allows(snapshot.status) else {
                throw EmberError.badRequest(
                    "Invalid snapshot: Originating snapshot status must be one of 'available' values"
                )
            }
            let snapshotSize = snapshot.volumeSize ?? 0
            if let requested = size, requested < snapshotSize {
                throw EmberError.badRequest(
                    "Invalid input received: Volume size '\(requested)'GB cannot be smaller than the snapshot size \(snapshotSize)GB. They must be >= original snapshot size."
                )
            }
            size = size ?? snapshotSize
            sourceKeyID = snapshot.encryptionKeyID
            type = try await types.volumeType(id: snapshot.volumeTypeID)
            let source = try? await store.volume(id: snapshot.volumeID, scope: .allProjects)
            zone = zone ?? source?.availabilityZone
            resourceBackend = source?.host
            // cinder's create flow: a volume from a snapshot starts as bootable as the
            // snapshot's volume.
            bootable = source?.bootable ?? false
        }
        if let sourceID = request.sourceVolumeID {
            let source = try await volume(id: sourceID, caller: caller)
            guard [.available, .inUse].contains(source.status) else {
                throw EmberError.badRequest(
                    "Invalid volume: Unable to clone volumes that are in \(source.status.rawValue) state."
                )
            }
            if let requested = size, requested < source.size {
                throw EmberError.badRequest(
                    "Invalid input received: Volume size '\(requested)'GB cannot be smaller than original volume size \(source.size)GB. They must be >= original volume size."
                )
            }
            size = size ?? source.size
            sourceKeyID = source.encryptionKeyID
            type = try await types.volumeType(id: source.volumeTypeID)
            zone = zone ?? source.availabilityZone
            resourceBackend = source.host
            bootable = source.bootable
        }
        // MARK: from a backup (3.47)
        if let backup = request.backup {
            size = try Self.sizeFromBackup(backup, requested: size)
        }
        // MARK: end from a backup
        guard let size, size > 0 else {
            if size == nil, request.image == nil {
                // cinder 29.0.0: no size and nothing to take one from fails deep in the create
                // flow, which the fault wrapper answers with webob's generic 400 text.
                throw EmberError.badRequest(
                    "The server could not comply with the request since it is either malformed or otherwise incorrect."
                )
            }
            throw EmberError.badRequest(
                "Invalid input received: Volume size '\(request.size.map(String.init) ?? "None")' must be an integer and greater than 0."
            )
        }
        if let image = request.image {
            try checkImageMetadata(image, volumeSize: size)
        }
        // `_get_volume_type`: a requested type, else the source's, else the image's
        // `cinder_img_volume_type`, else the default.
        let imageTypeName = request.image?.properties["cinder_img_volume_type"]?.stringValue
        if let named = request.volumeType ?? (type == nil ? imageTypeName : nil) {
            let resolved = try await types.resolve(named)
            if let fromSource = type, fromSource.id != resolved.id {
                throw EmberError.badRequest(
                    "Invalid input received: Volume type will be changed to be the same as the source volume."
                )
            }
            type = resolved
        }
        let volumeType: VolumeType
        if let type {
            volumeType = type
        } else {
            volumeType = try await types.defaultType(projectID: projectID)
        }
        // `group`: the requested type must be one of the group's; the volume takes the
        // group's zone and lands on its backend.
        if let group = request.group {
            guard request.volumeType != nil else {
                throw EmberError.badRequest(
                    "Invalid input received: volume_type must be provided when creating a volume in a group."
                )
            }
            guard group.volumeTypeIDs.contains(volumeType.id) else {
                throw EmberError.badRequest(
                    "Invalid input received: Invalid volume_type provided: \(volumeType.name) (requested type must be supported by this group)."
                )
            }
            guard [.available, .creating].contains(group.status) else {
                throw EmberError.badRequest(
                    "Invalid Group: Originating group status must be one of 'available, creating' values"
                )
            }
            zone = group.availabilityZone ?? zone
            resourceBackend = group.host ?? resourceBackend
        }
        let availabilityZone = try validateZone(zone)
        if request.multiattach {
            throw EmberError.badRequest(
                "multiattach parameter has been removed. The default behavior is to use multiattach enabled volume types. Contact your administrator to create a multiattach enabled volume type and use it to create multiattach volumes."
            )
        }
        // create_volume.py: `extra_specs.get('multiattach', '') == '<is> True'`, exactly.
        let multiattach = volumeType.extraSpecs["multiattach"] == "<is> True"
        let encryption = try await encryptionTypes.encryption(ofVolumeType: volumeType.id)
        if multiattach && encryption != nil {
            throw EmberError.badRequest("Invalid volume: Multiattach cannot be used with encrypted volumes.")
        }
        if encryption != nil, request.image != nil, sourceKeyID == nil {
            // cinder's volume manager writes an unencrypted image through the encryptor
            // (`copy_image_to_encrypted_volume`, dm-crypt on the volume host); Ember's drivers
            // copy bytes and cannot encrypt them.
            throw EmberError.badRequest(
                "Invalid input received: Creating an encrypted volume from an unencrypted image is not supported."
            )
        }
        if multiattach { try authorizeMultiattach() }

        let encryptionKeyID = try await encryptionKey(
            for: encryption,
            cloning: sourceKeyID,
            caller: caller,
            requestID: requestID
        )
        let reservation: QuotaReservation
        do {
            reservation = try await quotas.reserve(
                projectID: projectID,
                deltas: QuotaReservation.volumeDeltas(size: size, typeName: volumeType.name),
                typeName: volumeType.name
            )
        } catch {
            await discardEncryptionKey(encryptionKeyID, caller: caller, requestID: requestID)
            throw error
        }
        let volume: Volume
        let volumeID = UUID().uuidString.lowercased()
        do {
            volume = try await store.createVolume(
                Volume(
                    id: volumeID,
                    userID: caller.userID,
                    projectID: projectID,
                    size: size,
                    volumeTypeID: volumeType.id,
                    displayName: request.name,
                    displayDescription: request.description,
                    availabilityZone: availabilityZone,
                    snapshotID: request.snapshotID,
                    sourceVolumeID: request.sourceVolumeID,
                    encryptionKeyID: encryptionKeyID,
                    groupID: request.group?.id,
                    bootable: bootable,
                    multiattach: multiattach,
                    metadata: request.metadata,
                    adminMetadata: Self.createAdminMetadata(request)
                ),
                committing: reservation
            )
        } catch {
            // The insert and the reservation's commit are one transaction, which may have
            // committed although its answer was lost: then the volume goes to `error`.
            let store = self.store
            await compensations.settle("the create of volume \(volumeID)") { [store] in
                try await store.rollback(reservation)
                try await store.apply(VolumeTransitions.createFailed, toVolume: volumeID)
            }
            await discardEncryptionKey(encryptionKeyID, caller: caller, requestID: requestID)
            throw error
        }
        logger.info(
            "Volume created, casting to the scheduler",
            metadata: [
                "volume.id": .string(volume.id), "project.id": .string(projectID), "request.id": .string(requestID),
            ]
        )
        let spec = VolumeRequestSpec(
            volumeID: volume.id,
            size: size,
            volumeTypeID: volumeType.id,
            availabilityZone: availabilityZone,
            snapshotID: request.snapshotID,
            sourceVolumeID: request.sourceVolumeID,
            imageID: request.image?.id,
            backupID: request.backup?.id,
            resourceBackend: resourceBackend,
            multiattach: multiattach,
            schedulerHints: request.schedulerHints
        )
        do {
            try await caster.createVolume(volume, spec: spec, caller: caller, requestID: requestID)
        } catch {
            logger.error(
                "Cast to the scheduler failed",
                metadata: ["volume.id": .string(volume.id), "error": "\(error)"]
            )
            let store = self.store
            await compensations.settle("volume \(volume.id) to error") { [store] in
                try await store.apply(VolumeTransitions.createFailed, toVolume: volume.id)
            }
            throw error
        }
        return volume
    }

    // MARK: from a backup (3.47)

    /// `_extract_backup` and `_extract_size` of cinder's create flow: the backup must be
    /// `available`, and the volume at least as large as the backup (its size when none is
    /// given).
    static func sizeFromBackup(_ backup: Backup, requested: Int?) throws -> Int? {
        guard BackupTransitions.restore.allows(backup.status) else {
            throw EmberError.badRequest("Invalid backup: Originating backup status must be one of 'available' values")
        }
        let backupSize = backup.size ?? 0
        if let requested, requested > 0, requested < backupSize {
            throw EmberError.badRequest(
                "Invalid input received: Volume size \(requested)GB cannot be smaller than the backup size \(backupSize)GB. It must be >= backup size."
            )
        }
        return requested ?? backupSize
    }

    /// The admin metadata a new volume starts with: the image or the backup it is created
    /// from, so that a volume manager resuming the create after a restart still knows it.
    static func createAdminMetadata(_ request: VolumeCreateRequest) -> [String: String] {
        var metadata: [String: String] = [:]
        if let image = request.image { metadata[Volume.createImageKey] = image.id }
        if let backup = request.backup { metadata[Volume.createBackupKey] = backup.id }
        return metadata
    }

    // MARK: end from a backup

    /// cinder's availability zone check: the zone must be one of the service zones.
    nonisolated func validateZone(_ requested: String?) throws -> String {
        guard let requested else { return configuration.effectiveDefaultZone }
        let known: Set<String> = [configuration.storageAvailabilityZone, configuration.effectiveDefaultZone]
        if known.contains(requested) { return requested }
        if configuration.allowAvailabilityZoneFallback { return configuration.effectiveDefaultZone }
        throw EmberError.badRequest("Availability zone '\(requested)' is invalid.")
    }
}

import EmberCore
import EmberStore
import Logging

/// The encryption of volume types (`cinder/api/contrib/volume_type_encryption.py` over
/// `volume_types.get_volume_type_encryption` and the `volume_type_encryption_*` db API):
/// create, read, update and delete, each refused while live volumes have the type.
///
/// cinder keeps the provider as given (os-brick maps the legacy class names and the backend
/// checks the format when it formats a volume), so no provider is refused here.
public struct EncryptionTypeAPI: Sendable {
    let store: any VolumeTypeStore & EncryptionStore
    let logger: Logger

    /// The encryption of the type, nil when it has none; an unknown type is cinder's 404.
    public func get(volumeTypeID: String) async throws -> VolumeTypeEncryption? {
        _ = try await store.volumeType(id: volumeTypeID)
        return try await store.volumeTypeEncryption(volumeTypeID: volumeTypeID)
    }

    /// The encryption of a type without checking the type (the create flow, retype,
    /// encryption metadata); nil when it has none.
    public func encryption(ofVolumeType volumeTypeID: String?) async throws -> VolumeTypeEncryption? {
        guard let volumeTypeID else { return nil }
        return try await store.volumeTypeEncryption(volumeTypeID: volumeTypeID)
    }

    /// `create`: refused while the type has volumes (checked first, as cinder), for an unknown
    /// type (404) and when the type is already encrypted.
    public func create(
        volumeTypeID: String,
        provider: String?,
        cipher: String?,
        keySize: Int?,
        controlLocation: String?
    ) async throws -> VolumeTypeEncryption {
        if try await store.volumeTypeHasVolumes(volumeTypeID: volumeTypeID) {
            throw EmberError.badRequest("Cannot create encryption specs. Volume type in use.")
        }
        _ = try await store.volumeType(id: volumeTypeID)
        let encryption = VolumeTypeEncryption(
            volumeTypeID: volumeTypeID,
            provider: provider,
            cipher: cipher,
            keySize: keySize,
            controlLocation: controlLocation
        )
        guard let created = try await store.createVolumeTypeEncryption(encryption) else {
            throw Self.exists(volumeTypeID)
        }
        logger.info(
            "Volume type encryption created",
            metadata: ["volume_type.id": .string(volumeTypeID), "encryption.id": .string(created.encryptionID)]
        )
        return created
    }

    /// `update`: an unknown type is a 404, then refused while the type has volumes; a type
    /// without encryption is cinder's 404.
    public func update(
        volumeTypeID: String,
        _ changes: VolumeTypeEncryptionChanges
    ) async throws -> VolumeTypeEncryption {
        _ = try await store.volumeType(id: volumeTypeID)
        if try await store.volumeTypeHasVolumes(volumeTypeID: volumeTypeID) {
            throw EmberError.badRequest("Cannot update encryption specs. Volume type in use.")
        }
        guard let updated = try await store.updateVolumeTypeEncryption(volumeTypeID: volumeTypeID, changes) else {
            throw Self.notFound(volumeTypeID)
        }
        return updated
    }

    /// `delete`: refused while the type has volumes; a type without encryption (or no type) is
    /// cinder's 404.
    public func delete(volumeTypeID: String) async throws {
        if try await store.volumeTypeHasVolumes(volumeTypeID: volumeTypeID) {
            throw EmberError.badRequest("Cannot delete encryption specs. Volume type in use.")
        }
        guard try await store.deleteVolumeTypeEncryption(volumeTypeID: volumeTypeID) else {
            throw Self.notFound(volumeTypeID)
        }
        logger.info("Volume type encryption deleted", metadata: ["volume_type.id": .string(volumeTypeID)])
    }

    /// `VolumeTypeEncryptionNotFound`.
    public static func notFound(_ volumeTypeID: String) -> EmberError {
        .notFound("Volume type encryption for type \(volumeTypeID) does not exist.")
    }

    /// `VolumeTypeEncryptionExists` (an `Invalid`: 400).
    static func exists(_ volumeTypeID: String) -> EmberError {
        .badRequest("Volume type encryption for type \(volumeTypeID) already exists.")
    }
}

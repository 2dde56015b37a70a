import EmberCore
import Foundation
import Testing

@testable import EmberStore

/// The encryption of volume types on every backend (cinder's `encryption` table): one live row
/// per type, updated in place, soft-deleted, and whether live volumes have the type.
@Suite("Encryption store")
struct EncryptionStoreTests {
    @Test(arguments: TestBackend.all)
    func createReadUpdateAndDelete(backend: TestBackend) async throws {
        try await backend.withDatabase { database in
            let store = database.store
            let type = try await store.createVolumeType(VolumeType(name: "luks"))
            #expect(try await store.volumeTypeEncryption(volumeTypeID: type.id) == nil)

            let created = try #require(
                try await store.createVolumeTypeEncryption(
                    VolumeTypeEncryption(
                        volumeTypeID: type.id,
                        provider: "luks",
                        cipher: "aes-xts-plain64",
                        keySize: 256,
                        controlLocation: "front-end"
                    )
                )
            )
            #expect(created.provider == "luks" && created.cipher == "aes-xts-plain64")
            #expect(created.keySize == 256 && created.controlLocation == "front-end")
            #expect(created.volumeTypeID == type.id && !created.deleted && created.updatedAt == nil)
            #expect(try await store.volumeTypeEncryption(volumeTypeID: type.id) == created)
            // A type has one live encryption.
            #expect(
                try await store.createVolumeTypeEncryption(
                    VolumeTypeEncryption(volumeTypeID: type.id, provider: "plain", controlLocation: "back-end")
                ) == nil
            )

            // Only the fields given change; a null clears one.
            let updated = try #require(
                try await store.updateVolumeTypeEncryption(
                    volumeTypeID: type.id,
                    VolumeTypeEncryptionChanges(cipher: .some(nil), keySize: .some(512))
                )
            )
            #expect(updated.provider == "luks" && updated.cipher == nil && updated.keySize == 512)
            #expect(updated.controlLocation == "front-end" && updated.updatedAt != nil)
            #expect(updated.encryptionID == created.encryptionID)

            #expect(try await store.deleteVolumeTypeEncryption(volumeTypeID: type.id))
            #expect(try await store.volumeTypeEncryption(volumeTypeID: type.id) == nil)
            #expect(try await store.deleteVolumeTypeEncryption(volumeTypeID: type.id) == false)
            #expect(
                try await store.updateVolumeTypeEncryption(
                    volumeTypeID: type.id,
                    VolumeTypeEncryptionChanges(provider: .some("luks"))
                ) == nil
            )
            // A deleted encryption does not stop a new one.
            let again = try #require(
                try await store.createVolumeTypeEncryption(
                    VolumeTypeEncryption(volumeTypeID: type.id, provider: "plain", controlLocation: "back-end")
                )
            )
            #expect(again.encryptionID != created.encryptionID && again.provider == "plain")
            // Deleting the type deletes its encryption (cinder's `volume_type_destroy`).
            try await store.deleteVolumeType(id: type.id)
            #expect(try await store.volumeTypeEncryption(volumeTypeID: type.id) == nil)
        }
    }

    @Test(arguments: TestBackend.all)
    func typeInUseCountsLiveVolumesOfEveryProject(backend: TestBackend) async throws {
        try await backend.withDatabase { database in
            let store = database.store
            let type = try await store.createVolumeType(VolumeType(name: "encrypted"))
            let other = try await store.createVolumeType(VolumeType(name: "plain"))
            #expect(try await store.volumeTypeHasVolumes(volumeTypeID: type.id) == false)
            var volume = StoreTests.makeVolume(project: StoreTests.otherProject)
            volume.volumeTypeID = type.id
            volume.encryptionKeyID = "8a7f3c1e-0b44-4d1a-9a52-5f0a2d7e6c11"
            let created = try await store.createVolume(volume)
            #expect(try await store.volumeTypeHasVolumes(volumeTypeID: type.id))
            #expect(try await store.volumeTypeHasVolumes(volumeTypeID: other.id) == false)
            #expect(
                try await store.volume(id: created.id, scope: .allProjects).encryptionKeyID == volume.encryptionKeyID
            )
            try await store.deleteVolume(id: created.id)
            #expect(try await store.volumeTypeHasVolumes(volumeTypeID: type.id) == false)
        }
    }

    @Test(arguments: TestBackend.all)
    func snapshotsTakeANewKeyID(backend: TestBackend) async throws {
        try await backend.withDatabase { database in
            let store = database.store
            var volume = StoreTests.makeVolume()
            volume.encryptionKeyID = "key-old"
            let created = try await store.createVolume(volume)
            let snapshot = try await store.createSnapshot(
                Snapshot(
                    volumeID: created.id,
                    userID: "user-1",
                    projectID: StoreTests.project,
                    volumeSize: 1,
                    volumeTypeID: created.volumeTypeID,
                    encryptionKeyID: "key-old"
                )
            )
            let moved = try await store.updateSnapshot(id: snapshot.id, [.encryptionKeyID("key-new")])
            #expect(moved.encryptionKeyID == "key-new")
            #expect(try await store.snapshot(id: snapshot.id, scope: .allProjects).encryptionKeyID == "key-new")
        }
    }
}

import EmberCore
import EmberImage
import EmberKeys
import EmberStore
import EmberWSGI
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import EmberVolume

/// The keys of encrypted volumes at the API, with a key manager that records its calls: a new
/// key at create (algorithm from the cipher, length from `key_size`), a cloned key for a clone
/// and a volume from a snapshot, the volume's key id kept by its snapshot, the key deleted with
/// the volume, the key handed over by a 3.70 transfer, and the key manager's faults.
@Suite struct EncryptionKeyTests {
    static let project = TransferAPITests.projectA
    static let alice = TransferAPITests.alice
    static let admin = QoSSpecsAPITests.caller("root", project: project, roles: "admin,member,reader")

    static func send(
        _ client: any TestClientProtocol,
        _ method: HTTPRequest.Method,
        _ path: String,
        as headers: HTTPFields = alice,
        body: String? = nil
    ) async throws -> TestResponse {
        try await TransferAPITests.send(client, method, path, as: headers, project: project, body: body)
    }

    /// An encrypted type (as admin) and the id of a volume of it alice created, `available`
    /// on a backend.
    static func encryptedVolume(
        _ client: any TestClientProtocol,
        _ api: VolumeAPI,
        typeName: String = "luks",
        encryption: String = EncryptionTypesAPITests.luks
    ) async throws -> (typeID: String, volumeID: String) {
        let typeID = try await encryptedType(client, typeName: typeName, encryption: encryption)
        let volumeID = try await client.createVolume(
            #"{"volume": {"size": 1, "volume_type": "\#(typeID)"}}"#,
            headers: alice,
            project: project
        )
        _ = try await api.store.updateVolume(id: volumeID, [.status(.available), .host("node@alpha#alpha")])
        return (typeID, volumeID)
    }

    /// A volume type with an encryption, created as admin; its id.
    static func encryptedType(
        _ client: any TestClientProtocol,
        typeName: String = "luks",
        encryption: String = EncryptionTypesAPITests.luks
    ) async throws -> String {
        let type = try await send(
            client,
            .post,
            "/types",
            as: admin,
            body: #"{"volume_type": {"name": "\#(typeName)"}}"#
        )
        let typeID = try #require(type.json?["volume_type"]?["id"]?.stringValue)
        let encrypted = try await send(client, .post, "/types/\(typeID)/encryption", as: admin, body: encryption)
        #expect(encrypted.status == .ok, "\(encrypted.text)")
        return typeID
    }

    @Test func createCloneSnapshotAndDeleteFollowTheirKeys() async throws {
        let keys = RecordingKeyManager()
        try await APIHarness.run(trustIdentityHeaders: true, keyManager: keys) { client, casts, api in
            let (typeID, volumeID) = try await Self.encryptedVolume(client, api)
            let volume = try await api.store.volume(id: volumeID, scope: .allProjects)
            let keyID = try #require(volume.encryptionKeyID)
            #expect(keys.calls == [.init(operation: "create:aes:256", id: nil, projectID: Self.project)])
            #expect(keys.secret(keyID)?.bitLength == 256)
            // 3.64 shows the key id; `encrypted` is true at every version.
            let shown = try await Self.send(
                client,
                .get,
                "/volumes/\(volumeID)",
                as: TransferAPITests.at(Self.alice, "3.64")
            )
            #expect(shown.json?["volume"]?["encryption_key_id"] == .string(keyID))
            #expect(shown.json?["volume"]?["encrypted"] == true)

            // A clone gets a key of its own holding the same secret.
            let cloneID = try await client.createVolume(
                #"{"volume": {"source_volid": "\#(volumeID)"}}"#,
                headers: Self.alice,
                project: Self.project
            )
            let cloneKey = try #require(try await api.store.volume(id: cloneID, scope: .allProjects).encryptionKeyID)
            #expect(cloneKey != keyID && keys.secret(cloneKey) == keys.secret(keyID))
            #expect(
                keys.calls.suffix(2)
                    == [
                        .init(operation: "get", id: keyID, projectID: Self.project),
                        .init(operation: "store", id: nil, projectID: Self.project),
                    ]
            )

            // A snapshot keeps its volume's key id (cinder's `encryption_key_id: volume[...]`);
            // a volume from it gets a clone of that key.
            let snapped = try await Self.send(
                client,
                .post,
                "/snapshots",
                body: #"{"snapshot": {"volume_id": "\#(volumeID)"}}"#
            )
            let snapshotID = try #require(snapped.json?["snapshot"]?["id"]?.stringValue, "\(snapped.text)")
            #expect(try await api.store.snapshot(id: snapshotID, scope: .allProjects).encryptionKeyID == keyID)
            _ = try await api.store.updateSnapshot(id: snapshotID, [.status(.available)])
            let fromSnapshot = try await client.createVolume(
                #"{"volume": {"snapshot_id": "\#(snapshotID)"}}"#,
                headers: Self.alice,
                project: Self.project
            )
            let snapshotCopyKey = try #require(
                try await api.store.volume(id: fromSnapshot, scope: .allProjects).encryptionKeyID
            )
            #expect(![keyID, cloneKey].contains(snapshotCopyKey))
            #expect(keys.secret(snapshotCopyKey) == keys.secret(keyID))

            // Delete takes the key before the cast; the others' keys stay.
            _ = try await api.store.updateVolume(id: cloneID, [.status(.available), .host("node@alpha#alpha")])
            let deleted = try await Self.send(client, .delete, "/volumes/\(cloneID)")
            #expect(deleted.status == .accepted, "\(deleted.text)")
            #expect(keys.calls.last == .init(operation: "delete", id: cloneKey, projectID: Self.project))
            #expect(keys.keyIDs == [keyID, snapshotCopyKey])
            #expect(casts.casts.contains("delete_volume:\(cloneID)"))

            // A volume that never reached a backend is deleted at once, its key with it.
            let hostless = try await client.createVolume(
                #"{"volume": {"size": 1, "volume_type": "\#(typeID)"}}"#,
                headers: Self.alice,
                project: Self.project
            )
            let hostlessKey = try #require(
                try await api.store.volume(id: hostless, scope: .allProjects).encryptionKeyID
            )
            #expect(try await Self.send(client, .delete, "/volumes/\(hostless)").status == .accepted)
            #expect(!keys.keyIDs.contains(hostlessKey))
        }
    }

    @Test func aKeyManagerThatFailsKeepsTheVolumeAndTheKey() async throws {
        let keys = RecordingKeyManager()
        try await APIHarness.run(trustIdentityHeaders: true, keyManager: keys) { client, casts, api in
            let (_, volumeID) = try await Self.encryptedVolume(client, api)
            let keyID = try #require(try await api.store.volume(id: volumeID, scope: .allProjects).encryptionKeyID)
            // The key is already gone from the key manager: the delete goes on (cinder ignores
            // ManagedObjectNotFoundError).
            try await keys.deleteKey(KeyManagerContext(requestID: "test"), id: keyID)
            #expect(try await Self.send(client, .delete, "/volumes/\(volumeID)").status == .accepted)
            #expect(casts.casts.contains("delete_volume:\(volumeID)"))
        }
        let broken = RecordingKeyManager(failing: .unavailable("connection refused"))
        try await APIHarness.run(trustIdentityHeaders: true, keyManager: broken) { client, casts, api in
            // Create: cinder's terse 400, nothing stored, no quota used.
            let typeID = try await Self.encryptedType(client)
            let refused = try await Self.send(
                client,
                .post,
                "/volumes",
                body: #"{"volume": {"size": 1, "volume_type": "luks"}}"#
            )
            #expect(refused.status == .badRequest)
            #expect(refused.json?["badRequest"]?["message"] == "Key manager error")
            #expect(try await api.listVolumes(.init(scope: .allProjects)).items.isEmpty)
            #expect(try await api.store.quotaUsages(projectID: Self.project)["volumes"]?.inUse ?? 0 == 0)
            #expect(casts.casts.isEmpty)

            // Delete: the volume goes to error_deleting with cinder's message and nothing is cast.
            let volume = try await api.store.createVolume(
                Volume(
                    userID: "alice",
                    projectID: Self.project,
                    size: 1,
                    volumeTypeID: typeID,
                    status: .available,
                    host: "node@alpha#alpha",
                    encryptionKeyID: "4f1c2b3a-5d6e-4f70-8a9b-0c1d2e3f4a5b"
                )
            )
            let delete = try await Self.send(client, .delete, "/volumes/\(volume.id)")
            #expect(delete.status == .badRequest)
            #expect(
                delete.json?["badRequest"]?["message"] == "Invalid volume: Unable to delete encryption key for volume."
            )
            #expect(try await api.store.volume(id: volume.id, scope: .allProjects).status == .errorDeleting)
            #expect(casts.casts.isEmpty)
        }
    }

    @Test func withoutAKeyManagerOnlyEncryptedVolumesAreRefused() async throws {
        let none = KeyManagerFactory.makeOrUnavailable(KeyManagerConfiguration(backend: .barbican))
        try await APIHarness.run(trustIdentityHeaders: true, keyManager: none) { client, casts, api in
            _ = try await client.createVolume(#"{"volume": {"size": 1}}"#, headers: Self.alice, project: Self.project)
            _ = try await Self.encryptedType(client)
            let refused = try await Self.send(
                client,
                .post,
                "/volumes",
                body: #"{"volume": {"size": 1, "volume_type": "luks"}}"#
            )
            #expect(refused.status == .badRequest)
            #expect(
                refused.json?["badRequest"]?["message"]
                    == "Key manager error: [key_manager] backend = barbican is not available in this build of Ember."
            )
            #expect(try await api.listVolumes(.init(scope: .allProjects)).items.count == 1)
        }
    }

    @Test func theTypeDecidesWhatIsRefused() async throws {
        let keys = RecordingKeyManager()
        try await APIHarness.run(trustIdentityHeaders: true, keyManager: keys) { client, _, api in
            // No cipher: cinder's InvalidVolumeType, no key made.
            let noCipher = try await Self.send(
                client,
                .post,
                "/types",
                as: Self.admin,
                body: #"{"volume_type": {"name": "nocipher"}}"#
            )
            let noCipherID = try #require(noCipher.json?["volume_type"]?["id"]?.stringValue)
            _ = try await Self.send(
                client,
                .post,
                "/types/\(noCipherID)/encryption",
                as: Self.admin,
                body: #"{"encryption": {"provider": "luks", "control_location": "front-end"}}"#
            )
            let refused = try await Self.send(
                client,
                .post,
                "/volumes",
                body: #"{"volume": {"size": 1, "volume_type": "nocipher"}}"#
            )
            #expect(refused.status == .badRequest)
            #expect(refused.json?["badRequest"]?["message"] == "Invalid encryption spec")

            // Multiattach and encryption do not go together.
            let multi = try await Self.send(
                client,
                .post,
                "/types",
                as: Self.admin,
                body: #"{"volume_type": {"name": "multi", "extra_specs": {"multiattach": "<is> True"}}}"#
            )
            let multiID = try #require(multi.json?["volume_type"]?["id"]?.stringValue)
            _ = try await Self.send(
                client,
                .post,
                "/types/\(multiID)/encryption",
                as: Self.admin,
                body: EncryptionTypesAPITests.luks
            )
            let both = try await Self.send(
                client,
                .post,
                "/volumes",
                body: #"{"volume": {"size": 1, "volume_type": "multi"}}"#
            )
            #expect(both.status == .badRequest)
            #expect(
                both.json?["badRequest"]?["message"]
                    == "Invalid volume: Multiattach cannot be used with encrypted volumes."
            )
            #expect(keys.calls.isEmpty)
            #expect(try await api.listVolumes(.init(scope: .allProjects)).items.isEmpty)
        }
    }

    @Test func encryptionMetadataAsOsBrickReadsIt() async throws {
        let keys = RecordingKeyManager()
        try await APIHarness.run(trustIdentityHeaders: true, keyManager: keys) { client, _, api in
            let (_, volumeID) = try await Self.encryptedVolume(client, api)
            let keyID = try #require(try await api.store.volume(id: volumeID, scope: .allProjects).encryptionKeyID)
            let plainID = try await client.createVolume(
                #"{"volume": {"size": 1}}"#,
                headers: Self.alice,
                project: Self.project
            )
            let metadata = try await Self.send(client, .get, "/volumes/\(volumeID)/encryption")
            #expect(
                metadata.json
                    == [
                        "encryption_key_id": .string(keyID), "control_location": "front-end",
                        "cipher": "aes-xts-plain64", "key_size": 256, "provider": "luks",
                    ]
            )
            // The reader may read it; another project may not see the volume.
            let reader = TransferAPITests.ann
            #expect(try await Self.send(client, .get, "/volumes/\(volumeID)/encryption", as: reader).status == .ok)
            let other = try await TransferAPITests.send(
                client,
                .get,
                "/volumes/\(volumeID)/encryption",
                as: TransferAPITests.bob,
                project: TransferAPITests.projectB
            )
            #expect(other.status == .notFound)
            #expect(
                try await Self.send(client, .get, "/volumes/\(plainID)/encryption").json
                    == ["encryption_key_id": .null]
            )
            // `show` answers the bare value, as cinder's controller returns it.
            let provider = try await Self.send(client, .get, "/volumes/\(volumeID)/encryption/provider")
            #expect(provider.status == .ok && provider.text == "luks")
            let keyText = try await Self.send(client, .get, "/volumes/\(volumeID)/encryption/encryption_key_id")
            #expect(keyText.text == keyID)
            let none = try await Self.send(client, .get, "/volumes/\(plainID)/encryption/encryption_key_id")
            #expect(none.status == .ok && none.text.isEmpty)
            #expect(none.headers[.contentType] == "application/json")
            #expect(try await Self.send(client, .get, "/volumes/\(plainID)/encryption/cipher").status == .notFound)
        }
    }

    @Test func aTransferHandsTheKeyToTheNewOwner() async throws {
        let keys = RecordingKeyManager()
        try await APIHarness.run(trustIdentityHeaders: true, keyManager: keys) { client, recorder, api in
            let (_, volumeID) = try await Self.encryptedVolume(client, api)
            let original = try #require(try await api.store.volume(id: volumeID, scope: .allProjects).encryptionKeyID)
            let secret = keys.secret(original)
            let offer = try await TransferAPITests.offer(client, volumeID)
            // Offered: the service holds a copy, the owner's key is gone.
            let held = try #require(try await api.store.volume(id: volumeID, scope: .allProjects).encryptionKeyID)
            #expect(held != original && keys.owner(held) == .some(nil) && keys.secret(held) == secret)
            #expect(!keys.keyIDs.contains(original))

            let accepted = try await TransferAPITests.accept(client, offer.id, key: offer.key, as: TransferAPITests.bob)
            #expect(accepted.status == .accepted, "\(accepted.text)")
            let volume = try await api.store.volume(id: volumeID, scope: .allProjects)
            let received = try #require(volume.encryptionKeyID)
            #expect(volume.projectID == TransferAPITests.projectB)
            #expect(keys.owner(received) == .some(TransferAPITests.projectB) && keys.secret(received) == secret)
            #expect(keys.keyIDs == [received])
            #expect(recorder.casts.contains { $0.hasPrefix("accept_transfer:\(volumeID)") })

            // A deleted offer gives the key back to its owner.
            let (_, second) = try await Self.encryptedVolume(client, api, typeName: "luks2")
            let offered = try await TransferAPITests.offer(client, second)
            let deleted = try await Self.send(client, .delete, "/volume-transfers/\(offered.id)")
            #expect(deleted.status == .accepted, "\(deleted.text)")
            let back = try #require(try await api.store.volume(id: second, scope: .allProjects).encryptionKeyID)
            #expect(keys.owner(back) == .some(Self.project))
            #expect(try await api.store.volume(id: second, scope: .allProjects).status == .available)
        }
    }

    @Test func theFixedKeyManagerGivesEveryVolumeTheAllZeroKey() async throws {
        let fixed = try FixedKeyManager(fixedKey: String(repeating: "ab", count: 32))
        try await APIHarness.run(trustIdentityHeaders: true, keyManager: fixed) { client, _, api in
            let (_, volumeID) = try await Self.encryptedVolume(client, api)
            let volume = try await api.store.volume(id: volumeID, scope: .allProjects)
            #expect(volume.encryptionKeyID == FixedKeyManager.keyID)
            let cloneID = try await client.createVolume(
                #"{"volume": {"source_volid": "\#(volumeID)"}}"#,
                headers: Self.alice,
                project: Self.project
            )
            #expect(
                try await api.store.volume(id: cloneID, scope: .allProjects).encryptionKeyID == FixedKeyManager.keyID
            )
            // cinder hides the fixed key's id at 3.64 but still calls the volume encrypted.
            let shown = try await Self.send(
                client,
                .get,
                "/volumes/\(volumeID)",
                as: TransferAPITests.at(Self.alice, "3.64")
            )
            #expect(shown.json?["volume"]?["encryption_key_id"] == nil)
            #expect(shown.json?["volume"]?["encrypted"] == true)
            #expect(try await Self.send(client, .delete, "/volumes/\(volumeID)").status == .accepted)
        }
    }

    @Test func imagesKeepCindersKeySemantics() async throws {
        let keys = RecordingKeyManager()
        try await APIHarness.run(trustIdentityHeaders: true, keyManager: keys) { client, casts, api in
            let (typeID, volumeID) = try await Self.encryptedVolume(client, api)
            let volumeKey = try #require(try await api.store.volume(id: volumeID, scope: .allProjects).encryptionKeyID)
            let alice = Identity(userID: "alice", projectID: Self.project, roles: ["member", "reader"])
            func image(_ properties: JSONObject) -> GlanceImage {
                var fields: JSONObject = ["id": "img", "status": "active", "min_disk": 0, "size": .int(1 << 20)]
                for entry in properties.entries { fields[entry.key] = entry.value }
                return GlanceImage(fields: fields, baseProperties: ["id", "status", "size", "min_disk"])
            }

            // An image uploaded from an encrypted volume carries its own key: the new volume
            // gets a clone of it.
            let imageKey = try await keys.store(
                KeyManagerContext(requestID: "t"),
                key: #require(keys.secret(volumeKey))
            )
            let fromEncrypted = try await api.createVolume(
                VolumeCreateRequest(
                    size: 1,
                    volumeType: typeID,
                    image: image(["cinder_encryption_key_id": .string(imageKey)])
                ),
                caller: alice,
                requestID: "req-image"
            )
            let cloned = try #require(fromEncrypted.encryptionKeyID)
            #expect(cloned != imageKey && keys.secret(cloned) == keys.secret(imageKey))
            #expect(keys.calls.suffix(2).map(\.operation) == ["get", "store"])

            // An unencrypted image cannot become an encrypted volume here (cinder writes it
            // through dm-crypt on the volume host); nothing is stored and no key made.
            let before = keys.calls.count
            await #expect(
                throws: EmberError.badRequest(
                    "Invalid input received: Creating an encrypted volume from an unencrypted image is not supported."
                )
            ) {
                try await api.createVolume(
                    VolumeCreateRequest(size: 1, volumeType: typeID, image: image([:])),
                    caller: alice,
                    requestID: "req-image"
                )
            }
            #expect(keys.calls.count == before)
            #expect(try await api.listVolumes(.init(scope: .allProjects)).items.count == 2)

            // Upload: an encrypted volume goes raw and bare only.
            let converted = try await Self.send(
                client,
                .post,
                "/volumes/\(volumeID)/action",
                body: #"{"os-volume_upload_image": {"image_name": "enc", "disk_format": "qcow2"}}"#
            )
            #expect(converted.status == .badRequest)
            #expect(
                converted.json?["badRequest"]?["message"]
                    == "An encrypted volume uploaded as an image must use 'raw' disk_format and 'bare' container_format, which are the defaults for these options."
            )
            // Without Glance the upload fails as cinder's; the key cloned for the image goes.
            let keysBefore = keys.keyIDs
            let unreachable = try await Self.send(
                client,
                .post,
                "/volumes/\(volumeID)/action",
                body: #"{"os-volume_upload_image": {"image_name": "enc"}}"#
            )
            #expect(unreachable.status == .badRequest)
            #expect(keys.calls.suffix(3).map(\.operation) == ["get", "store", "delete"])
            #expect(keys.keyIDs == keysBefore)
            #expect(try await api.store.volume(id: volumeID, scope: .allProjects).status == .available)
            #expect(!casts.casts.contains { $0.hasPrefix("copy_volume_to_image") })
        }
    }
}

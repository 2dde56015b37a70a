import EmberCore
import EmberKeys
import EmberStore
import Logging

/// The keys of encrypted volumes at the API, as cinder's `volume_utils.create_encryption_key`,
/// `clone_encryption_key` and `delete_encryption_key` use castellan: always with the caller's
/// context (a Barbican secret belongs to the caller's project).
extension VolumeAPI {
    /// The key manager context of a caller: castellan's view of cinder's request context.
    nonisolated func keyContext(_ caller: Identity, requestID: String) -> KeyManagerContext {
        KeyManagerContext(
            requestID: requestID,
            userID: caller.userID,
            projectID: caller.projectID,
            authToken: caller.authToken
        )
    }

    /// `_get_encryption_key_id` of cinder's create flow: nil for a type without encryption; a
    /// clone of `sourceKeyID` (the snapshot's, the source volume's or the image's key) when
    /// there is one; otherwise a new key, its algorithm from the cipher and its length from
    /// `key_size`.
    ///
    /// Failures are cinder's faults: a type whose encryption has no cipher is
    /// `InvalidVolumeType` ("Invalid encryption spec"); a key manager that fails is cinder's
    /// terse 400 "Key manager error" (the cause is logged), or, when the process has no usable
    /// key manager, a 400 that says which setting is missing.
    nonisolated func encryptionKey(
        for encryption: VolumeTypeEncryption?,
        cloning sourceKeyID: String?,
        caller: Identity,
        requestID: String
    ) async throws -> String? {
        guard let encryption else { return nil }
        let context = keyContext(caller, requestID: requestID)
        do {
            if let sourceKeyID {
                return try await keyManager.cloneKey(context, id: sourceKeyID)
            }
            guard let algorithm = encryption.keyAlgorithm else {
                throw EmberError.badRequest("Invalid encryption spec")
            }
            return try await keyManager.createKey(context, algorithm: algorithm, bitLength: encryption.keySize ?? 0)
        } catch let error as KeyManagerError {
            throw keyManagerFault(error, requestID: requestID)
        }
    }

    /// `delete_encryption_key`: a key that is already gone is not an error.
    nonisolated func deleteEncryptionKey(_ id: String, caller: Identity, requestID: String) async throws {
        do {
            try await keyManager.deleteKey(keyContext(caller, requestID: requestID), id: id)
        } catch .notFound {
            return
        }
    }

    /// A key created for a volume that was then not created (quota, a database failure): the
    /// key goes again, as nothing refers to it. Failures are logged, not thrown.
    nonisolated func discardEncryptionKey(_ id: String?, caller: Identity, requestID: String) async {
        guard let id else { return }
        do {
            try await deleteEncryptionKey(id, caller: caller, requestID: requestID)
        } catch {
            logger.warning(
                "Could not delete the key of a volume that was not created",
                metadata: ["key.id": .string(id), "request.id": .string(requestID), "error": "\(error)"]
            )
        }
    }

    /// cinder's answer to a castellan failure: "Key manager error" (400), terse on purpose so
    /// no detail of the key manager leaks; a missing configuration says what is missing.
    nonisolated func keyManagerFault(_ error: KeyManagerError, requestID: String) -> EmberError {
        logger.error(
            "Key manager error",
            metadata: ["request.id": .string(requestID), "error": .string(error.description)]
        )
        if case .misconfigured(let reason) = error {
            return .badRequest("Key manager error: \(reason)")
        }
        return .badRequest("Key manager error")
    }
}

// MARK: - Transfers (3.70)

extension VolumeAPI {
    /// cinder's service context for its key manager (`keymgr/transfer.py`: the Keystone
    /// credentials of `[keystone_authtoken]`): no user, project or token of a caller, so the
    /// key manager acts with the service's own credentials. A key offered for transfer is held
    /// there until the transfer is accepted or deleted.
    nonisolated func serviceKeyContext(requestID: String) -> KeyManagerContext {
        KeyManagerContext(requestID: requestID)
    }

    /// `KeyTransfer.transfer_key`: the volume's key read with `source`, kept anew with
    /// `destination`; the volume and its snapshots take the new id, then the old key is deleted
    /// with `source`. Returns the new id. A failure before the new id is stored changes nothing.
    @discardableResult
    nonisolated func transferKey(
        of volume: Volume,
        from source: KeyManagerContext,
        to destination: KeyManagerContext
    ) async throws -> String? {
        guard let oldID = volume.encryptionKeyID else { return nil }
        let newID: String
        do {
            let secret = try await keyManager.key(source, id: oldID)
            newID = try await keyManager.store(destination, key: secret)
        } catch {
            logger.error(
                "Failed to transfer the encryption key",
                metadata: ["volume.id": .string(volume.id), "error": .string(error.description)]
            )
            throw keyManagerFault(error, requestID: source.requestID)
        }
        _ = try await store.updateVolume(id: volume.id, [.encryptionKeyID(newID)])
        let snapshots = try await store.listSnapshots(
            ListQuery(scope: .allProjects, filters: [.equals("volume_id", volume.id)])
        )
        for snapshot in snapshots.items {
            _ = try await store.updateSnapshot(id: snapshot.id, [.encryptionKeyID(newID)])
        }
        if newID != oldID {
            do {
                try await keyManager.deleteKey(source, id: oldID)
            } catch {
                logger.warning(
                    "Could not delete the transferred key's old copy",
                    metadata: ["volume.id": .string(volume.id), "error": "\(error)"]
                )
            }
        }
        return newID
    }
}

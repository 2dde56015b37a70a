import EmberCore
import Foundation

/// The encryption of volume types (cinder's `volume_type_encryption_*` db API and
/// `volume_type_encryption_volume_get`), one live row per type in the `encryption` table.
public protocol EncryptionStore: Sendable {
    /// `volume_type_encryption_get`: the live encryption of the type, nil when it has none.
    func volumeTypeEncryption(volumeTypeID: String) async throws(StoreError) -> VolumeTypeEncryption?
    /// `volume_type_encryption_create`: nil, with nothing written, when the type already has a
    /// live encryption.
    func createVolumeTypeEncryption(
        _ encryption: VolumeTypeEncryption
    ) async throws(StoreError) -> VolumeTypeEncryption?
    /// `volume_type_encryption_update`: nil, with nothing written, when the type has no live
    /// encryption.
    func updateVolumeTypeEncryption(
        volumeTypeID: String,
        _ changes: VolumeTypeEncryptionChanges
    ) async throws(StoreError) -> VolumeTypeEncryption?
    /// `volume_type_encryption_delete` (a soft delete): false when the type has no live
    /// encryption.
    func deleteVolumeTypeEncryption(volumeTypeID: String) async throws(StoreError) -> Bool
    /// Whether live volumes (of any project) have the type
    /// (`volume_type_encryption_volume_get` is not empty).
    func volumeTypeHasVolumes(volumeTypeID: String) async throws(StoreError) -> Bool
}

extension SQLStore {
    public func volumeTypeEncryption(volumeTypeID: String) async throws(StoreError) -> VolumeTypeEncryption? {
        try await reading { executor in
            try await Self.liveEncryption(volumeTypeID: volumeTypeID, executor: executor)
        }
    }

    public func createVolumeTypeEncryption(
        _ encryption: VolumeTypeEncryption
    ) async throws(StoreError) -> VolumeTypeEncryption? {
        try await writing { executor in
            if try await Self.liveEncryption(volumeTypeID: encryption.volumeTypeID, executor: executor) != nil {
                return nil
            }
            _ = try await executor.insert(
                "encryption",
                [
                    ("encryption_id", .text(encryption.encryptionID)),
                    ("volume_type_id", .text(encryption.volumeTypeID)),
                    ("provider", encryption.provider.sqlValue), ("cipher", encryption.cipher.sqlValue),
                    ("key_size", encryption.keySize.sqlValue),
                    ("control_location", encryption.controlLocation.sqlValue),
                    ("created_at", .date(SQLTimestamp.truncated(encryption.createdAt))), ("deleted", .bool(false)),
                ]
            )
            return try await Self.liveEncryption(volumeTypeID: encryption.volumeTypeID, executor: executor)
        }
    }

    public func updateVolumeTypeEncryption(
        volumeTypeID: String,
        _ changes: VolumeTypeEncryptionChanges
    ) async throws(StoreError) -> VolumeTypeEncryption? {
        try await writing { executor in
            guard let current = try await Self.liveEncryption(volumeTypeID: volumeTypeID, executor: executor) else {
                return nil
            }
            var assignments: Assignments = [("updated_at", .date(self.now()))]
            if let provider = changes.provider { assignments.append(("provider", provider.sqlValue)) }
            if let cipher = changes.cipher { assignments.append(("cipher", cipher.sqlValue)) }
            if let keySize = changes.keySize { assignments.append(("key_size", keySize.sqlValue)) }
            if let location = changes.controlLocation { assignments.append(("control_location", location.sqlValue)) }
            let sets = assignments.map { SQL.raw("\"" + $0.column + "\" = ") + SQL.bind($0.value) }
            try await executor.execute(
                """
                UPDATE encryption SET \(SQL.joined(sets, separator: ", ")) \
                WHERE encryption_id = \(current.encryptionID) AND deleted = FALSE
                """
            )
            return try await Self.liveEncryption(volumeTypeID: volumeTypeID, executor: executor)
        }
    }

    public func deleteVolumeTypeEncryption(volumeTypeID: String) async throws(StoreError) -> Bool {
        try await writing { executor in
            let now = self.now()
            let deleted = try await executor.query(
                """
                UPDATE encryption SET deleted = TRUE, deleted_at = \(now) \
                WHERE volume_type_id = \(volumeTypeID) AND deleted = FALSE RETURNING encryption_id
                """
            )
            return !deleted.isEmpty
        }
    }

    public func volumeTypeHasVolumes(volumeTypeID: String) async throws(StoreError) -> Bool {
        try await reading { executor in
            try await executor.first(
                "SELECT id FROM volumes WHERE volume_type_id = \(volumeTypeID) AND deleted = FALSE LIMIT 1"
            ) != nil
        }
    }

    static func liveEncryption(
        volumeTypeID: String,
        executor: any SQLExecutor
    ) async throws -> VolumeTypeEncryption? {
        try await executor.first(
            "SELECT * FROM encryption WHERE volume_type_id = \(volumeTypeID) AND deleted = FALSE"
        ).map(Self.encryption(from:))
    }

    static func encryption(from row: SQLRow) throws(StoreError) -> VolumeTypeEncryption {
        VolumeTypeEncryption(
            encryptionID: try row["encryption_id"],
            volumeTypeID: try row["volume_type_id"],
            provider: try row["provider"],
            cipher: try row["cipher"],
            keySize: try row["key_size"],
            controlLocation: try row["control_location"],
            createdAt: try row["created_at"],
            updatedAt: try row["updated_at"],
            deletedAt: try row["deleted_at"],
            deleted: try row["deleted"]
        )
    }
}

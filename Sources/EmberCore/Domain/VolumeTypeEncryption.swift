import Foundation

/// The encryption of a volume type (cinder's `encryption` table): how volumes of the type are
/// encrypted (`provider`, `cipher`, `key_size`) and on which side (`control_location`).
///
/// cinder keeps what the API was given without checking the provider (the backend checks it
/// when it formats a volume, see ``formatName``); a type has at most one live row.
public struct VolumeTypeEncryption: Sendable, Equatable {
    /// `encryption_id`: the row's own id.
    public var encryptionID: String
    public var volumeTypeID: String
    public var provider: String?
    public var cipher: String?
    public var keySize: Int?
    /// `front-end` or `back-end`.
    public var controlLocation: String?
    public var createdAt: Date
    public var updatedAt: Date?
    public var deletedAt: Date?
    public var deleted: Bool

    public init(
        encryptionID: String = UUID().uuidString.lowercased(),
        volumeTypeID: String,
        provider: String?,
        cipher: String? = nil,
        keySize: Int? = nil,
        controlLocation: String?,
        createdAt: Date = Date(),
        updatedAt: Date? = nil,
        deletedAt: Date? = nil,
        deleted: Bool = false
    ) {
        self.encryptionID = encryptionID
        self.volumeTypeID = volumeTypeID
        self.provider = provider
        self.cipher = cipher
        self.keySize = keySize
        self.controlLocation = controlLocation
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.deletedAt = deletedAt
        self.deleted = deleted
    }

    /// os-brick's `LEGACY_PROVIDER_CLASS_TO_FORMAT_MAP`: the class names older releases stored
    /// as the provider, by the format they stand for (nil: no encryption, the no-op encryptor).
    public static let legacyProviderFormats: [String: String?] = [
        "nova.volume.encryptors.luks.LuksEncryptor": "luks",
        "nova.volume.encryptors.cryptsetup.CryptsetupEncryptor": "plain",
        "nova.volume.encryptors.nop.NoopEncryptor": nil,
        "os_brick.encryptors.luks.LuksEncryptor": "luks",
        "os_brick.encryptors.cryptsetup.CryptsetupEncryptor": "plain",
        "os_brick.encryptors.nop.NoopEncryptor": nil,
        "LuksEncryptor": "luks",
        "CryptsetupEncryptor": "plain",
        "NoOpEncryptor": nil,
    ]

    /// The format the provider names once os-brick's legacy class names are mapped
    /// (`luks`, `luks2`, `plain`, or what was stored); nil for the no-op encryptor.
    public var formatName: String? {
        guard let provider else { return nil }
        if let mapped = Self.legacyProviderFormats[provider] { return mapped }
        return provider
    }

    /// The key algorithm cinder's `create_encryption_key` asks for: the cipher up to its first
    /// `-` (`aes` of `aes-xts-plain64`); nil without a cipher.
    public var keyAlgorithm: String? {
        guard let cipher, !cipher.isEmpty else { return nil }
        return String(cipher.split(separator: "-", omittingEmptySubsequences: false).first ?? "")
    }

    /// What `volume_types_encryption_changed` compares: everything but the ids and times.
    public func sameEncryption(as other: VolumeTypeEncryption?) -> Bool {
        guard let other else { return false }
        return provider == other.provider && cipher == other.cipher && keySize == other.keySize
            && controlLocation == other.controlLocation
    }

    /// `volume_types_encryption_changed(a, b)`: false when neither type is encrypted or both
    /// are encrypted the same way.
    public static func changed(_ old: VolumeTypeEncryption?, _ new: VolumeTypeEncryption?) -> Bool {
        switch (old, new) {
        case (nil, nil): false
        case (let old?, let new): !old.sameEncryption(as: new)
        case (nil, .some): true
        }
    }
}

/// The changes of a volume type encryption update: a nil field is left alone, `.some(nil)`
/// clears the column (cinder's `volume_type_encryption_update` writes the keys it is given).
public struct VolumeTypeEncryptionChanges: Sendable, Equatable {
    public var provider: String??
    public var cipher: String??
    public var keySize: Int??
    public var controlLocation: String??

    public init(
        provider: String?? = nil,
        cipher: String?? = nil,
        keySize: Int?? = nil,
        controlLocation: String?? = nil
    ) {
        self.provider = provider
        self.cipher = cipher
        self.keySize = keySize
        self.controlLocation = controlLocation
    }
}

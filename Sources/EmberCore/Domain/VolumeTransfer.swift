import Foundation

/// A volume transfer row (`transfers`): the offer of one volume to whichever project presents
/// the transfer's auth key. The key itself is never stored: `salt` and `cryptHash` (the
/// HMAC-SHA1 of the key under the salt, as cinder's `transfer/api.py` computes it) are.
public struct VolumeTransfer: Sendable, Equatable {
    public var id: String
    public var volumeID: String
    public var displayName: String?
    public var salt: String
    public var cryptHash: String
    public var expiresAt: Date?
    /// 3.55: the volume moves without its snapshots.
    public var noSnapshots: Bool
    /// 3.57: the project that offered the volume.
    public var sourceProjectID: String?
    /// 3.57: the project that accepted it (set on accept).
    public var destinationProjectID: String?
    /// 3.57: whether the transfer was accepted (an accepted transfer is also deleted).
    public var accepted: Bool
    public var createdAt: Date
    public var updatedAt: Date?
    public var deletedAt: Date?
    public var deleted: Bool

    public init(
        id: String = UUID().uuidString.lowercased(),
        volumeID: String,
        displayName: String?,
        salt: String,
        cryptHash: String,
        expiresAt: Date? = nil,
        noSnapshots: Bool = false,
        sourceProjectID: String?,
        destinationProjectID: String? = nil,
        accepted: Bool = false,
        createdAt: Date = Date(),
        updatedAt: Date? = nil,
        deletedAt: Date? = nil,
        deleted: Bool = false
    ) {
        self.id = id
        self.volumeID = volumeID
        self.displayName = displayName
        self.salt = salt
        self.cryptHash = cryptHash
        self.expiresAt = expiresAt
        self.noSnapshots = noSnapshots
        self.sourceProjectID = sourceProjectID
        self.destinationProjectID = destinationProjectID
        self.accepted = accepted
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.deletedAt = deletedAt
        self.deleted = deleted
    }
}

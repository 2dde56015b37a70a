import Foundation

/// A backup row (`backups`).
public struct Backup: Sendable, Equatable {
    public var id: String
    public var volumeID: String
    public var userID: String?
    public var projectID: String?
    public var host: String?
    public var availabilityZone: String?
    public var displayName: String?
    public var displayDescription: String?
    public var container: String?
    public var parentID: String?
    public var status: BackupStatus
    public var failReason: String?
    public var service: String?
    public var size: Int?
    public var objectCount: Int?
    public var snapshotID: String?
    public var dataTimestamp: Date?
    public var restoreVolumeID: String?
    public var numDependentBackups: Int
    /// The object name prefix the backup driver chose (cinder's `service_metadata`).
    public var serviceMetadata: String?
    public var encryptionKeyID: String?
    /// `backup_metadata` (API 3.43).
    public var metadata: [String: String]
    public var createdAt: Date
    public var updatedAt: Date?
    public var deletedAt: Date?
    public var deleted: Bool

    public init(
        id: String = UUID().uuidString.lowercased(),
        volumeID: String,
        userID: String?,
        projectID: String?,
        size: Int?,
        status: BackupStatus = .creating,
        host: String? = nil,
        availabilityZone: String? = nil,
        displayName: String? = nil,
        displayDescription: String? = nil,
        container: String? = nil,
        parentID: String? = nil,
        failReason: String? = nil,
        service: String? = nil,
        objectCount: Int? = nil,
        snapshotID: String? = nil,
        dataTimestamp: Date? = nil,
        restoreVolumeID: String? = nil,
        numDependentBackups: Int = 0,
        serviceMetadata: String? = nil,
        encryptionKeyID: String? = nil,
        metadata: [String: String] = [:],
        createdAt: Date = Date(),
        updatedAt: Date? = nil,
        deletedAt: Date? = nil,
        deleted: Bool = false
    ) {
        self.id = id
        self.volumeID = volumeID
        self.userID = userID
        self.projectID = projectID
        self.host = host
        self.availabilityZone = availabilityZone
        self.displayName = displayName
        self.displayDescription = displayDescription
        self.container = container
        self.parentID = parentID
        self.status = status
        self.failReason = failReason
        self.service = service
        self.size = size
        self.objectCount = objectCount
        self.snapshotID = snapshotID
        self.dataTimestamp = dataTimestamp
        self.restoreVolumeID = restoreVolumeID
        self.numDependentBackups = numDependentBackups
        self.serviceMetadata = serviceMetadata
        self.encryptionKeyID = encryptionKeyID
        self.metadata = metadata
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.deletedAt = deletedAt
        self.deleted = deleted
    }
}

/// One field change on a backup row.
public enum BackupUpdate: Sendable, Equatable {
    case status(BackupStatus)
    case failReason(String?)
    case host(String?)
    case service(String?)
    case container(String?)
    case size(Int?)
    case objectCount(Int?)
    case displayName(String?)
    case displayDescription(String?)
    case restoreVolumeID(String?)
    case numDependentBackups(Int)
    case serviceMetadata(String?)
    case availabilityZone(String?)
    case dataTimestamp(Date?)
    case objectCountAndSize(objectCount: Int?, size: Int?)
    case volumeID(String)
    case parentID(String?)
    case snapshotID(String?)
    case encryptionKeyID(String?)
}

extension Backup {
    /// `is_incremental`: the backup has a parent.
    public var isIncremental: Bool { parentID != nil }
    /// `has_dependent_backups`: incremental backups build on this one.
    public var hasDependentBackups: Bool { numDependentBackups > 0 }
}

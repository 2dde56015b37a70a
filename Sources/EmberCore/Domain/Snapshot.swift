import Foundation

/// A snapshot row (`snapshots`) with its metadata.
public struct Snapshot: Sendable, Equatable {
    public var id: String
    public var volumeID: String
    public var userID: String?
    public var projectID: String?
    public var status: SnapshotStatus
    public var progress: String?
    public var volumeSize: Int?
    public var displayName: String?
    public var displayDescription: String?
    public var volumeTypeID: String
    public var encryptionKeyID: String?
    public var providerLocation: String?
    public var providerID: String?
    public var providerAuth: String?
    public var groupSnapshotID: String?
    public var useQuota: Bool
    public var createdAt: Date
    public var updatedAt: Date?
    public var deletedAt: Date?
    public var deleted: Bool
    public var metadata: [String: String]

    public init(
        id: String = UUID().uuidString.lowercased(),
        volumeID: String,
        userID: String?,
        projectID: String?,
        volumeSize: Int?,
        volumeTypeID: String,
        status: SnapshotStatus = .creating,
        progress: String? = nil,
        displayName: String? = nil,
        displayDescription: String? = nil,
        encryptionKeyID: String? = nil,
        providerLocation: String? = nil,
        providerID: String? = nil,
        providerAuth: String? = nil,
        groupSnapshotID: String? = nil,
        useQuota: Bool = true,
        createdAt: Date = Date(),
        updatedAt: Date? = nil,
        deletedAt: Date? = nil,
        deleted: Bool = false,
        metadata: [String: String] = [:]
    ) {
        self.id = id
        self.volumeID = volumeID
        self.userID = userID
        self.projectID = projectID
        self.status = status
        self.progress = progress
        self.volumeSize = volumeSize
        self.displayName = displayName
        self.displayDescription = displayDescription
        self.volumeTypeID = volumeTypeID
        self.encryptionKeyID = encryptionKeyID
        self.providerLocation = providerLocation
        self.providerID = providerID
        self.providerAuth = providerAuth
        self.groupSnapshotID = groupSnapshotID
        self.useQuota = useQuota
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.deletedAt = deletedAt
        self.deleted = deleted
        self.metadata = metadata
    }
}

/// One field change on a snapshot row.
public enum SnapshotUpdate: Sendable, Equatable {
    case status(SnapshotStatus)
    case progress(String?)
    case displayName(String?)
    case displayDescription(String?)
    case providerLocation(String?)
    case providerID(String?)
    case providerAuth(String?)
    case volumeSize(Int?)
    case projectID(String)
    case userID(String)
    case useQuota(Bool)
    /// The type follows its volume's after a retype.
    case volumeTypeID(String)
    /// The key follows its volume's when a transfer moves the key to another owner.
    case encryptionKeyID(String?)
}

/// What a conditional snapshot update expects of the current row.
public struct SnapshotCondition: Sendable, Equatable {
    public var status: Set<SnapshotStatus>?
    public var statusNotIn: Set<SnapshotStatus>?
    public var projectID: String?
    public var volumeID: String?
    /// `group_snapshot_id` must be NULL.
    public var notInGroupSnapshot: Bool

    public init(
        status: Set<SnapshotStatus>? = nil,
        statusNotIn: Set<SnapshotStatus>? = nil,
        projectID: String? = nil,
        volumeID: String? = nil,
        notInGroupSnapshot: Bool = false
    ) {
        self.status = status
        self.statusNotIn = statusNotIn
        self.projectID = projectID
        self.volumeID = volumeID
        self.notInGroupSnapshot = notInGroupSnapshot
    }
}

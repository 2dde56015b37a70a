import Foundation

/// A generic volume group's `status` (`cinder/objects/fields.py:GroupStatus`).
public enum GroupStatus: String, Sendable, Hashable, CaseIterable, Codable {
    case error
    case available
    case creating
    case deleting
    case deleted
    case updating
    case inUse = "in-use"
    case errorDeleting = "error_deleting"
}

/// A generic volume group (`groups`): volumes of the group's volume types, on one backend,
/// that are snapshotted together (cinder's `objects/group.py`).
public struct VolumeGroup: Sendable, Equatable {
    public var id: String
    public var userID: String?
    public var projectID: String?
    public var clusterName: String?
    /// `HOST@BACKEND#POOL` once the scheduler placed the group.
    public var host: String?
    public var availabilityZone: String?
    public var name: String?
    public var description: String?
    public var status: GroupStatus
    public var groupTypeID: String
    public var groupSnapshotID: String?
    public var sourceGroupID: String?
    public var replicationStatus: String?
    /// The volume types of the group (`group_volume_type_mapping`), in the order given.
    public var volumeTypeIDs: [String]
    public var createdAt: Date
    public var updatedAt: Date?

    public init(
        id: String = UUID().uuidString.lowercased(),
        userID: String? = nil,
        projectID: String? = nil,
        clusterName: String? = nil,
        host: String? = nil,
        availabilityZone: String? = nil,
        name: String? = nil,
        description: String? = nil,
        status: GroupStatus = .creating,
        groupTypeID: String,
        groupSnapshotID: String? = nil,
        sourceGroupID: String? = nil,
        replicationStatus: String? = "disabled",
        volumeTypeIDs: [String] = [],
        createdAt: Date = Date(),
        updatedAt: Date? = nil
    ) {
        self.id = id
        self.userID = userID
        self.projectID = projectID
        self.clusterName = clusterName
        self.host = host
        self.availabilityZone = availabilityZone
        self.name = name
        self.description = description
        self.status = status
        self.groupTypeID = groupTypeID
        self.groupSnapshotID = groupSnapshotID
        self.sourceGroupID = sourceGroupID
        self.replicationStatus = replicationStatus
        self.volumeTypeIDs = volumeTypeIDs
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// What cinder's policy checks see of the group.
    public var policyTarget: PolicyTarget {
        var target: PolicyTarget = [:]
        if let projectID { target["project_id"] = .string(projectID) }
        if let userID { target["user_id"] = .string(userID) }
        return target
    }
}

/// One field change on a group.
public enum GroupUpdate: Sendable, Equatable {
    case status(GroupStatus)
    case host(String?)
    case clusterName(String?)
    case name(String?)
    case description(String?)
    case updatedAt(Date)
}

/// What a group's conditional update expects of the row (cinder's `conditional_update` with
/// the group filters of `group/api.py:delete`).
public struct GroupCondition: Sendable, Equatable {
    /// The current status must be one of these; nil: any.
    public var status: Set<GroupStatus>?
    /// The group must have no live group snapshot (`~group_has_group_snapshot_filter`).
    public var hasNoGroupSnapshots: Bool
    /// The group must have no live volume that is attached or has live snapshots
    /// (`~group_has_volumes_filter(attached_or_with_snapshots=True)`); with
    /// ``hasNoVolumes`` no live volume at all.
    public var hasNoAttachedOrSnapshottedVolumes: Bool
    /// The group must have no live volume (`~group_has_volumes_filter()`).
    public var hasNoVolumes: Bool
    /// No group is being created from this one or its snapshots (`~group_creating_from_src`).
    public var notSourceOfCreatingGroup: Bool

    public init(
        status: Set<GroupStatus>? = nil,
        hasNoGroupSnapshots: Bool = false,
        hasNoAttachedOrSnapshottedVolumes: Bool = false,
        hasNoVolumes: Bool = false,
        notSourceOfCreatingGroup: Bool = false
    ) {
        self.status = status
        self.hasNoGroupSnapshots = hasNoGroupSnapshots
        self.hasNoAttachedOrSnapshottedVolumes = hasNoAttachedOrSnapshottedVolumes
        self.hasNoVolumes = hasNoVolumes
        self.notSourceOfCreatingGroup = notSourceOfCreatingGroup
    }
}

import Foundation

/// A group snapshot's `status` (`cinder/objects/fields.py:GroupSnapshotStatus`).
public enum GroupSnapshotStatus: String, Sendable, Hashable, CaseIterable, Codable {
    case error
    case available
    case creating
    case deleting
    case deleted
    case updating
    case errorDeleting = "error_deleting"
}

/// A snapshot of every volume of a group at one point in time (`group_snapshots`); the
/// member snapshots carry its id in `group_snapshot_id`.
public struct GroupSnapshot: Sendable, Equatable {
    public var id: String
    public var groupID: String
    public var userID: String?
    public var projectID: String?
    public var name: String?
    public var description: String?
    public var status: GroupSnapshotStatus
    public var groupTypeID: String?
    public var createdAt: Date

    public init(
        id: String = UUID().uuidString.lowercased(),
        groupID: String,
        userID: String? = nil,
        projectID: String? = nil,
        name: String? = nil,
        description: String? = nil,
        status: GroupSnapshotStatus = .creating,
        groupTypeID: String? = nil,
        createdAt: Date = Date()
    ) {
        self.id = id
        self.groupID = groupID
        self.userID = userID
        self.projectID = projectID
        self.name = name
        self.description = description
        self.status = status
        self.groupTypeID = groupTypeID
        self.createdAt = createdAt
    }

    /// What cinder's policy checks see of the group snapshot.
    public var policyTarget: PolicyTarget {
        var target: PolicyTarget = [:]
        if let projectID { target["project_id"] = .string(projectID) }
        if let userID { target["user_id"] = .string(userID) }
        return target
    }
}

/// One field change on a group snapshot.
public enum GroupSnapshotUpdate: Sendable, Equatable {
    case status(GroupSnapshotStatus)
}

/// What a group snapshot's conditional update expects of the row.
public struct GroupSnapshotCondition: Sendable, Equatable {
    /// The current status must be one of these; nil: any.
    public var status: Set<GroupSnapshotStatus>?
    /// No group is being created from this snapshot (`~group_creating_from_src`).
    public var notSourceOfCreatingGroup: Bool

    public init(status: Set<GroupSnapshotStatus>? = nil, notSourceOfCreatingGroup: Bool = false) {
        self.status = status
        self.notSourceOfCreatingGroup = notSourceOfCreatingGroup
    }
}

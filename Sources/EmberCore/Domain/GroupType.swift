import Foundation

/// A group type (`group_types`) with its group specs: what a generic volume group is, as
/// volume types are for volumes (cinder's `volume/group_types.py`).
public struct GroupType: Sendable, Equatable {
    public var id: String
    public var name: String
    public var description: String?
    public var isPublic: Bool
    /// A spec set through the specs API may be null.
    public var groupSpecs: [String: String?]
    public var createdAt: Date
    public var updatedAt: Date?

    public init(
        id: String = UUID().uuidString.lowercased(),
        name: String,
        description: String? = nil,
        isPublic: Bool = true,
        groupSpecs: [String: String?] = [:],
        createdAt: Date = Date(),
        updatedAt: Date? = nil
    ) {
        self.id = id
        self.name = name
        self.description = description
        self.isPublic = isPublic
        self.groupSpecs = groupSpecs
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// The type cinder's initial migration creates for the legacy consistency-group API
    /// (`DEFAULT_CGSNAPSHOT_TYPE`).
    public static let defaultCGSnapshotTypeName = "default_cgsnapshot_type"

    /// The group spec that makes the backend take a group's snapshots at one point in time.
    public static let consistentSnapshotSpec = "consistent_group_snapshot_enabled"
}

/// One field change on a group type (`group_types.update`: nil leaves a field alone).
public struct GroupTypeUpdate: Sendable, Equatable {
    public var name: String?
    public var description: String?
    public var isPublic: Bool?

    public init(name: String? = nil, description: String? = nil, isPublic: Bool? = nil) {
        self.name = name
        self.description = description
        self.isPublic = isPublic
    }
}

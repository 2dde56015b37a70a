import Foundation

/// A volume type (`volume_types`) with its extra specs.
public struct VolumeType: Sendable, Equatable {
    public var id: String
    public var name: String
    public var description: String?
    public var isPublic: Bool
    public var qosSpecsID: String?
    public var extraSpecs: [String: String]
    public var createdAt: Date
    public var updatedAt: Date?
    public var deletedAt: Date?
    public var deleted: Bool

    public init(
        id: String = UUID().uuidString.lowercased(),
        name: String,
        description: String? = nil,
        isPublic: Bool = true,
        qosSpecsID: String? = nil,
        extraSpecs: [String: String] = [:],
        createdAt: Date = Date(),
        updatedAt: Date? = nil,
        deletedAt: Date? = nil,
        deleted: Bool = false
    ) {
        self.id = id
        self.name = name
        self.description = description
        self.isPublic = isPublic
        self.qosSpecsID = qosSpecsID
        self.extraSpecs = extraSpecs
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.deletedAt = deletedAt
        self.deleted = deleted
    }
}

/// One field change on a volume type.
public enum VolumeTypeUpdate: Sendable, Equatable {
    case name(String)
    case description(String?)
    case isPublic(Bool)
    case qosSpecsID(String?)
}

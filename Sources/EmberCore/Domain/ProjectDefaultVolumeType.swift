import Foundation

/// A project's own default volume type (`default_volume_types`, API 3.62): volumes the
/// project creates without a type get it before `default_volume_type`.
public struct ProjectDefaultVolumeType: Sendable, Equatable {
    public var projectID: String
    public var volumeTypeID: String
    public var createdAt: Date
    public var updatedAt: Date?

    public init(projectID: String, volumeTypeID: String, createdAt: Date = Date(), updatedAt: Date? = nil) {
        self.projectID = projectID
        self.volumeTypeID = volumeTypeID
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

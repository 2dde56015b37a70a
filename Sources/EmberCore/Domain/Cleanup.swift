import Foundation

/// cinder's `objects.CleanupRequest`: which services' unfinished work to clean up, and of
/// which resources (`POST /workers/cleanup`, 3.24).
public struct CleanupRequest: Codable, Sendable, Equatable {
    public var serviceID: Int?
    public var clusterName: String?
    public var host: String?
    public var binary: String?
    /// Services that are up (true) or down (false; cinder's default), or either (nil).
    public var isUp: Bool?
    public var disabled: Bool?
    public var resourceID: String?
    public var resourceType: String?
    /// Work last changed after this is not cleaned (ISO 8601).
    public var until: String?

    public init(
        serviceID: Int? = nil,
        clusterName: String? = nil,
        host: String? = nil,
        binary: String? = nil,
        isUp: Bool? = false,
        disabled: Bool? = nil,
        resourceID: String? = nil,
        resourceType: String? = nil,
        until: Date? = nil
    ) {
        self.serviceID = serviceID
        self.clusterName = clusterName
        self.host = host
        self.binary = binary
        self.isUp = isUp
        self.disabled = disabled
        self.resourceID = resourceID
        self.resourceType = resourceType
        self.until = until.map { $0.formatted(Self.untilFormat) }
    }

    /// `until` as a date (nil when absent or not a date).
    public var untilDate: Date? {
        guard let until else { return nil }
        return (try? Date(until, strategy: Self.untilFormat)) ?? (try? Date(until, strategy: .iso8601))
    }

    static let untilFormat = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    enum CodingKeys: String, CodingKey {
        case serviceID = "service_id"
        case clusterName = "cluster_name"
        case host
        case binary
        case isUp = "is_up"
        case disabled
        case resourceID = "resource_id"
        case resourceType = "resource_type"
        case until
    }
}

/// A service as `work_cleanup` answers it (cinder's view: id, host, binary, cluster_name).
public struct CleanupService: Codable, Sendable, Equatable {
    public var id: Int
    public var host: String
    public var binary: String
    public var clusterName: String?

    public init(id: Int, host: String, binary: String, clusterName: String?) {
        self.id = id
        self.host = host
        self.binary = binary
        self.clusterName = clusterName
    }

    enum CodingKeys: String, CodingKey {
        case id, host, binary
        case clusterName = "cluster_name"
    }
}

/// `work_cleanup`'s reply: the services asked to clean, and those that could not be (down,
/// with nobody up to clean for them).
public struct CleanupReply: Codable, Sendable, Equatable {
    public var cleaning: [CleanupService]
    public var unavailable: [CleanupService]

    public init(cleaning: [CleanupService], unavailable: [CleanupService]) {
        self.cleaning = cleaning
        self.unavailable = unavailable
    }
}

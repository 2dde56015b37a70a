import Foundation

/// Usage of one quota resource by one project (`quota_usages`).
public struct QuotaUsage: Sendable, Equatable {
    public var projectID: String
    /// `volumes`, `gigabytes`, `snapshots`, `backups`, `backup_gigabytes`, `groups`,
    /// `volumes_<type>`, `gigabytes_<type>`, `snapshots_<type>`.
    public var resource: String
    public var inUse: Int
    public var reserved: Int

    public init(projectID: String, resource: String, inUse: Int, reserved: Int) {
        self.projectID = projectID
        self.resource = resource
        self.inUse = inUse
        self.reserved = reserved
    }

    public var total: Int { inUse + reserved }
}

/// One resource a reservation would take over its limit.
public struct QuotaOverage: Sendable, Equatable {
    public var resource: String
    /// The positive delta that was asked for.
    public var requested: Int
    /// The hard limit (never -1 here: unlimited resources cannot be over).
    public var limit: Int
    public var inUse: Int
    public var reserved: Int

    public init(resource: String, requested: Int, limit: Int, inUse: Int, reserved: Int) {
        self.resource = resource
        self.requested = requested
        self.limit = limit
        self.inUse = inUse
        self.reserved = reserved
    }
}

/// The reservation `reserve` made: one uuid per resource (cinder returns the list of uuids).
public struct QuotaReservation: Sendable, Equatable {
    public var projectID: String
    public var uuids: [String]

    public init(projectID: String, uuids: [String]) {
        self.projectID = projectID
        self.uuids = uuids
    }
}

extension QuotaReservation {
    /// The deltas cinder reserves to create a volume of `size` GiB of type `typeName` (the
    /// negation gives them back when it is deleted).
    public static func volumeDeltas(size: Int, typeName: String) -> [String: Int] {
        ["volumes": 1, "gigabytes": size, "volumes_\(typeName)": 1, "gigabytes_\(typeName)": size]
    }
}

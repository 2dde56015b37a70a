import Foundation

/// A service row (`services`), named so it does not clash with ServiceLifecycle's `Service`: one running `ember volume`/`scheduler`/`api` on a host.
public struct ServiceRecord: Sendable, Equatable {
    /// Integer primary key, assigned by the store.
    public var id: Int
    public var uuid: String
    public var host: String
    public var binary: String
    public var topic: String
    public var reportCount: Int
    public var disabled: Bool
    public var disabledReason: String?
    public var availabilityZone: String
    public var clusterName: String?
    public var modifiedAt: Date?
    public var rpcCurrentVersion: String?
    public var objectCurrentVersion: String?
    public var replicationStatus: String?
    public var activeBackendID: String?
    public var frozen: Bool
    public var createdAt: Date
    /// The heartbeat: refreshed on every report.
    public var updatedAt: Date?
    public var deletedAt: Date?
    public var deleted: Bool

    public init(
        id: Int = 0,
        uuid: String = UUID().uuidString.lowercased(),
        host: String,
        binary: String,
        topic: String,
        reportCount: Int = 0,
        disabled: Bool = false,
        disabledReason: String? = nil,
        availabilityZone: String = "nova",
        clusterName: String? = nil,
        modifiedAt: Date? = nil,
        rpcCurrentVersion: String? = nil,
        objectCurrentVersion: String? = nil,
        replicationStatus: String? = "not-capable",
        activeBackendID: String? = nil,
        frozen: Bool = false,
        createdAt: Date = Date(),
        updatedAt: Date? = nil,
        deletedAt: Date? = nil,
        deleted: Bool = false
    ) {
        self.id = id
        self.uuid = uuid
        self.host = host
        self.binary = binary
        self.topic = topic
        self.reportCount = reportCount
        self.disabled = disabled
        self.disabledReason = disabledReason
        self.availabilityZone = availabilityZone
        self.clusterName = clusterName
        self.modifiedAt = modifiedAt
        self.rpcCurrentVersion = rpcCurrentVersion
        self.objectCurrentVersion = objectCurrentVersion
        self.replicationStatus = replicationStatus
        self.activeBackendID = activeBackendID
        self.frozen = frozen
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.deletedAt = deletedAt
        self.deleted = deleted
    }
}

/// One field change on a service row.
public enum ServiceUpdate: Sendable, Equatable {
    case disabled(Bool)
    case disabledReason(String?)
    case availabilityZone(String)
    case modifiedAt(Date?)
    case rpcCurrentVersion(String?)
    case objectCurrentVersion(String?)
    case replicationStatus(String?)
    case activeBackendID(String?)
    case frozen(Bool)
    case clusterName(String?)
}

/// A guard of a conditional service update (cinder's `service.conditional_update(change,
/// expect)`): the row changes only while it still holds.
public enum ServiceCondition: Sendable, Equatable {
    /// `frozen` has this value.
    case frozen(Bool)
    /// `replication_status` is one of these.
    case replicationStatusIn([String])
}

/// cinder's `db.api._filter_host` at the level a filter implies: `host#pool` matches only
/// itself; `host@backend` itself and its pools; a bare host itself, its backends and its
/// pools. Cluster names (`cluster@backend`) match the same way.
public enum HostFilter {
    public static func matches(_ host: String, filter: String) -> Bool {
        if host == filter { return true }
        if filter.contains("#") { return false }
        if host.hasPrefix(filter + "#") { return true }
        return !filter.contains("@") && host.hasPrefix(filter + "@")
    }
}

import Foundation

/// A cluster row (`clusters`): services of one binary that serve one backend active-active
/// (cinder's `objects.Cluster`). Its hosts and heartbeat are the services whose
/// `cluster_name` is its name.
public struct ClusterRecord: Sendable, Equatable {
    public var id: Int
    /// `CLUSTER@BACKEND` for volume services (`[DEFAULT] cluster` plus the backend).
    public var name: String
    public var binary: String
    public var disabled: Bool
    public var disabledReason: String?
    public var replicationStatus: String?
    public var activeBackendID: String?
    public var frozen: Bool
    public var createdAt: Date
    public var updatedAt: Date?

    public init(
        id: Int = 0,
        name: String,
        binary: String,
        disabled: Bool = false,
        disabledReason: String? = nil,
        replicationStatus: String? = "not-capable",
        activeBackendID: String? = nil,
        frozen: Bool = false,
        createdAt: Date = Date(),
        updatedAt: Date? = nil
    ) {
        self.id = id
        self.name = name
        self.binary = binary
        self.disabled = disabled
        self.disabledReason = disabledReason
        self.replicationStatus = replicationStatus
        self.activeBackendID = activeBackendID
        self.frozen = frozen
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// One field change on a cluster row.
public enum ClusterUpdate: Sendable, Equatable {
    case disabled(Bool)
    case disabledReason(String?)
    case replicationStatus(String?)
    case frozen(Bool)
}

/// A row of `workers` (cinder's `cleanable.py`): a resource in a transitional status and the
/// service working on it, so that another service can clean it up if that one dies.
public struct WorkerRecord: Sendable, Equatable {
    public var id: Int
    /// `Volume` or `Snapshot` (cinder's object class names).
    public var resourceType: String
    public var resourceID: String
    /// The resource's status when the work began (`creating`, `deleting`, …).
    public var status: String
    /// The service doing the work (nil: not yet claimed by one).
    public var serviceID: Int?
    public var createdAt: Date
    public var updatedAt: Date?

    public init(
        id: Int = 0,
        resourceType: String,
        resourceID: String,
        status: String,
        serviceID: Int?,
        createdAt: Date = Date(),
        updatedAt: Date? = nil
    ) {
        self.id = id
        self.resourceType = resourceType
        self.resourceID = resourceID
        self.status = status
        self.serviceID = serviceID
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

import EmberCore
import Foundation

/// What the scheduler knows of one backend pool from its last capability report: cinder's
/// `BackendState`/`PoolState`.
public struct BackendState: Sendable, Equatable {
    /// `HOST@BACKEND`: the service that reported.
    public var backend: String
    /// The pool name (Ember's file backends have one pool, named `volume_backend_name`).
    public var pool: String
    public var volumeBackendName: String
    public var availabilityZone: String
    public var totalCapacityGiB: Double
    public var freeCapacityGiB: Double
    /// What volumes on the backend add up to (`provisioned_capacity_gb`).
    public var provisionedCapacityGiB: Double
    public var reservedPercentage: Int
    public var maxOverSubscriptionRatio: Double
    public var thinProvisioningSupport: Bool
    /// Every capability as reported, for the capabilities filter.
    public var capabilities: JSONObject
    /// When the report was made (the sender's timestamp).
    public var timestamp: Date

    /// `HOST@BACKEND#POOL`: what a volume's `host` is set to.
    public var hostWithPool: String { backend + "#" + pool }

    public init(
        backend: String,
        pool: String,
        volumeBackendName: String,
        availabilityZone: String,
        totalCapacityGiB: Double,
        freeCapacityGiB: Double,
        provisionedCapacityGiB: Double = 0,
        reservedPercentage: Int = 0,
        maxOverSubscriptionRatio: Double = 20,
        thinProvisioningSupport: Bool = true,
        capabilities: JSONObject = JSONObject(),
        timestamp: Date = Date()
    ) {
        self.backend = backend
        self.pool = pool
        self.volumeBackendName = volumeBackendName
        self.availabilityZone = availabilityZone
        self.totalCapacityGiB = totalCapacityGiB
        self.freeCapacityGiB = freeCapacityGiB
        self.provisionedCapacityGiB = provisionedCapacityGiB
        self.reservedPercentage = reservedPercentage
        self.maxOverSubscriptionRatio = maxOverSubscriptionRatio
        self.thinProvisioningSupport = thinProvisioningSupport
        self.capabilities = capabilities
        self.timestamp = timestamp
    }

    /// Reads an `update_service_capabilities` report; nil when it lacks the capacity fields.
    public init?(backend: String, capabilities: JSONObject, timestamp: Date) {
        guard let total = capabilities["total_capacity_gb"]?.number,
            let free = capabilities["free_capacity_gb"]?.number
        else { return nil }
        let name = capabilities["volume_backend_name"]?.stringValue ?? backend
        self.init(
            backend: backend,
            pool: capabilities["pool_name"]?.stringValue ?? name,
            volumeBackendName: name,
            availabilityZone: capabilities["availability_zone"]?.stringValue ?? "nova",
            totalCapacityGiB: total,
            freeCapacityGiB: free,
            provisionedCapacityGiB: capabilities["provisioned_capacity_gb"]?.number
                ?? capabilities["allocated_capacity_gb"]?.number ?? 0,
            reservedPercentage: Int(capabilities["reserved_percentage"]?.number ?? 0),
            maxOverSubscriptionRatio: capabilities["max_over_subscription_ratio"]?.number ?? 1,
            thinProvisioningSupport: capabilities["thin_provisioning_support"] == .bool(true),
            capabilities: capabilities,
            timestamp: timestamp
        )
    }

    /// cinder's `calculate_capacity_factors`: the capacity cinder may still hand out, counting
    /// reserved space and, for thin provisioning, the over-subscription ratio.
    public func virtualFreeCapacity(thin: Bool = true) -> Double {
        let reservedCapacity = (totalCapacityGiB * Double(reservedPercentage) / 100).rounded(.down)
        let totalReservedAvailable = totalCapacityGiB - reservedCapacity
        if thin && thinProvisioningSupport {
            return totalReservedAvailable * maxOverSubscriptionRatio - provisionedCapacityGiB
        }
        return min(freeCapacityGiB, totalReservedAvailable - provisionedCapacityGiB)
    }

    /// cinder's `consume_from_volume`: what a placed volume takes before the next report.
    public mutating func consume(sizeGiB: Int) {
        provisionedCapacityGiB += Double(sizeGiB)
        if !thinProvisioningSupport { freeCapacityGiB -= Double(sizeGiB) }
    }
}

extension JSONValue {
    /// The value as a number, if it is one (or a string holding one).
    var number: Double? {
        switch self {
        case .int(let value): Double(value)
        case .double(let value): value
        case .string(let text): Double(text)
        default: nil
        }
    }
}

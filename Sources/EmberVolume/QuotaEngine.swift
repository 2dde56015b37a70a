import EmberCore
import EmberStore
import Foundation

/// cinder's `VolumeTypeQuotaEngine` over the store: limits from the configuration defaults,
/// the `default` quota class and the project's own quotas; reservations through the store's
/// race-safe reserve/commit/rollback; over-quota errors worded as cinder words them.
public struct QuotaEngine: Sendable {
    public let store: any QuotaStore
    public let configuration: VolumeServiceConfiguration
    /// Where reservation expiry times come from.
    public let clock: any EmberClock

    public init(store: any QuotaStore, configuration: VolumeServiceConfiguration, clock: any EmberClock = .system) {
        self.store = store
        self.configuration = configuration
        self.clock = clock
    }

    /// When a reservation made now expires: `reservation_expire` seconds from now.
    public var reservationExpiry: Date {
        clock.now.addingTimeInterval(TimeInterval(configuration.reservationExpire))
    }

    /// The resources cinder reports for a project: the fixed ones plus the per-type
    /// `volumes_<t>`, `gigabytes_<t>`, `snapshots_<t>` for each type name given.
    public func limits(projectID: String, typeNames: [String]) async throws(StoreError) -> [String: Int] {
        var limits = configuration.defaultQuotas
        for name in typeNames {
            for prefix in ["volumes_", "gigabytes_", "snapshots_"] { limits[prefix + name] = -1 }
        }
        if configuration.useDefaultQuotaClass {
            for (resource, limit) in try await store.quotaClass(name: "default") where limits[resource] != nil {
                limits[resource] = limit
            }
        }
        for (resource, limit) in try await store.projectQuotas(projectID: projectID) {
            limits[resource] = limit
        }
        return limits
    }

    /// The deltas cinder reserves to snapshot a volume of `size` GiB of type `typeName`
    /// (no `gigabytes` with `no_snapshot_gb_quota`).
    public func snapshotDeltas(size: Int, typeName: String) -> [String: Int] {
        var deltas = ["snapshots": 1, "snapshots_\(typeName)": 1]
        if !configuration.noSnapshotGigabytesQuota {
            deltas["gigabytes"] = size
            deltas["gigabytes_\(typeName)"] = size
        }
        return deltas
    }

    /// `QUOTAS.limit_check(per_volume_gigabytes=size)` then `QUOTAS.reserve(**deltas)`.
    public func reserve(projectID: String, deltas: [String: Int], typeName: String) async throws -> QuotaReservation {
        try await reserve(projectID: projectID, deltas: deltas, typeName: typeName, perVolumeSize: deltas["gigabytes"])
    }

    /// `QUOTAS.reserve(**deltas)`, after `QUOTAS.limit_check(per_volume_gigabytes=…)` when
    /// `perVolumeSize` is given (snapshots reserve without that check).
    public func reserve(
        projectID: String,
        deltas: [String: Int],
        typeName: String,
        perVolumeSize: Int?
    ) async throws -> QuotaReservation {
        let limits = try await limits(projectID: projectID, typeNames: [typeName])
        if let size = perVolumeSize, let perVolume = limits["per_volume_gigabytes"], perVolume >= 0,
            size > perVolume
        {
            throw Self.quotaError(
                "VolumeSizeExceedsLimit",
                "Requested volume size \(size)G is larger than maximum allowed limit \(perVolume)G."
            )
        }
        do {
            return try await store.reserve(
                projectID: projectID,
                deltas: deltas,
                limits: limits,
                expiresAt: reservationExpiry
            )
        } catch {
            if case .overQuota(let overs) = error { throw Self.overQuotaError(overs, deltas: deltas) }
            throw error
        }
    }

    /// cinder's `quota_utils.process_reserve_over_quota` for volumes and gigabytes.
    static func overQuotaError(_ overs: [QuotaOverage], deltas: [String: Int]) -> EmberError {
        let sorted = overs.sorted { $0.resource < $1.resource }
        if let gigabytes = sorted.first(where: { $0.resource.hasPrefix("gigabytes") }) {
            return quotaError(
                "VolumeSizeExceedsAvailableQuota",
                "Requested volume or snapshot exceeds allowed \(gigabytes.resource) quota. Requested \(gigabytes.requested)G, quota is \(gigabytes.limit)G and \(gigabytes.inUse + gigabytes.reserved)G has been consumed."
            )
        }
        if let volumes = sorted.first(where: { $0.resource.hasPrefix("volumes") }) {
            return quotaError(
                "VolumeLimitExceeded",
                "Maximum number of volumes allowed (\(volumes.limit)) exceeded for quota '\(volumes.resource)'."
            )
        }
        if let snapshots = sorted.first(where: { $0.resource.hasPrefix("snapshots") }) {
            return quotaError(
                "SnapshotLimitExceeded",
                "Maximum number of snapshots allowed (\(snapshots.limit)) exceeded"
            )
        }
        let names = sorted.map(\.resource).joined(separator: ", ")
        return quotaError("OverQuota", "Quota exceeded for resources: [\(names)]")
    }

    /// A `QuotaError`: 413 `overLimit`, `Retry-After: 0`, message prefixed by the class name
    /// as faultwrap prints "safe" exceptions.
    static func quotaError(_ className: String, _ message: String) -> EmberError {
        EmberError(status: 413, message: "\(className): \(message)", headers: [("Retry-After", "0")])
    }
}

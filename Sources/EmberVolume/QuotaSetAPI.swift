import EmberCore
import EmberStore

/// The quota administration of `cinder/quota.py` behind `os-quota-sets`,
/// `os-quota-class-sets` and `GET /limits`: per-project limits, quota classes and usage.
/// Reserving and committing quota for an operation is ``QuotaEngine``'s job.
public struct QuotaSetAPI: Sendable {
    let store: any QuotaStore & VolumeTypeStore
    let engine: QuotaEngine

    init(store: any QuotaStore & VolumeTypeStore, engine: QuotaEngine) {
        self.store = store
        self.engine = engine
    }

    /// The configured defaults (`[DEFAULT] quota_*`), by resource.
    public var defaultLimits: [String: Int] { engine.configuration.defaultQuotas }

    /// Every type name, newest first: the order cinder lists the per-type resources in.
    public func typeNames() async throws -> [String] {
        try await store.listVolumeTypes(ListQuery(scope: .allProjects, sort: [SortKey("created_at", .desc)]))
            .items.map(\.name)
    }

    /// A project's limits (its own, else its class's, else the defaults); `defaults`: the
    /// limits a project without limits of its own gets.
    public func limits(projectID: String, typeNames: [String], defaults: Bool = false) async throws -> [String: Int] {
        try await engine.limits(projectID: defaults ? "" : projectID, typeNames: typeNames)
    }

    /// A project's usage by resource.
    public func usages(projectID: String) async throws -> [String: QuotaUsage] {
        try await store.quotaUsages(projectID: projectID)
    }

    /// `quota_sets.update`: sets the project's limits after checking that none goes below
    /// what the project already uses or holds reserved (`-1`, unlimited, always passes;
    /// `per_volume_gigabytes` is not a usage).
    public func update(projectID: String, limits values: [(resource: String, limit: Int)]) async throws {
        let usages = try await store.quotaUsages(projectID: projectID)
        for (resource, limit) in values where resource != "per_volume_gigabytes" && limit != -1 {
            let used = (usages[resource]?.inUse ?? 0) + (usages[resource]?.reserved ?? 0)
            if limit < used {
                throw EmberError.badRequest(
                    "Quota \(resource) limit must be equal or greater than existing resources. "
                        + "Current usage is \(used) and the requested limit is \(limit)."
                )
            }
        }
        for (resource, limit) in values {
            try await store.setProjectQuota(projectID: projectID, resource: resource, hardLimit: limit)
        }
    }

    /// `quota_sets.delete`: the project's own limits go (usage and reservations stay).
    public func delete(projectID: String) async throws {
        try await store.deleteProjectQuotas(projectID: projectID)
    }

    /// `get_class_quotas`: the class's limits over the defaults.
    public func classLimits(name: String) async throws -> [String: Int] {
        var limits = defaultLimits
        for (resource, limit) in try await store.quotaClass(name: name) { limits[resource] = limit }
        return limits
    }

    /// `quota_classes.update`.
    public func updateClass(name: String, limits values: [(resource: String, limit: Int)]) async throws {
        for (resource, limit) in values {
            try await store.setQuotaClass(name: name, resource: resource, hardLimit: limit)
        }
    }
}

import EmberCore
import EmberStore
import Foundation

/// A cluster with what cinder reads from its services (`services_summary`): how many hosts,
/// how many of them are down, and the newest heartbeat.
public struct ClusterSummary: Sendable, Equatable {
    public var cluster: ClusterRecord
    public var numHosts: Int
    public var numDownHosts: Int
    public var lastHeartbeat: Date?
    /// A heartbeat within `service_down_time`.
    public var isUp: Bool
}

/// The `GET /clusters` filters (cinder's `allowed_list_keys`), already parsed.
public struct ClusterFilters: Sendable, Equatable {
    public var name: String?
    public var binary: String?
    public var isUp: Bool?
    public var disabled: Bool?
    public var numHosts: String?
    public var numDownHosts: String?
    public var replicationStatus: String?
    public var frozen: String?
    public var activeBackendID: String?

    public init() {}
}

extension ServiceAPI {
    /// The clusters that pass `filters`, each with its services summary.
    public func clusters(_ filters: ClusterFilters = ClusterFilters()) async throws -> [ClusterSummary] {
        let clusters = try await store.listClusters(name: nil, binary: filters.binary)
        let services = try await store.listServices(host: nil, binary: nil, topic: nil, disabled: nil)
        let now = self.now
        return clusters.map { summary($0, services: services, now: now) }.filter { summary in
            let cluster = summary.cluster
            if let name = filters.name, !Self.hostMatches(cluster.name, filter: name) { return false }
            if let isUp = filters.isUp, summary.isUp != isUp { return false }
            if let disabled = filters.disabled, cluster.disabled != disabled { return false }
            if let hosts = filters.numHosts, String(summary.numHosts) != hosts { return false }
            if let down = filters.numDownHosts, String(summary.numDownHosts) != down { return false }
            if let status = filters.replicationStatus, cluster.replicationStatus != status { return false }
            if let frozen = filters.frozen, Self.boolText(frozen) != cluster.frozen { return false }
            if let backend = filters.activeBackendID, cluster.activeBackendID != backend { return false }
            return true
        }
    }

    /// The cluster `name` (at the level it names) of `binary`; cinder's 404 otherwise.
    public func cluster(name: String, binary: String?) async throws -> ClusterSummary {
        var filters = ClusterFilters()
        filters.name = name
        filters.binary = binary
        guard binary != nil, let found = try await clusters(filters).first else {
            let binaryText = binary.map { "'\($0)'" } ?? "None"
            throw EmberError.notFound("Cluster {'binary': \(binaryText), 'name': '\(name)'} could not be found.")
        }
        return found
    }

    /// `PUT /clusters/enable|disable`: the cluster's `disabled` and its reason (cleared on
    /// enable, as cinder sets whatever it was given).
    public func setClusterDisabled(
        name: String,
        binary: String?,
        disabled: Bool,
        reason: String?
    ) async throws -> ClusterSummary {
        let found = try await cluster(name: name, binary: binary)
        let updated = try await store.updateCluster(
            id: found.cluster.id,
            [.disabled(disabled), .disabledReason(reason)]
        )
        let services = try await store.listServices(host: nil, binary: nil, topic: nil, disabled: nil)
        return summary(updated, services: services, now: now)
    }

    func summary(_ cluster: ClusterRecord, services: [ServiceRecord], now: Date) -> ClusterSummary {
        let members = services.filter { $0.clusterName == cluster.name }
        let heartbeats = members.map { $0.updatedAt ?? $0.createdAt }
        let down = members.filter { !isUp($0, now: now) }.count
        let last = heartbeats.max()
        let up = last.map { abs(now.timeIntervalSince($0)) <= Double(downTime) } ?? false
        return ClusterSummary(
            cluster: cluster,
            numHosts: members.count,
            numDownHosts: down,
            lastHeartbeat: last,
            isUp: up
        )
    }

    static func boolText(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "1", "t", "true", "on", "y", "yes": true
        case "0", "f", "false", "off", "n", "no": false
        default: nil
        }
    }
}

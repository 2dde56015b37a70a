import EmberCore
import EmberStore
import Foundation

extension ServiceAPI {
    static let volumeBinary = "cinder-volume"

    /// `volume.API.freeze_host`: the volume services of `host` (or of `cluster`) go from not
    /// frozen to frozen, then the first is called to tell its backend (it disables itself
    /// with reason `frozen`). cinder's 400s when nothing matches or nothing could change.
    public func freeze(host: String?, cluster: String?, caller: Identity, requestID: String) async throws {
        let services = try await replicationChange(
            field: "frozen",
            host: host,
            cluster: cluster,
            condition: .frozen(false),
            change: [.frozen(true)],
            clusterChange: ([.frozen(true)], [.frozen(false)]),
            expected: "False",
            checkUp: false
        )
        guard let first = services.first, isUp(first, now: now) else { return }
        _ = try await caster.freezeHost(queue: Self.topicQueue(first), caller: caller, requestID: requestID)
    }

    /// `volume.API.thaw_host`: frozen to not frozen, then the first service is called (it
    /// enables itself again). Returns cinder's message when the backend refuses.
    public func thaw(host: String?, cluster: String?, caller: Identity, requestID: String) async throws -> String? {
        let services = try await replicationChange(
            field: "frozen",
            host: host,
            cluster: cluster,
            condition: .frozen(true),
            change: [.frozen(false)],
            clusterChange: ([.frozen(false)], [.frozen(true)]),
            expected: "True",
            checkUp: false
        )
        guard let first = services.first, isUp(first, now: now) else { return nil }
        if try await !caster.thawHost(queue: Self.topicQueue(first), caller: caller, requestID: requestID) {
            return "Backend reported error during thaw_host operation."
        }
        return nil
    }

    /// `volume.API.failover`: the services must be up with replication `enabled` or
    /// `failed-over`; they go to `failing-over` and the first is cast `failover`. A backend
    /// without replication (`not-capable`, every Ember backend) is cinder's 400.
    public func failover(
        host: String?,
        cluster: String?,
        backendID: String?,
        caller: Identity,
        requestID: String
    ) async throws {
        let services = try await replicationChange(
            field: "replication_status",
            host: host,
            cluster: cluster,
            condition: .replicationStatusIn(["enabled", "failed-over"]),
            change: [.replicationStatus("failing-over")],
            clusterChange: nil,
            expected: "['enabled', 'failed-over']",
            checkUp: true
        )
        guard let first = services.first else { return }
        try await caster.failover(
            queue: Self.topicQueue(first),
            secondaryBackendID: backendID,
            caller: caller,
            requestID: requestID
        )
    }

    /// The queue a service's messages go to (`service_topic_queue`): its cluster when it has
    /// one, else its host.
    static func topicQueue(_ service: ServiceRecord) -> String {
        service.clusterName ?? service.host
    }

    /// `_get_cluster_and_services_for_replication`: the volume services of `host` or of
    /// `cluster` (at the level each names); a host in a cluster stands for its whole cluster.
    func servicesForReplication(host: String?, cluster: String?) async throws -> [ServiceRecord] {
        let all = try await store.listServices(host: nil, binary: Self.volumeBinary, topic: nil, disabled: nil)
        var services = all
        if let host { services = services.filter { Self.hostMatches($0.host, filter: host) } }
        if let cluster {
            services = services.filter { service in
                service.clusterName.map { Self.hostMatches($0, filter: cluster) } ?? false
            }
        }
        guard let first = services.first else {
            let what = host.map { "host=\($0)" } ?? "cluster=\(cluster ?? "")"
            // cinder hands ServiceNotFound's text to InvalidInput as its whole message.
            throw EmberError.badRequest("No service found with \(what)")
        }
        let sameBackend =
            cluster != nil
            ? services.allSatisfy { $0.clusterName == first.clusterName }
            : services.allSatisfy { $0.host == first.host }
        guard sameBackend else { throw EmberError.badRequest("Services from different clusters found.") }
        if host != nil, let clusterName = first.clusterName {
            services = all.filter { $0.clusterName == clusterName }
        }
        return services
    }

    /// `_replication_db_change`: the cluster first, when the services are clustered (it must
    /// be up when `checkUp` and still meet `condition`), then each service (up, when
    /// `checkUp`) that still meets `condition` takes `change`, one conditional update each;
    /// when none could, the cluster's change is undone and it is cinder's 400 naming them.
    /// `clusterChange` is the cluster's change and its undo (nil: the cluster's value for a
    /// failover, whose status the volume service reports).
    func replicationChange(
        field: String,
        host: String?,
        cluster: String?,
        condition: ServiceCondition,
        change: [ServiceUpdate],
        clusterChange: (apply: [ClusterUpdate], undo: [ClusterUpdate])?,
        expected: String,
        checkUp: Bool
    ) async throws -> [ServiceRecord] {
        let services = try await servicesForReplication(host: host, cluster: cluster)
        let now = self.now
        let upText = checkUp ? "and must be up " : ""
        var changedCluster: ClusterRecord?
        if let clusterName = services.first?.clusterName,
            let row = try await store.listClusters(name: clusterName, binary: Self.volumeBinary).first
        {
            let isUp = summary(row, services: services, now: now).isUp
            var updated: ClusterRecord?
            if !checkUp || isUp {
                updated = try await store.conditionalUpdateCluster(
                    id: row.id,
                    set: clusterChange?.apply ?? [],
                    where: condition
                )
            }
            guard let updated else {
                throw EmberError.badRequest(
                    "Invalid input received: \(field) in \(row.name) must be \(expected) \(upText)to failover."
                )
            }
            changedCluster = updated
        }
        var changed: [ServiceRecord] = []
        var notChanged: [ServiceRecord] = []
        for service in services {
            if !checkUp || isUp(service, now: now),
                let updated = try await store.conditionalUpdateService(id: service.id, set: change, where: condition)
            {
                changed.append(updated)
            } else {
                notChanged.append(service)
            }
        }
        if !notChanged.isEmpty {
            // Python's repr of the list of hosts, as cinder's message shows it.
            let hosts = "[" + notChanged.map { "'\($0.host)'" }.joined(separator: ", ") + "]"
            let message = "\(field) in \(hosts) must be \(expected) \(upText)to failover."
            guard !changed.isEmpty else {
                if let changedCluster, let undo = clusterChange?.undo {
                    _ = try await store.updateCluster(id: changedCluster.id, undo)
                }
                throw EmberError.badRequest("Invalid input received: No service could be changed: \(message)")
            }
            logger.warning("Some services could not be changed", metadata: ["reason": .string(message)])
        }
        return changed
    }

    /// cinder's `assert_not_frozen` (`db.is_backend_frozen`): whether the service of a
    /// resource's `host` (`HOST@BACKEND[#POOL]`) is frozen.
    /// A clustered resource asks its cluster (`CLUSTER@BACKEND`).
    public func isBackendFrozen(host: String?, cluster: String? = nil) async throws -> Bool {
        if let cluster {
            let name = cluster.split(separator: "#", maxSplits: 1).first.map(String.init) ?? cluster
            return try await store.listClusters(name: name, binary: nil).contains { $0.frozen }
        }
        guard let host else { return false }
        let backend = host.split(separator: "#", maxSplits: 1).first.map(String.init) ?? host
        return try await store.listServices(host: backend, binary: nil, topic: nil, disabled: nil)
            .contains { $0.frozen }
    }

    /// Throws cinder's 400 when the backend of `host` is frozen.
    public func assertNotFrozen(host: String?, cluster: String? = nil) async throws {
        if try await isBackendFrozen(host: host, cluster: cluster) {
            throw EmberError.badRequest(
                "Invalid input received: Modification operations are not allowed on frozen storage backends."
            )
        }
    }
}

import EmberBus
import EmberCore
import EmberRPC
import EmberStore
import Foundation

extension SchedulerManager {
    /// cinder's `work_cleanup`: the services the request names (down ones unless it says
    /// `is_up`) each get a `do_cleanup` sent to whoever can clean for them: any scheduler for a
    /// scheduler, the cluster's topic for a clustered volume service whose cluster is up, the
    /// service itself when it is up. The others are answered as unavailable.
    func workCleanup(_ request: CleanupRequest, context: RPCContext) async throws -> CleanupReply {
        logger.info("Workers cleanup request started.")
        let now = clock.now
        let downTime = configuration.serviceDownTime.seconds
        func isUp(_ service: ServiceRecord) -> Bool {
            abs(now.timeIntervalSince(service.updatedAt ?? service.createdAt)) <= downTime
        }
        let all = try await store.listServices(host: nil, binary: nil, topic: nil, disabled: nil)
        let clusters = try await store.listClusters(name: nil, binary: nil)
        func cluster(of service: ServiceRecord) -> ClusterRecord? {
            clusters.first { $0.name == service.clusterName && $0.binary == service.binary }
        }
        let services = all.filter { service in
            // Backup services keep no `workers` rows; cinder's cleanup API names only these two.
            guard ["cinder-volume", "cinder-scheduler"].contains(service.binary) else { return false }
            if let id = request.serviceID, service.id != id { return false }
            if let name = request.clusterName {
                guard let clusterName = service.clusterName, HostFilter.matches(clusterName, filter: name) else {
                    return false
                }
            }
            if let host = request.host, !HostFilter.matches(service.host, filter: host) { return false }
            if let binary = request.binary, service.binary != binary { return false }
            if let wanted = request.isUp, isUp(service) != wanted { return false }
            if let disabled = request.disabled {
                // `_clustered_bool_field_filter`: a clustered service is disabled when its cluster is.
                let actual = service.clusterName == nil ? service.disabled : (cluster(of: service)?.disabled ?? false)
                if actual != disabled { return false }
            }
            return true
        }
        var cleaning: [CleanupService] = []
        var unavailable: [CleanupService] = []
        for service in services {
            var forService = request
            forService.clusterName = service.clusterName
            forService.serviceID = service.id
            forService.host = service.host
            forService.binary = service.binary
            let entry = CleanupService(
                id: service.id,
                host: service.host,
                binary: service.binary,
                clusterName: service.clusterName
            )
            if service.binary == "cinder-scheduler" {
                try await SchedulerRPC.client(bus: bus).cast(
                    SchedulerRPC.DoCleanup(cleanupRequest: forService),
                    context: context
                )
                cleaning.append(entry)
                continue
            }
            let queue: String
            let reachable: Bool
            if let clusterName = service.clusterName {
                queue = clusterName
                reachable = all.contains { $0.clusterName == clusterName && isUp($0) }
            } else {
                queue = service.host
                reachable = isUp(service)
            }
            if reachable {
                logger.info(
                    "Sending cleanup",
                    metadata: ["binary": .string(service.binary), "destination": .string(queue)]
                )
                try await VolumeRPC.client(bus: bus, host: queue).cast(
                    VolumeRPC.DoCleanup(cleanupRequest: forService),
                    context: context
                )
                cleaning.append(entry)
            } else {
                logger.info(
                    "No service available to cleanup",
                    metadata: ["binary": .string(service.binary), "destination": .string(queue)]
                )
                unavailable.append(entry)
            }
        }
        logger.info("Cleanup requests completed.")
        return CleanupReply(cleaning: cleaning, unavailable: unavailable)
    }

    /// A scheduler's `do_cleanup` (`SchedulerManager._do_cleanup`): a volume a dead
    /// scheduler left `creating` goes to `error`.
    func doCleanup(_ request: CleanupRequest) async throws {
        guard let claimer = serviceID else { return }
        try await WorkerCleanup(store: store, logger: logger).run(request, claimerID: claimer) { volume, _ in
            try await store.apply(VolumeTransitions.cleanedUp, toVolume: volume.id)
            return false
        }
    }
}

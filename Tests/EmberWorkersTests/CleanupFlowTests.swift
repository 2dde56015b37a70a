import EmberBus
import EmberCore
import EmberRPC
import EmberStore
import EmberWorkers
import Foundation
import Testing

@testable import EmberVolume

/// Clusters and `POST /workers/cleanup` through the real bus: clustered backends take their
/// cluster's work; a volume a dead cluster member left `creating` is cleaned by the member
/// that is alive (it leaves `creating`); a dead service nobody can clean for is unavailable.
@Suite struct CleanupFlowTests {
    /// Both backends in cluster `pool1` (`pool1@alpha`, `pool1@beta`).
    static func clustered(downTime: Int) -> @Sendable (inout WorkerConfiguration) -> Void {
        { configuration in
            configuration.cluster = "pool1"
            configuration.serviceDownTime = .seconds(downTime)
        }
    }

    /// `service_down_time` in the cleanup tests: long enough that a live service's heartbeat
    /// (every 200 ms) never looks stale on a loaded machine (1 s did, with the whole suite
    /// running on 2 cores), short enough to wait out for the dead one.
    static let downTime = 4

    static let unclustered: @Sendable (inout WorkerConfiguration) -> Void = {
        $0.serviceDownTime = .seconds(CleanupFlowTests.downTime)
    }

    /// A volume service that registered and then died: its heartbeat ages past
    /// `service_down_time` (``downTime``), and it left volume `id` `creating` with its
    /// `workers` row.
    static func deadMember(
        _ workers: Workers,
        host: String,
        cluster: String?,
        volume id: String
    ) async throws -> ServiceRecord {
        let dead = try await workers.store.createService(
            ServiceRecord(host: host, binary: "cinder-volume", topic: "cinder-volume", clusterName: cluster)
        )
        let type = try await workers.store.createVolumeType(VolumeType(name: "t-" + id.prefix(8)))
        _ = try await workers.store.createVolume(
            Volume(
                id: id,
                userID: "u",
                projectID: workers.caller.projectID,
                size: 1,
                volumeTypeID: type.id,
                status: .creating,
                host: host + "#alpha",
                clusterName: cluster.map { $0 + "#alpha" }
            )
        )
        try await workers.store.setWorker(
            resourceType: "Volume",
            resourceID: id,
            status: "creating",
            serviceID: dead.id
        )
        try await waitUntil("the dead member's heartbeat is stale") {
            let row = try await workers.store.service(id: dead.id)
            return Date().timeIntervalSince(row.updatedAt ?? row.createdAt) > Double(Self.downTime) + 0.5
        }
        return dead
    }

    @Test("a clustered backend joins its cluster and takes the cluster's work", arguments: WorkerBackendKind.all)
    func clusteredBackendsServeTheirCluster(kind: WorkerBackendKind) async throws {
        try await WorkerHarness.run(kind, configure: Self.clustered(downTime: 60)) { workers in
            try await workers.waitForBackends(2)
            let alpha = workers.manager("alpha")
            let service = try await workers.store.service(host: alpha.host, binary: "cinder-volume")
            #expect(service.clusterName == "pool1@alpha")
            let clusters = try await workers.store.listClusters(name: nil, binary: "cinder-volume").map(\.name)
            #expect(clusters.sorted() == ["pool1@alpha", "pool1@beta"])
            let summary = try await workers.api.services.cluster(name: "pool1@alpha", binary: "cinder-volume")
            #expect(summary.numHosts == 1 && summary.numDownHosts == 0 && summary.isUp)

            let created = try await workers.createVolume(size: 1)
            let volume = try await workers.waitForVolume(created.id, [.available, .error])
            #expect(volume.status == .available)
            let cluster = try #require(volume.clusterName)
            #expect(cluster == "pool1@alpha#alpha" || cluster == "pool1@beta#beta")
            try await workers.deleteVolume(volume.id)
            try await workers.waitForDeletion(volume.id)
            // The delete's `workers` row goes once the delete returns.
            try await waitUntil("the delete's workers row is gone") {
                try await workers.store.listWorkers(
                    resourceType: "Volume",
                    resourceID: volume.id,
                    serviceID: nil,
                    until: nil
                ).isEmpty
            }
        }
    }

    @Test(
        "workers cleanup: the live cluster member cleans what the dead one left creating",
        arguments: WorkerBackendKind.all
    )
    func cleanupByTheLiveClusterMember(kind: WorkerBackendKind) async throws {
        try await WorkerHarness.run(kind, configure: Self.clustered(downTime: Self.downTime)) { workers in
            try await workers.waitForBackends(2)
            let id = UUID().uuidString.lowercased()
            let dead = try await Self.deadMember(workers, host: "dead-node@alpha", cluster: "pool1@alpha", volume: id)

            var request = CleanupRequest(until: Date())
            request.serviceID = dead.id
            let reply = try await workers.api.services.workCleanup(request, caller: workers.caller, requestID: "req-c")
            #expect(
                reply.cleaning == [
                    CleanupService(
                        id: dead.id,
                        host: "dead-node@alpha",
                        binary: "cinder-volume",
                        clusterName: "pool1@alpha"
                    )
                ]
            )
            #expect(reply.unavailable.isEmpty)
            let cleaned = try await workers.waitForVolume(id, [.error])
            #expect(cleaned.status == .error)
            try await waitUntil("the workers row is gone") {
                try await workers.store.listWorkers(resourceType: "Volume", resourceID: id, serviceID: nil, until: nil)
                    .isEmpty
            }
        }
    }

    @Test("workers cleanup: a dead service outside any cluster is unavailable; its work is kept")
    func cleanupOfAnUnclusteredDeadServiceIsUnavailable() async throws {
        try await WorkerHarness.run(.sqlite, configure: Self.unclustered) { workers in
            try await workers.waitForBackends(2)
            let id = UUID().uuidString.lowercased()
            let dead = try await Self.deadMember(workers, host: "lonely@alpha", cluster: nil, volume: id)
            // By resource: the API finds the service from the workers row.
            let reply = try await workers.api.services.workCleanup(
                CleanupRequest(resourceID: id, until: Date()),
                caller: workers.caller,
                requestID: "req-u"
            )
            #expect(reply.cleaning.isEmpty)
            #expect(reply.unavailable.map(\.id) == [dead.id])
            #expect(try await workers.store.volume(id: id, scope: .allProjects).status == .creating)
            #expect(
                try await workers.store.listWorkers(resourceType: nil, resourceID: id, serviceID: nil, until: nil).count
                    == 1
            )
        }
    }
}

import EmberCore
import Foundation
import Testing

@testable import EmberStore

/// `clusters` and `workers` (schema version 7), on every backend.
@Suite("Clusters and workers store")
struct ClusterWorkerStoreTests {
    @Test(arguments: TestBackend.all)
    func clustersAreEnsuredOnceAndChangeConditionally(backend: TestBackend) async throws {
        try await backend.withDatabase { database in
            let store = database.store
            let first = try await store.ensureCluster(name: "c1@file", binary: "cinder-volume")
            let again = try await store.ensureCluster(name: "c1@file", binary: "cinder-volume")
            #expect(first.id == again.id)
            #expect(first.replicationStatus == "not-capable" && !first.frozen && !first.disabled)
            _ = try await store.ensureCluster(name: "c1@file", binary: "cinder-backup")
            #expect(try await store.listClusters(name: "c1@file", binary: nil).count == 2)
            #expect(try await store.listClusters(name: nil, binary: "cinder-volume").map(\.name) == ["c1@file"])

            let frozen = try await store.conditionalUpdateCluster(
                id: first.id,
                set: [.frozen(true)],
                where: .frozen(false)
            )
            #expect(frozen?.frozen == true)
            #expect(
                try await store.conditionalUpdateCluster(id: first.id, set: [.frozen(true)], where: .frozen(false))
                    == nil
            )
            let failover = try await store.conditionalUpdateCluster(
                id: first.id,
                set: [.replicationStatus("failing-over")],
                where: .replicationStatusIn(["enabled", "failed-over"])
            )
            #expect(failover == nil)
            let disabled = try await store.updateCluster(id: first.id, [.disabled(true), .disabledReason("why")])
            #expect(disabled.disabled && disabled.disabledReason == "why")

            let service = try await store.createService(
                ServiceRecord(host: "h@file", binary: "cinder-volume", topic: "cinder-volume", clusterName: "c1@file")
            )
            #expect(
                try await store.conditionalUpdateService(id: service.id, set: [.frozen(true)], where: .frozen(true))
                    == nil
            )
            #expect(
                try await store.conditionalUpdateService(id: service.id, set: [.frozen(true)], where: .frozen(false))?
                    .frozen
                    == true
            )
        }
    }

    @Test(arguments: TestBackend.all)
    func workersAreSetClaimedOnceAndRemoved(backend: TestBackend) async throws {
        try await backend.withDatabase { database in
            let store = database.store
            let dead = try await store.createService(ServiceRecord(host: "a@file", binary: "cinder-volume", topic: "v"))
            let alive = try await store.createService(
                ServiceRecord(host: "b@file", binary: "cinder-volume", topic: "v")
            )
            let id = UUID().uuidString.lowercased()
            try await store.setWorker(resourceType: "Volume", resourceID: id, status: "creating", serviceID: dead.id)
            // A new operation on the resource takes the row over rather than adding one.
            try await store.setWorker(resourceType: "Volume", resourceID: id, status: "deleting", serviceID: dead.id)
            let rows = try await store.listWorkers(resourceType: "Volume", resourceID: id, serviceID: nil, until: nil)
            #expect(rows.count == 1 && rows.first?.status == "deleting" && rows.first?.serviceID == dead.id)
            #expect(
                try await store.listWorkers(resourceType: nil, resourceID: nil, serviceID: alive.id, until: nil).isEmpty
            )
            #expect(
                try await store.listWorkers(
                    resourceType: nil,
                    resourceID: nil,
                    serviceID: nil,
                    until: Date(timeIntervalSinceNow: -3600)
                ).isEmpty
            )

            let row = try #require(rows.first)
            #expect(try await store.claimWorker(row, claimerID: alive.id))
            // The row has changed hands: a second claim of the same version fails.
            #expect(try await store.claimWorker(row, claimerID: dead.id) == false)
            #expect(
                try await store.listWorkers(resourceType: nil, resourceID: id, serviceID: nil, until: nil).first?
                    .serviceID == alive.id
            )
            try await store.removeWorker(resourceType: "Volume", resourceID: id)
            #expect(try await store.listWorkers(resourceType: nil, resourceID: id, serviceID: nil, until: nil).isEmpty)
        }
    }
}

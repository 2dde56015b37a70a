import EmberCore
import Foundation
import Testing

@testable import EmberStore

/// QoS specs on every backend, in cinder's one-row-per-spec layout: create, read back, update
/// in place, delete keys up to the first missing one, associate with volume types (refused
/// when the type has other specs) and delete (refused while in use unless forced).
@Suite("QoS specs store")
struct QoSSpecsStoreTests {
    @Test(arguments: TestBackend.all)
    func createReadUpdateAndDeleteKeys(backend: TestBackend) async throws {
        try await backend.withDatabase { database in
            let store = database.store
            let created = try #require(
                try await store.createQoSSpecs(
                    QoSSpecs(
                        name: "gold",
                        consumer: .frontEnd,
                        specs: ["total_iops_sec": "1000", "read_bytes_sec": nil]
                    )
                )
            )
            #expect(created.name == "gold")
            #expect(created.consumer == .frontEnd)
            #expect(created.specs == ["total_iops_sec": "1000", "read_bytes_sec": nil])
            // The name is unique among live specs.
            #expect(try await store.createQoSSpecs(QoSSpecs(name: "gold")) == nil)
            #expect(try await store.qosSpecs(id: created.id) == created)

            let updated = try await store.updateQoSSpecs(
                id: created.id,
                consumer: .both,
                specs: ["total_iops_sec": "2000", "write_iops_sec": "10"]
            )
            #expect(updated.consumer == .both)
            #expect(updated.specs == ["total_iops_sec": "2000", "write_iops_sec": "10", "read_bytes_sec": nil])
            #expect(updated.updatedAt != nil)

            // Keys go in order until one is not set; the consumer is no key.
            #expect(
                try await store.deleteQoSSpecsKeys(id: created.id, keys: ["write_iops_sec", "nope", "total_iops_sec"])
                    == "nope"
            )
            #expect(
                try await store.qosSpecs(id: created.id).specs == ["total_iops_sec": "2000", "read_bytes_sec": nil]
            )
            #expect(try await store.deleteQoSSpecsKeys(id: created.id, keys: ["consumer"]) == "consumer")
            #expect(
                try await store.deleteQoSSpecsKeys(id: created.id, keys: ["total_iops_sec", "read_bytes_sec"]) == nil
            )
            let emptied = try await store.qosSpecs(id: created.id)
            #expect(emptied.specs.isEmpty && emptied.consumer == .both)

            await #expect(throws: StoreError.notFound(.qosSpecs, id: "missing")) {
                try await store.qosSpecs(id: "missing")
            }
            await #expect(throws: StoreError.notFound(.qosSpecs, id: "missing")) {
                try await store.updateQoSSpecs(id: "missing", consumer: nil, specs: ["a": "b"])
            }
            #expect(StoreError.notFound(.qosSpecs, id: "x").description == "No such QoS spec x.")
        }
    }

    @Test(arguments: TestBackend.all)
    func listPagesTheSpecsNotTheirRows(backend: TestBackend) async throws {
        try await backend.withDatabase { database in
            let store = database.store
            let start = Date(timeIntervalSince1970: 1_700_000_000)
            var ids: [String] = []
            for index in 0..<3 {
                let specs = try #require(
                    try await store.createQoSSpecs(
                        QoSSpecs(
                            name: "specs-\(index)",
                            specs: ["k": "\(index)"],
                            createdAt: start.addingTimeInterval(Double(index))
                        )
                    )
                )
                ids.append(specs.id)
            }
            let all = try await store.listQoSSpecs(ListQuery(scope: .allProjects))
            #expect(all.items.map(\.id) == ids.reversed())
            #expect(all.items.map(\.specs) == [["k": "2"], ["k": "1"], ["k": "0"]])
            let page = try await store.listQoSSpecs(
                ListQuery(scope: .allProjects, sort: [SortKey("created_at", .asc)], marker: ids[0], limit: 1)
            )
            #expect(page.items.map(\.id) == [ids[1]])
            let byID = try await store.listQoSSpecs(ListQuery(scope: .allProjects, filters: [.equals("id", ids[2])]))
            #expect(byID.items.map(\.name) == ["specs-2"])
            // `name` is not a column of cinder's model: the filter matches nothing.
            let byName = try await store.listQoSSpecs(
                ListQuery(scope: .allProjects, filters: [.equals("name", "specs-2")])
            )
            #expect(byName.items.isEmpty)
            await #expect(throws: StoreError.markerNotFound("nope")) {
                try await store.listQoSSpecs(ListQuery(scope: .allProjects, marker: "nope"))
            }
        }
    }

    @Test(arguments: TestBackend.all)
    func associationsAndDeletion(backend: TestBackend) async throws {
        try await backend.withDatabase { database in
            let store = database.store
            let gold = try #require(try await store.createQoSSpecs(QoSSpecs(name: "gold", consumer: .both)))
            let silver = try #require(try await store.createQoSSpecs(QoSSpecs(name: "silver")))
            let type = try await store.createVolumeType(VolumeType(name: "fast"))
            let other = try await store.createVolumeType(VolumeType(name: "slow"))

            #expect(try await store.qosSpecs(ofVolumeType: type.id) == nil)
            #expect(try await store.associateQoSSpecs(id: gold.id, volumeTypeID: type.id) == nil)
            // Again with the same specs: nothing to do; with others: refused, naming the holder.
            #expect(try await store.associateQoSSpecs(id: gold.id, volumeTypeID: type.id) == nil)
            #expect(try await store.associateQoSSpecs(id: silver.id, volumeTypeID: type.id) == gold.id)
            #expect(try await store.volumeType(id: type.id).qosSpecsID == gold.id)
            #expect(try await store.qosSpecs(ofVolumeType: type.id)?.name == "gold")
            #expect(try await store.associateQoSSpecs(id: gold.id, volumeTypeID: other.id) == nil)
            #expect(try await store.qosSpecsAssociations(id: gold.id).map(\.name) == ["fast", "slow"])
            await #expect(throws: StoreError.notFound(.volumeType, id: "nope")) {
                try await store.associateQoSSpecs(id: gold.id, volumeTypeID: "nope")
            }

            // Disassociating other specs leaves the type's alone.
            try await store.disassociateQoSSpecs(id: silver.id, volumeTypeID: type.id)
            #expect(try await store.volumeType(id: type.id).qosSpecsID == gold.id)
            try await store.disassociateQoSSpecs(id: gold.id, volumeTypeID: type.id)
            #expect(try await store.volumeType(id: type.id).qosSpecsID == nil)
            #expect(try await store.qosSpecsAssociations(id: gold.id).map(\.name) == ["slow"])

            // In use: refused without force, nothing written.
            #expect(try await store.deleteQoSSpecs(id: gold.id, force: false) == false)
            #expect(try await store.qosSpecs(id: gold.id).name == "gold")
            try await store.disassociateAllQoSSpecs(id: gold.id)
            #expect(try await store.qosSpecsAssociations(id: gold.id).isEmpty)
            #expect(try await store.deleteQoSSpecs(id: gold.id, force: false))
            await #expect(throws: StoreError.notFound(.qosSpecs, id: gold.id)) {
                try await store.qosSpecs(id: gold.id)
            }
            // Forced: the types let go, the specs go.
            _ = try await store.associateQoSSpecs(id: silver.id, volumeTypeID: other.id)
            #expect(try await store.deleteQoSSpecs(id: silver.id, force: true))
            #expect(try await store.volumeType(id: other.id).qosSpecsID == nil)
            // The name is free again.
            #expect(try await store.createQoSSpecs(QoSSpecs(name: "gold")) != nil)
        }
    }
}

import EmberCore
import Foundation
import Testing

@testable import EmberStore

/// `cinder-manage db purge` reaches every soft-deleting table the migrations create, rows that
/// reference others before the rows they reference, as cinder's `purge_deleted_rows` walks
/// `reversed(sorted_tables)`.
@Suite("db purge")
struct PurgeTests {
    @Test func purgeCoversEverySoftDeletingTableReferencingRowsFirst() throws {
        let softDeleting = EmberSchema.allTables.filter { $0.column("deleted") != nil }.map(\.name)
        #expect(Set(SQLStore.purgeOrder) == Set(softDeleting))
        #expect(SQLStore.purgeOrder.count == softDeleting.count)
        for table in EmberSchema.allTables {
            for column in table.columns {
                guard let referenced = column.references?.split(separator: "(").first.map(String.init),
                    referenced != table.name
                else { continue }
                let referencing = try #require(SQLStore.purgeOrder.firstIndex(of: table.name))
                let target = try #require(SQLStore.purgeOrder.firstIndex(of: referenced))
                #expect(referencing < target, "\(table.name).\(column.name) references \(referenced)")
            }
        }
    }

    @Test(arguments: TestBackend.all)
    func theSchemaListsEveryTableTheMigrationsCreate(backend: TestBackend) async throws {
        try await backend.withDatabase { database in
            let created: Set<String> = try await database.store.reading { executor in
                let rows =
                    switch executor.dialect {
                    case .sqlite:
                        try await executor.query(
                            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                        )
                    case .postgresql:
                        try await executor.query(
                            """
                            SELECT table_name::text AS name FROM information_schema.tables \
                            WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
                            """
                        )
                    }
                return Set(try rows.map { row throws(StoreError) -> String in try row["name"] })
            }
            let bookkeeping: Set<String> = ["migrate_version", "ember_migration_history"]
            #expect(created.subtracting(bookkeeping) == Set(EmberSchema.allTables.map(\.name)))
        }
    }

    @Test(arguments: TestBackend.all)
    func purgeRemovesDeletedGroupsGroupTypesAndClusters(backend: TestBackend) async throws {
        try await backend.withDatabase { database in
            let store = database.store
            let groupType = try await store.createGroupType(GroupType(name: "gone"))
            let kept = try await store.createGroupType(GroupType(name: "kept"))
            let group = try await store.createGroup(VolumeGroup(projectID: "p1", groupTypeID: groupType.id))
            try await store.deleteGroup(id: group.id)
            try await store.deleteGroupType(id: groupType.id)
            _ = try await store.ensureCluster(name: "c1@file", binary: "cinder-volume")
            _ = try await store.removeCluster(name: "c1@file", binary: "cinder-volume", recursive: false)
            func deleted(_ table: String) async throws -> Int {
                try await store.reading { executor in
                    try await executor.first("SELECT COUNT(*) AS n FROM \(raw: table) WHERE deleted = TRUE")?["n"] ?? 0
                }
            }
            #expect(try await deleted("groups") == 1)
            #expect(try await deleted("group_types") == 1)
            #expect(try await deleted("clusters") == 1)

            let purged = try await store.purgeDeletedRows(before: Date().addingTimeInterval(60))
            let counts = Dictionary(uniqueKeysWithValues: purged.map { ($0.table, $0.rows) })
            #expect(counts["groups"] == 1 && counts["group_types"] == 1 && counts["clusters"] == 1, "\(purged)")
            for table in ["groups", "group_types", "group_volume_type_mapping", "clusters"] {
                #expect(try await deleted(table) == 0, "\(table)")
            }
            #expect(try await store.groupType(id: kept.id, scope: .allProjects).name == "kept")
        }
    }
}

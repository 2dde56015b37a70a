import EmberCore
import Foundation
import Testing

@testable import EmberStore

/// Group types on every backend: the type cinder's migration creates for consistency groups,
/// create with specs (names unique among live types), visibility of private types, update,
/// specs set in place (null values kept), and delete (refused while groups use the type).
@Suite("Group types store")
struct GroupTypeStoreTests {
    @Test(arguments: TestBackend.all)
    func migrationCreatesTheDefaultCGSnapshotType(backend: TestBackend) async throws {
        try await backend.withDatabase { database in
            let type = try await database.store.groupType(name: "default_cgsnapshot_type")
            #expect(type.isPublic)
            #expect(type.description == "Default group type for migrating cgsnapshot")
            #expect(type.groupSpecs == ["consistent_group_snapshot_enabled": "<is> True"])
        }
    }

    @Test(arguments: TestBackend.all)
    func createReadUpdateSpecsAndDelete(backend: TestBackend) async throws {
        try await backend.withDatabase { database in
            let store = database.store
            let created = try await store.createGroupType(
                GroupType(
                    name: "gold",
                    description: "fast",
                    groupSpecs: ["consistent_group_snapshot_enabled": "<is> True"]
                )
            )
            #expect(created.name == "gold" && created.description == "fast" && created.isPublic)
            #expect(try await store.groupType(id: created.id, scope: .project("p1")) == created)
            await #expect(throws: StoreError.groupTypeExists("gold")) {
                try await store.createGroupType(GroupType(name: "gold"))
            }

            let hidden = try await store.createGroupType(GroupType(name: "hidden", isPublic: false))
            await #expect(throws: StoreError.notFound(.groupType, id: hidden.id)) {
                try await store.groupType(id: hidden.id, scope: .project("p1"))
            }
            #expect(try await store.groupType(id: hidden.id, scope: .allProjects).name == "hidden")
            let visible = try await store.listGroupTypes(ListQuery(scope: .project("p1"))).items.map(\.name)
            #expect(Set(visible) == ["gold", "default_cgsnapshot_type"])
            let privateOnly = try await store.listGroupTypes(
                ListQuery(scope: .allProjects, filters: [.equals("is_public", "0")])
            )
            #expect(privateOnly.items.map(\.name) == ["hidden"])

            let renamed = try await store.updateGroupType(
                id: created.id,
                GroupTypeUpdate(name: "platinum", isPublic: false)
            )
            #expect(renamed.name == "platinum" && !renamed.isPublic && renamed.description == "fast")
            #expect(renamed.updatedAt != nil)
            await #expect(throws: StoreError.groupTypeExists("hidden")) {
                try await store.updateGroupType(id: created.id, GroupTypeUpdate(name: "hidden"))
            }
            await #expect(throws: StoreError.notFound(.groupType, id: "missing")) {
                try await store.updateGroupType(id: "missing", GroupTypeUpdate(description: "x"))
            }

            try await store.setGroupSpecs(groupTypeID: created.id, ["a": "1", "b": nil])
            try await store.setGroupSpecs(groupTypeID: created.id, ["a": "2"])
            let expected: [String: String?] = ["consistent_group_snapshot_enabled": "<is> True", "a": "2", "b": nil]
            #expect(try await store.groupSpecs(groupTypeID: created.id) == expected)
            try await store.deleteGroupSpec(groupTypeID: created.id, key: "a")
            await #expect(throws: StoreError.groupSpecNotFound(groupTypeID: created.id, key: "a")) {
                try await store.deleteGroupSpec(groupTypeID: created.id, key: "a")
            }
            await #expect(throws: StoreError.notFound(.groupType, id: "missing")) {
                try await store.setGroupSpecs(groupTypeID: "missing", ["a": "1"])
            }

            try await store.deleteGroupType(id: created.id)
            await #expect(throws: StoreError.notFound(.groupType, id: created.id)) {
                try await store.groupType(id: created.id, scope: .allProjects)
            }
            await #expect(throws: StoreError.notFound(.groupType, id: created.id)) {
                try await store.deleteGroupType(id: created.id)
            }
            // The name is free again once the type is deleted.
            _ = try await store.createGroupType(GroupType(name: "platinum"))
        }
    }
}

import EmberCore
import Foundation
import Testing

@testable import EmberStore

/// cinder's list semantics: marker, limit, offset, sort keys, filters, counts, scoping.
@Suite("Volume store pagination")
struct PaginationTests {
    static let project = "project-a"

    /// 30 volumes in `project-a` (with timestamps that tie in threes, names that repeat, sizes
    /// 1…5, some metadata) and 5 in `project-b`.
    static func seed(_ store: SQLStore) async throws -> [Volume] {
        let base = Date(timeIntervalSince1970: 1_700_000_000)
        var volumes: [Volume] = []
        for index in 0..<35 {
            var volume = Volume(
                userID: "u",
                projectID: index < 30 ? project : "project-b",
                size: index % 5 + 1,
                volumeTypeID: "type-1",
                status: index % 7 == 0 ? .error : .available,
                displayName: index % 4 == 0 ? nil : "vol-\(index % 6)",
                createdAt: base.addingTimeInterval(Double(index / 3))
            )
            if index % 3 == 0 { volume.metadata = ["tier": "gold"] }
            if index % 10 == 0 { volume.imageMetadata = ["image_id": "img-\(index)"] }
            if index == 4 { volume.bootable = true }
            volumes.append(try await store.createVolume(volume))
        }
        return volumes
    }

    /// The order the store must produce, computed in Swift (NULL names sort as "").
    static func expected(_ volumes: [Volume], _ keys: [SortKey]) -> [String] {
        volumes.sorted { lhs, rhs in
            for key in keys {
                let order: ComparisonResult
                switch key.column {
                case "display_name": order = compare(lhs.displayName ?? "", rhs.displayName ?? "")
                case "size": order = compare(lhs.size, rhs.size)
                case "created_at": order = compare(lhs.createdAt, rhs.createdAt)
                case "id": order = compare(lhs.id, rhs.id)
                default: order = .orderedSame
                }
                if order != .orderedSame {
                    return key.direction == .asc ? order == .orderedAscending : order == .orderedDescending
                }
            }
            return false
        }.map(\.id)
    }

    static func compare<T: Comparable>(_ lhs: T, _ rhs: T) -> ComparisonResult {
        lhs < rhs ? .orderedAscending : lhs > rhs ? .orderedDescending : .orderedSame
    }

    /// Every id, page by page, following markers.
    static func walk(_ store: SQLStore, _ query: ListQuery) async throws -> [String] {
        var query = query
        var ids: [String] = []
        for _ in 0..<100 {
            let page = try await store.listVolumes(query)
            ids += page.items.map(\.id)
            guard let last = page.items.last, page.items.count == query.limit else { return ids }
            query.marker = last.id
        }
        Issue.record("pagination did not end")
        return ids
    }

    static let sortCases: [[SortKey]] = [
        [],
        [SortKey("display_name", .asc)],
        [SortKey("size", .desc), SortKey("display_name", .asc)],
        [SortKey("size", .asc), SortKey("created_at", .desc)],
        [SortKey("display_name", .desc), SortKey("size", .desc)],
    ]

    /// A page longer than one metadata/attachment query (500 volumes) gets every volume's own
    /// metadata of the three kinds and its attachments, oldest first, across the chunk boundary.
    @Test(arguments: TestBackend.all)
    func longPagesKeepEachVolumesMetadataAndAttachments(backend: TestBackend) async throws {
        try await backend.withDatabase { database in
            let store = database.store
            let base = Date(timeIntervalSince1970: 1_700_000_000)
            var created: [String: Volume] = [:]
            for index in 0..<505 {
                var volume = Volume(
                    userID: "u",
                    projectID: Self.project,
                    size: 1,
                    volumeTypeID: "type-1",
                    createdAt: base.addingTimeInterval(Double(index))
                )
                volume.metadata = ["n": "\(index)", "even": index % 2 == 0 ? "yes" : "no"]
                if index % 3 == 0 { volume.adminMetadata = ["readonly": "\(index)"] }
                if index % 5 == 0 { volume.imageMetadata = ["image_id": "img-\(index)"] }
                volume = try await store.createVolume(volume)
                if index % 100 == 1 || index == 503 {
                    for server in ["first", "second"] {
                        volume.attachments.append(
                            try await store.createAttachment(
                                VolumeAttachment(volumeID: volume.id, instanceUUID: "\(server)-\(index)")
                            )
                        )
                    }
                }
                created[volume.id] = volume
            }
            let page = try await store.listVolumes(ListQuery(scope: .project(Self.project)))
            #expect(page.items.count == 505)
            for volume in page.items {
                let expected = try #require(created[volume.id])
                #expect(volume.metadata == expected.metadata)
                #expect(volume.adminMetadata == expected.adminMetadata)
                #expect(volume.imageMetadata == expected.imageMetadata)
                #expect(volume.attachments.map(\.instanceUUID) == expected.attachments.map(\.instanceUUID))
            }
        }
    }

    @Test(arguments: TestBackend.all)
    func pagesFollowEverySortOrder(backend: TestBackend) async throws {
        try await backend.withDatabase { database in
            let store = database.store
            let volumes = try await Self.seed(store).filter { $0.projectID == Self.project }
            for sort in Self.sortCases {
                let keys = try SQLStore.sortKeys(sort, table: EmberSchema.volumes)
                let expected = Self.expected(volumes, keys)
                for limit in [1, 7, 30, 31] {
                    let walked = try await Self.walk(
                        store,
                        ListQuery(scope: .project(Self.project), sort: sort, limit: limit)
                    )
                    #expect(walked == expected, "sort \(sort) limit \(limit)")
                }
                let all = try await store.listVolumes(ListQuery(scope: .project(Self.project), sort: sort))
                #expect(all.items.map(\.id) == expected)
            }
        }
    }

    @Test(arguments: TestBackend.all)
    func markerLimitOffsetAndCount(backend: TestBackend) async throws {
        try await backend.withDatabase { database in
            let store = database.store
            let volumes = try await Self.seed(store)
            let mine = volumes.filter { $0.projectID == Self.project }
            let expected = Self.expected(mine, try SQLStore.sortKeys([], table: EmberSchema.volumes))

            let zero = try await store.listVolumes(ListQuery(scope: .project(Self.project), limit: 0, withCount: true))
            #expect(zero.items.isEmpty)
            #expect(zero.count == 30)

            let offset = try await store.listVolumes(ListQuery(scope: .project(Self.project), limit: 5, offset: 3))
            #expect(offset.items.map(\.id) == Array(expected[3..<8]))
            let offsetOnly = try await store.listVolumes(ListQuery(scope: .project(Self.project), offset: 28))
            #expect(offsetOnly.items.map(\.id) == Array(expected[28...]))

            let afterMarker = try await store.listVolumes(
                ListQuery(scope: .project(Self.project), marker: expected[9], limit: 4, offset: 2, withCount: true)
            )
            #expect(afterMarker.items.map(\.id) == Array(expected[12..<16]))
            #expect(afterMarker.count == 30)

            let last = try await store.listVolumes(ListQuery(scope: .project(Self.project), marker: expected[29]))
            #expect(last.items.isEmpty)

            await #expect(throws: StoreError.markerNotFound("no-such-id")) {
                try await store.listVolumes(ListQuery(scope: .project(Self.project), marker: "no-such-id"))
            }
            // A volume of another project is not a valid marker for this one…
            let foreign = volumes.first { $0.projectID != Self.project }!
            await #expect(throws: StoreError.markerNotFound(foreign.id)) {
                try await store.listVolumes(ListQuery(scope: .project(Self.project), marker: foreign.id))
            }
            // …nor is a deleted one.
            try await store.deleteVolume(id: expected[0])
            await #expect(throws: StoreError.markerNotFound(expected[0])) {
                try await store.listVolumes(ListQuery(scope: .project(Self.project), marker: expected[0]))
            }
            await #expect(throws: StoreError.invalidSortKey("nonsense")) {
                try await store.listVolumes(ListQuery(scope: .allProjects, sort: [SortKey("nonsense")]))
            }
            let everyone = try await store.listVolumes(ListQuery(scope: .allProjects, withCount: true))
            #expect(everyone.count == 34)
            #expect(Set(everyone.items.compactMap(\.projectID)) == [Self.project, "project-b"])
        }
    }

    @Test(arguments: TestBackend.all)
    func filters(backend: TestBackend) async throws {
        try await backend.withDatabase { database in
            let store = database.store
            let volumes = try await Self.seed(store).filter { $0.projectID == Self.project }
            func ids(_ filters: [ListFilter]) async throws -> Set<String> {
                Set(
                    try await store.listVolumes(ListQuery(scope: .project(Self.project), filters: filters)).items.map(
                        \.id
                    )
                )
            }
            #expect(
                try await ids([.equals("status", "error")]) == Set(volumes.filter { $0.status == .error }.map(\.id))
            )
            #expect(try await ids([.equals("size", "3")]) == Set(volumes.filter { $0.size == 3 }.map(\.id)))
            #expect(try await ids([.equals("size", "three")]).isEmpty)
            #expect(try await ids([.equals("bootable", "true")]) == Set(volumes.filter(\.bootable).map(\.id)))
            #expect(try await ids([.equals("no_such_column", "x")]).isEmpty)
            #expect(try await ids([.isNull("display_name")]) == Set(volumes.filter { $0.displayName == nil }.map(\.id)))
            #expect(
                try await ids([.oneOf("size", ["1", "2"])]) == Set(volumes.filter { $0.size <= 2 }.map(\.id))
            )
            #expect(
                try await ids([.contains("display_name", "OL-3")])
                    == Set(volumes.filter { $0.displayName == "vol-3" }.map(\.id))
            )
            #expect(try await ids([.contains("display_name", "%")]).isEmpty)
            #expect(
                try await ids([.metadata(["tier": "gold"])])
                    == Set(volumes.filter { $0.metadata["tier"] == "gold" }.map(\.id))
            )
            #expect(
                try await ids([.imageMetadata(["image_id": "img-10"])])
                    == Set(volumes.filter { $0.imageMetadata["image_id"] == "img-10" }.map(\.id))
            )
            let cutoff = volumes[15].createdAt
            #expect(
                try await ids([.compare("created_at", .gte, "2023-11-14T22:13:25")])
                    == Set(volumes.filter { $0.createdAt >= cutoff }.map(\.id))
            )
            #expect(
                try await ids([.metadata(["tier": "gold"]), .equals("size", "1")])
                    == Set(volumes.filter { $0.metadata["tier"] == "gold" && $0.size == 1 }.map(\.id))
            )
            _ = try await store.updateVolume(id: volumes[1].id, [.migrationStatus("target:\(volumes[2].id)")])
            #expect(try await ids([.excludeMigrationTargets]).count == volumes.count - 1)

            let counted = try await store.listVolumes(
                ListQuery(
                    scope: .project(Self.project),
                    filters: [.metadata(["tier": "gold"])],
                    limit: 2,
                    withCount: true
                )
            )
            #expect(counted.items.count == 2)
            #expect(counted.count == volumes.filter { $0.metadata["tier"] == "gold" }.count)
        }
    }

    @Test(arguments: TestBackend.all)
    func deepPagesUseTheSameKeyset(backend: TestBackend) async throws {
        try await backend.withDatabase { database in
            let store = database.store
            let volumes = try await Self.seed(store).filter { $0.projectID == Self.project }
            let expected = Self.expected(volumes, try SQLStore.sortKeys([], table: EmberSchema.volumes))
            // The page after the 25th item equals items 26… whatever the path to it.
            let deep = try await store.listVolumes(
                ListQuery(scope: .project(Self.project), marker: expected[24], limit: 3)
            )
            #expect(deep.items.map(\.id) == Array(expected[25..<28]))
        }
    }

    /// An unbounded list longer than two metadata batches (500 ids each): every row's metadata
    /// is loaded. Seeded by one writer: four concurrent ones (faster alone) made
    /// this the slowest store test of a loaded parallel run, and a CI run failed it there.
    @Test(arguments: TestBackend.all)
    func largeUnboundedListsLoadEveryRowsMetadata(backend: TestBackend) async throws {
        try await backend.withDatabase { database in
            let store = database.store
            for number in 0..<1_100 {
                _ = try await store.createVolume(
                    Volume(userID: "u", projectID: "big", size: 1, volumeTypeID: "t", metadata: ["n": String(number)])
                )
            }
            let page = try await store.listVolumes(ListQuery(scope: .project("big"), withCount: true))
            #expect(page.count == 1_100)
            #expect(page.items.count == 1_100)
            #expect(Set(page.items.compactMap { $0.metadata["n"] }).count == 1_100)
        }
    }
}

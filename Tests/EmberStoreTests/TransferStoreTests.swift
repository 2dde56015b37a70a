import EmberCore
import Foundation
import Testing

@testable import EmberStore

/// Volume transfers on every backend: the volume's status and the transfer row change
/// together, an accept moves the volume, its snapshots and the quota in one transaction, and
/// of racing accepts exactly one wins.
@Suite("Transfer store")
struct TransferStoreTests {
    static let source = "transfer-source"
    static let destination = "transfer-destination"
    static let later = Date(timeIntervalSinceNow: 86_400)

    static func volume(_ store: SQLStore, status: VolumeStatus = .available, size: Int = 2) async throws -> Volume {
        try await store.createVolume(
            Volume(userID: "donor", projectID: source, size: size, volumeTypeID: "type-1", status: status)
        )
    }

    static func snapshot(
        _ store: SQLStore,
        of volume: Volume,
        status: SnapshotStatus = .available
    ) async throws
        -> Snapshot
    {
        try await store.createSnapshot(
            Snapshot(
                volumeID: volume.id,
                userID: "donor",
                projectID: source,
                volumeSize: volume.size,
                volumeTypeID: "type-1",
                status: status
            )
        )
    }

    static func transfer(for volume: Volume, noSnapshots: Bool = false) -> VolumeTransfer {
        VolumeTransfer(
            volumeID: volume.id,
            displayName: "gift",
            salt: "abcdefgh",
            cryptHash: TransferKey.cryptHash(salt: "abcdefgh", authKey: "0123456789abcdef"),
            noSnapshots: noSnapshots,
            sourceProjectID: source
        )
    }

    @Test(arguments: TestBackend.all)
    func createMovesTheVolumeAndOnlyFromAvailable(backend: TestBackend) async throws {
        try await backend.withDatabase { database in
            let store = database.store
            let volume = try await Self.volume(store)
            let created = try #require(try await store.createTransfer(Self.transfer(for: volume)))
            #expect(created.volumeID == volume.id)
            #expect(created.displayName == "gift")
            #expect(created.sourceProjectID == Self.source)
            #expect(created.destinationProjectID == nil)
            #expect(!created.accepted && !created.noSnapshots)
            #expect(try await store.volume(id: volume.id, scope: .allProjects).status == .awaitingTransfer)
            // The volume no longer is `available`: a second offer writes nothing.
            #expect(try await store.createTransfer(Self.transfer(for: volume)) == nil)
            let page = try await store.listTransfers(ListQuery(scope: .allProjects))
            #expect(page.items.map(\.id) == [created.id])

            let busy = try await Self.volume(store, status: .inUse)
            #expect(try await store.createTransfer(Self.transfer(for: busy)) == nil)
            #expect(try await store.volume(id: busy.id, scope: .allProjects).status == .inUse)
        }
    }

    @Test(arguments: TestBackend.all)
    func transfersAreScopedByTheVolumesProject(backend: TestBackend) async throws {
        try await backend.withDatabase { database in
            let store = database.store
            let volume = try await Self.volume(store)
            let created = try #require(try await store.createTransfer(Self.transfer(for: volume)))
            #expect(try await store.transfer(id: created.id, scope: .project(Self.source)) == created)
            await #expect(throws: StoreError.notFound(.transfer, id: created.id)) {
                try await store.transfer(id: created.id, scope: .project(Self.destination))
            }
            #expect(try await store.listTransfers(ListQuery(scope: .project(Self.destination))).items.isEmpty)
            #expect(try await store.listTransfers(ListQuery(scope: .project(Self.source))).items.count == 1)
            let filtered = try await store.listTransfers(
                ListQuery(scope: .allProjects, filters: [.equals("project_id", Self.destination)])
            )
            #expect(filtered.items.isEmpty)
            let named = try await store.listTransfers(
                ListQuery(scope: .allProjects, filters: [.equals("display_name", "gift")])
            )
            #expect(named.items.count == 1)
        }
    }

    @Test(arguments: TestBackend.all)
    func deleteGivesTheVolumeBack(backend: TestBackend) async throws {
        try await backend.withDatabase { database in
            let store = database.store
            let volume = try await Self.volume(store)
            let created = try #require(try await store.createTransfer(Self.transfer(for: volume)))
            #expect(try await store.deleteTransfer(id: created.id))
            #expect(try await store.volume(id: volume.id, scope: .allProjects).status == .available)
            await #expect(throws: StoreError.notFound(.transfer, id: created.id)) {
                try await store.deleteTransfer(id: created.id)
            }
            // A volume that left `awaiting-transfer` meanwhile keeps its status.
            let other = try #require(try await store.createTransfer(Self.transfer(for: volume)))
            _ = try await store.updateVolume(id: volume.id, [.status(.error)])
            #expect(try await store.deleteTransfer(id: other.id) == false)
            #expect(try await store.volume(id: volume.id, scope: .allProjects).status == .error)
        }
    }

    @Test(arguments: TestBackend.all)
    func acceptMovesVolumeSnapshotsAndQuotaTogether(backend: TestBackend) async throws {
        try await backend.withDatabase { database in
            let store = database.store
            let volume = try await Self.volume(store, size: 3)
            let first = try await Self.snapshot(store, of: volume)
            let second = try await Self.snapshot(store, of: volume)
            let created = try #require(try await store.createTransfer(Self.transfer(for: volume)))
            let limits = ["volumes": 10, "gigabytes": 100]
            let incoming = try await store.reserve(
                projectID: Self.destination,
                deltas: ["volumes": 1, "gigabytes": 3],
                limits: limits,
                expiresAt: Self.later
            )
            let outgoing = try await store.reserve(
                projectID: Self.source,
                deltas: ["volumes": -1, "gigabytes": -3],
                limits: limits,
                expiresAt: Self.later
            )
            let outcome = try await store.acceptTransfer(
                id: created.id,
                userID: "taker",
                projectID: Self.destination,
                commit: [incoming, outgoing]
            )
            guard case .accepted(let moved) = outcome else {
                Issue.record("not accepted: \(outcome)")
                return
            }
            #expect(moved.projectID == Self.destination)
            #expect(moved.userID == "taker")
            #expect(moved.status == .available)
            for snapshot in [first, second] {
                let now = try await store.snapshot(id: snapshot.id, scope: .allProjects)
                #expect(now.projectID == Self.destination)
                #expect(now.userID == "taker")
            }
            // Committed: the destination uses what the source gave back.
            let taken = try await store.quotaUsages(projectID: Self.destination)
            #expect(taken["volumes"]?.inUse == 1 && taken["volumes"]?.reserved == 0)
            #expect(taken["gigabytes"]?.inUse == 3 && taken["gigabytes"]?.reserved == 0)
            let given = try await store.quotaUsages(projectID: Self.source)
            #expect(given["volumes"]?.inUse == 0)
            // The source's row counted the volume and both snapshots (3 + 3 + 3) when made.
            #expect(given["gigabytes"]?.inUse == 6)
            // The transfer is history now: accepted, deleted, with the destination recorded.
            await #expect(throws: StoreError.notFound(.transfer, id: created.id)) {
                try await store.transfer(id: created.id, scope: .allProjects)
            }
            let row = try await database.driver.read { executor in
                try await executor.first(
                    "SELECT accepted, destination_project_id FROM transfers WHERE id = \(created.id)"
                )
            }
            let accepted: Bool? = try row?["accepted"]
            let destination: String? = try row?["destination_project_id"]
            #expect(accepted == true)
            #expect(destination == Self.destination)
        }
    }

    @Test(arguments: TestBackend.all)
    func acceptWithoutSnapshotsLeavesThemAndRefusalsWriteNothing(backend: TestBackend) async throws {
        try await backend.withDatabase { database in
            let store = database.store
            let volume = try await Self.volume(store)
            let snapshot = try await Self.snapshot(store, of: volume)
            let created = try #require(try await store.createTransfer(Self.transfer(for: volume, noSnapshots: true)))
            let outcome = try await store.acceptTransfer(
                id: created.id,
                userID: "taker",
                projectID: Self.destination,
                commit: []
            )
            guard case .accepted = outcome else {
                Issue.record("not accepted: \(outcome)")
                return
            }
            #expect(try await store.snapshot(id: snapshot.id, scope: .allProjects).projectID == Self.source)

            // A snapshot that is not available stops the accept before anything moves.
            let other = try await Self.volume(store)
            let busy = try await Self.snapshot(store, of: other, status: .creating)
            let offer = try #require(try await store.createTransfer(Self.transfer(for: other)))
            let reservation = try await store.reserve(
                projectID: Self.destination,
                deltas: ["volumes": 1],
                limits: ["volumes": 10],
                expiresAt: Self.later
            )
            let refused = try await store.acceptTransfer(
                id: offer.id,
                userID: "taker",
                projectID: Self.destination,
                commit: [reservation]
            )
            #expect(refused == .snapshotNotAvailable(snapshotID: busy.id))
            let unchanged = try await store.volume(id: other.id, scope: .allProjects)
            #expect(unchanged.projectID == Self.source && unchanged.status == .awaitingTransfer)
            #expect(try await store.transfer(id: offer.id, scope: .allProjects).accepted == false)
            #expect(try await store.quotaUsages(projectID: Self.destination)["volumes"]?.reserved == 1)

            // A volume that left `awaiting-transfer` is refused the same way.
            _ = try await store.updateSnapshot(id: busy.id, [.status(.available)])
            _ = try await store.updateVolume(id: other.id, [.status(.maintenance)])
            let notWaiting = try await store.acceptTransfer(
                id: offer.id,
                userID: "taker",
                projectID: Self.destination,
                commit: [reservation]
            )
            #expect(notWaiting == .volumeNotAwaitingTransfer(volumeID: other.id))
            #expect(try await store.volume(id: other.id, scope: .allProjects).projectID == Self.source)
        }
    }

    @Test(arguments: TestBackend.all)
    func racingAcceptsHaveExactlyOneWinner(backend: TestBackend) async throws {
        try await backend.withDatabase { database in
            let store = database.store
            let volume = try await Self.volume(store)
            let created = try #require(try await store.createTransfer(Self.transfer(for: volume)))
            let projects = (0..<6).map { "racer-\($0)" }
            let results = await withTaskGroup(of: (String, TransferAcceptOutcome?).self) { group in
                for project in projects {
                    group.addTask {
                        let outcome = try? await store.acceptTransfer(
                            id: created.id,
                            userID: "u-" + project,
                            projectID: project,
                            commit: []
                        )
                        return (project, outcome)
                    }
                }
                var results: [(String, TransferAcceptOutcome?)] = []
                for await result in group { results.append(result) }
                return results
            }
            let winners = results.filter {
                if case .accepted? = $0.1 { return true }
                return false
            }
            #expect(winners.count == 1)
            let owner = try await store.volume(id: volume.id, scope: .allProjects).projectID
            #expect(owner == winners.first?.0)
        }
    }
}

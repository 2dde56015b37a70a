import EmberCore
import Foundation
import Testing

@testable import EmberStore

/// Quota limits, usages and reservations, including races.
@Suite("Quota store")
struct QuotaTests {
    static let project = "quota-project"
    static let later = Date(timeIntervalSinceNow: 86_400)

    @Test(arguments: TestBackend.all)
    func limitsAndClasses(backend: TestBackend) async throws {
        try await backend.withDatabase { database in
            let store = database.store
            #expect(try await store.projectQuotas(projectID: Self.project).isEmpty)
            try await store.setProjectQuota(projectID: Self.project, resource: "volumes", hardLimit: 20)
            try await store.setProjectQuota(projectID: Self.project, resource: "volumes", hardLimit: 25)
            try await store.setProjectQuota(projectID: Self.project, resource: "gigabytes", hardLimit: -1)
            #expect(try await store.projectQuotas(projectID: Self.project) == ["volumes": 25, "gigabytes": -1])
            try await store.deleteProjectQuotas(projectID: Self.project)
            #expect(try await store.projectQuotas(projectID: Self.project).isEmpty)
            try await store.setQuotaClass(name: "default", resource: "snapshots", hardLimit: 7)
            #expect(try await store.quotaClass(name: "default") == ["snapshots": 7])
        }
    }

    /// The volume row and the quota it uses are committed in one transaction: a create that
    /// fails leaves neither (and the reservation live, for the caller's rollback).
    @Test(arguments: TestBackend.all)
    func aVolumeAndItsReservationCommitTogether(backend: TestBackend) async throws {
        try await backend.withDatabase { database in
            let store = database.store
            let limits = ["volumes": 10, "gigabytes": 100]
            let reservation = try await store.reserve(
                projectID: Self.project,
                deltas: ["volumes": 1, "gigabytes": 3],
                limits: limits,
                expiresAt: Self.later
            )
            let volume = try await store.createVolume(
                Volume(userID: "u", projectID: Self.project, size: 3, volumeTypeID: "t"),
                committing: reservation
            )
            var usages = try await store.quotaUsages(projectID: Self.project)
            #expect(
                usages["volumes"] == QuotaUsage(projectID: Self.project, resource: "volumes", inUse: 1, reserved: 0)
            )
            #expect(usages["gigabytes"]?.inUse == 3 && usages["gigabytes"]?.reserved == 0)

            let second = try await store.reserve(
                projectID: Self.project,
                deltas: ["volumes": 1, "gigabytes": 3],
                limits: limits,
                expiresAt: Self.later
            )
            var duplicate = Volume(userID: "u", projectID: Self.project, size: 3, volumeTypeID: "t")
            duplicate.id = volume.id
            await #expect(throws: StoreError.self) { try await store.createVolume(duplicate, committing: second) }
            usages = try await store.quotaUsages(projectID: Self.project)
            #expect(usages["volumes"]?.inUse == 1 && usages["volumes"]?.reserved == 1, "nothing committed")
            try await store.rollback(second)
            #expect(try await store.quotaUsages(projectID: Self.project)["volumes"]?.reserved == 0)
        }
    }

    @Test(arguments: TestBackend.all)
    func reserveCommitRollback(backend: TestBackend) async throws {
        try await backend.withDatabase { database in
            let store = database.store
            // Existing volumes count when the usage row is first created.
            _ = try await store.createVolume(
                Volume(userID: "u", projectID: Self.project, size: 4, volumeTypeID: "t", status: .available)
            )
            let limits = ["volumes": 3, "gigabytes": 10]
            let first = try await store.reserve(
                projectID: Self.project,
                deltas: ["volumes": 1, "gigabytes": 5],
                limits: limits,
                expiresAt: Self.later
            )
            #expect(first.uuids.count == 2)
            var usages = try await store.quotaUsages(projectID: Self.project)
            #expect(
                usages["volumes"] == QuotaUsage(projectID: Self.project, resource: "volumes", inUse: 1, reserved: 1)
            )
            #expect(usages["gigabytes"]?.inUse == 4)
            #expect(usages["gigabytes"]?.reserved == 5)

            await #expect(
                throws: StoreError.overQuota([
                    QuotaOverage(resource: "gigabytes", requested: 2, limit: 10, inUse: 4, reserved: 5)
                ])
            ) {
                try await store.reserve(
                    projectID: Self.project,
                    deltas: ["volumes": 1, "gigabytes": 2],
                    limits: limits,
                    expiresAt: Self.later
                )
            }
            // A failed reservation changes nothing.
            #expect(try await store.quotaUsages(projectID: Self.project) == usages)

            try await store.commit(first)
            usages = try await store.quotaUsages(projectID: Self.project)
            #expect(usages["volumes"]?.inUse == 2)
            #expect(usages["volumes"]?.reserved == 0)
            #expect(usages["gigabytes"]?.inUse == 9)
            // Committing twice has no further effect.
            try await store.commit(first)
            #expect(try await store.quotaUsages(projectID: Self.project) == usages)

            let second = try await store.reserve(
                projectID: Self.project,
                deltas: ["volumes": 1],
                limits: limits,
                expiresAt: Self.later
            )
            #expect(try await store.quotaUsages(projectID: Self.project)["volumes"]?.reserved == 1)
            try await store.rollback(second)
            #expect(try await store.quotaUsages(projectID: Self.project) == usages)

            // Negative deltas release usage (never below zero) and ignore limits.
            let release = try await store.reserve(
                projectID: Self.project,
                deltas: ["volumes": -5],
                limits: ["volumes": 0],
                expiresAt: Self.later
            )
            try await store.commit(release)
            #expect(try await store.quotaUsages(projectID: Self.project)["volumes"]?.inUse == 0)

            // Unlimited (-1) and unlisted resources are never over.
            let unlimited = try await store.reserve(
                projectID: Self.project,
                deltas: ["backups": 100, "volumes": 50],
                limits: ["volumes": -1],
                expiresAt: Self.later
            )
            try await store.rollback(unlimited)
        }
    }

    @Test(arguments: TestBackend.all)
    func expiredReservationsAreRolledBack(backend: TestBackend) async throws {
        try await backend.withDatabase { database in
            let store = database.store
            let expired = try await store.reserve(
                projectID: Self.project,
                deltas: ["volumes": 2],
                limits: ["volumes": 10],
                expiresAt: Date(timeIntervalSinceNow: -10)
            )
            let live = try await store.reserve(
                projectID: Self.project,
                deltas: ["volumes": 3],
                limits: ["volumes": 10],
                expiresAt: Self.later
            )
            #expect(try await store.quotaUsages(projectID: Self.project)["volumes"]?.reserved == 5)
            #expect(try await store.expireReservations(now: Date()) == 1)
            #expect(try await store.quotaUsages(projectID: Self.project)["volumes"]?.reserved == 3)
            #expect(try await store.expireReservations(now: Date()) == 0)
            // Committing an expired reservation does nothing; the live one still commits.
            try await store.commit(expired)
            try await store.commit(live)
            let usage = try await store.quotaUsages(projectID: Self.project)["volumes"]
            #expect(usage?.inUse == 3)
            #expect(usage?.reserved == 0)
        }
    }

    @Test(arguments: TestBackend.all)
    func concurrentReservationsNeverExceedTheLimit(backend: TestBackend) async throws {
        try await backend.withDatabase(poolSize: 5) { database in
            let store = database.store
            let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<50 {
                    group.addTask {
                        do {
                            _ = try await store.reserve(
                                projectID: Self.project,
                                deltas: ["volumes": 1],
                                limits: ["volumes": 10],
                                expiresAt: Self.later
                            )
                            return true
                        } catch let error as StoreError {
                            guard case .overQuota = error else { throw error }
                            return false
                        }
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 10)
            #expect(outcomes.filter { !$0 }.count == 40)
            let usage = try await store.quotaUsages(projectID: Self.project)["volumes"]
            #expect(usage?.reserved == 10)
            #expect(usage?.inUse == 0)
        }
    }
}

import EmberBus
import EmberCore
import EmberStore
import EmberTesting
import EmberVolume
import Foundation
import Logging
import Testing

@testable import EmberWorkers

/// User messages end to end: a create no backend can take leaves cinder's message, which the
/// message API shows with cinder's text, and the scheduler's periodic task removes it once
/// `message_ttl` has passed.
@Suite struct UserMessageTests {
    @Test("a create no backend can take: cinder's message, shown through the message API")
    func noValidBackendLeavesAMessage() async throws {
        try await WorkerHarness.run { workers in
            try await workers.waitForBackends(2)
            let type = try await workers.store.createVolumeType(
                VolumeType(name: "nowhere", extraSpecs: ["volume_backend_name": "no-such-backend"])
            )
            let created = try await workers.createVolume(size: 1, type: type.id)
            _ = try await workers.waitForVolume(created.id, [.error])
            _ = try await workers.waitForMessage(in: .allProjects, "no valid backend") {
                $0.resourceUUID == created.id
            }
            let page = try await workers.api.messages.list(ListQuery(scope: .allProjects), caller: workers.caller)
            let message = try #require(page.items.first { $0.resourceUUID == created.id })
            #expect(message.projectID == workers.caller.projectID)
            #expect(message.eventID == "VOLUME_VOLUME_001_003")
            #expect(message.userMessage == "schedule allocate volume:Could not find any available weighted backend.")
            #expect(message.resourceType == "VOLUME")
            #expect(message.messageLevel == "ERROR")
            let expires = try #require(message.expiresAt)
            #expect(abs(expires.timeIntervalSince(message.createdAt) - 2_592_000) < 2)
            // Another project does not see it; an admin does.
            let stranger = Identity(userID: "u", projectID: "someone-else")
            await #expect(throws: EmberError.self) {
                try await workers.api.messages.get(id: message.id, caller: stranger)
            }
            let admin = Identity(userID: "root", projectID: "admin-project", roles: ["admin"], isAdmin: true)
            #expect(try await workers.api.messages.get(id: message.id, caller: admin).id == message.id)
        }
    }

    @Test("the scheduler reaps messages past message_ttl, at start and every message_reap_interval")
    func expiredMessagesAreReaped() async throws {
        try await WorkerHarness.run(startWorkers: false) { workers in
            let clock = ManualClock()
            var configuration = workers.configuration
            configuration.messageTTL = .seconds(100)
            configuration.messageReapInterval = .seconds(60)
            let scheduler = SchedulerManager(
                configuration: configuration,
                store: workers.store,
                bus: workers.bus,
                clock: clock
            )
            let context = RPCContext(requestID: "req-1", userID: "u1", projectID: "p1")
            await scheduler.messages.record(
                .scheduleAllocateVolume,
                .noBackendAvailable,
                resourceID: "vol-1",
                projectID: nil,
                context: context
            )
            let recorded = try #require(
                try await workers.store.listMessages(ListQuery(scope: .allProjects)).items.first
            )
            #expect(recorded.createdAt.timeIntervalSince1970.rounded() == clock.now.timeIntervalSince1970.rounded())
            #expect(recorded.expiresAt.map { $0.timeIntervalSince(recorded.createdAt).rounded() } == 100)
            #expect(recorded.requestID == "req-1")

            let reaper = Task { await scheduler.reapExpiredMessages() }
            defer { reaper.cancel() }
            // The first run (at start) finds nothing expired; the task then sleeps.
            try await clock.waitForSleepers()
            #expect(try await workers.store.listMessages(ListQuery(scope: .allProjects)).items.count == 1)
            clock.advance(by: .seconds(60))
            try await clock.waitForSleepers()
            #expect(try await workers.store.listMessages(ListQuery(scope: .allProjects)).items.count == 1)
            // 120 s after the record: past its 100 s TTL, the next run removes it.
            clock.advance(by: .seconds(60))
            try await waitUntil("the expired message is reaped") {
                try await workers.store.listMessages(ListQuery(scope: .allProjects)).items.isEmpty
            }
        }
    }
}

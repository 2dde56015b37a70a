import EmberCore
import EmberStore
import EmberTesting
import EmberWorkers
import Foundation
import Logging
import Testing

/// The heartbeat on an injected clock: each `report_interval` of that clock is one beat.
@Suite struct ServiceHeartbeatTests {
    @Test func beatsOncePerIntervalOfItsClock() async throws {
        // A whole second, so timestamps at the databases' microsecond precision add up exactly.
        let clock = ManualClock(now: Date(timeIntervalSince1970: 1_800_000_000))
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let configuration = DatabaseConfiguration(
            backend: .sqlite(path: directory.path + "/ember.sqlite"),
            redactedConnection: "sqlite"
        )
        let logger = Logger(label: "test.heartbeat")
        try await EmberDatabase.withDatabase(configuration: configuration, logger: logger, clock: clock) { database in
            _ = try await database.migrate()
            let store = database.store
            let heartbeat = ServiceHeartbeat(
                store: store,
                host: "node@alpha",
                binary: "cinder-volume",
                topic: "cinder-volume",
                availabilityZone: "nova",
                interval: .seconds(10),
                clock: clock,
                logger: logger
            )
            let serviceID = try await heartbeat.register()
            let registered = try await store.service(id: serviceID)
            let firstBeat = try #require(registered.updatedAt)
            let beating = Task { await heartbeat.beat(serviceID: serviceID) }
            defer { beating.cancel() }

            // Nothing beats until the clock has moved a whole interval.
            try await clock.waitForSleepers()
            clock.advance(by: .seconds(9))
            #expect(clock.sleeperCount == 1)
            #expect(try await store.service(id: serviceID).reportCount == 1)

            clock.advance(by: .seconds(1))
            try await waitUntil("the second heartbeat") {
                try await store.service(id: serviceID).reportCount == 2
            }
            let second = try await store.service(id: serviceID)
            #expect(second.updatedAt == firstBeat.addingTimeInterval(10))
            beating.cancel()
            await beating.value
        }
    }
}

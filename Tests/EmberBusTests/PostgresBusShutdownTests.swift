import EmberCore
import EmberTesting
import Foundation
import Logging
import Synchronization
import Testing

@testable import EmberBus

/// Cancelling a PostgreSQL bus's `run()` (what `ember manage volume delete` does after its
/// cast) lets the listener's statement in flight finish before the bus's client stops. The
/// client used to stop at the same moment: it closed the connection under the statement, and
/// the `ROLLBACK` that followed was lost by PostgresNIO, so `run()` never returned and the
/// command never exited.
@Suite struct PostgresBusShutdownTests {
    @Test func cancelledRunLetsTheListenersStatementFinish() async throws {
        guard let url = BusFixture.postgresURL() else { return }
        let prefix = BusOptions().tablePrefix
        let configuration = PostgresBus.Configuration(pollInterval: .milliseconds(200), tablePrefix: prefix)
        let bus = PostgresBus(url: url, configuration: configuration, logger: BusFixture.logger)
        // Another client holds the lock the bus takes to create its tables, so the listener's
        // first statement (creating them before it looks for replies) waits on the server.
        let other = PostgresBus(url: url, configuration: configuration, logger: BusFixture.logger).client
        try await PostgresTestSlots.withSlot(holder: Test.current?.name ?? "?") {
            let otherRun = Task.detached { await other.run() }
            defer { otherRun.cancel() }
            let (release, releasing) = AsyncStream<Void>.makeStream()
            let (locked, locking) = AsyncStream<Void>.makeStream()
            let holder = Task {
                try await other.withConnection { connection in
                    _ = try await connection.query(
                        "SELECT pg_advisory_lock(hashtext(\(prefix)))",
                        logger: BusFixture.logger
                    ).collect()
                    locking.yield()
                    for await _ in release { break }
                    _ = try await connection.query(
                        "SELECT pg_advisory_unlock(hashtext(\(prefix)))",
                        logger: BusFixture.logger
                    ).collect()
                }
            }
            for await _ in locked { break }

            let ended = Mutex(false)
            let running = Task {
                try? await bus.run()
                ended.withLock { $0 = true }
            }
            // Wait until the listener's statement waits for the lock.
            let waiting = try await poll(every: .milliseconds(20)) {
                let rows = try await other.query(
                    "SELECT count(*)::bigint FROM pg_locks WHERE locktype = 'advisory' AND NOT granted",
                    logger: BusFixture.logger
                )
                var count = 0
                for try await row in rows.decode(Int.self) { count = row }
                return count > 0
            }
            try #require(waiting, "the bus's listener never waited for the lock")

            running.cancel()
            // Were the client stopped now, its connections would close within this time.
            try await Task.sleep(for: .milliseconds(500))
            releasing.yield()
            try await holder.value

            let returned = try await poll(every: .milliseconds(20)) { ended.withLock { $0 } }
            #expect(returned, "run() did not return within \(TestPatience.eventually) of its cancellation")
        }
    }
}

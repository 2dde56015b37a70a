import EmberCore
import EmberTesting
import Foundation
import Synchronization
import Testing

@testable import EmberStore

/// A transaction whose PostgreSQL connection closes under it fails at once. PostgresNIO writes
/// a statement to a closed connection into the void (the channel handler that would fail it has
/// gone), so the `ROLLBACK` that followed waited for ever; `ember manage` children and the
/// parallel suite stood still with every thread idle.
@Suite struct ClosedConnectionTests {
    /// How long a failing transaction may take here: long enough for a loaded parallel run,
    /// shorter than the tests' operation bound (`PostgresTestSlots.operationTimeout`), which
    /// would otherwise end a lost statement with the same `databaseUnavailable`.
    static let limit: Duration = .seconds(120)

    /// The outcome of `body`, or nil when it has not finished within `limit` (it is then left
    /// running: a statement lost by PostgresNIO cannot be cancelled).
    static func within(_ body: @escaping @Sendable () async -> String) async -> String? {
        let outcome = Mutex<String?>(nil)
        Task {
            let text = await body()
            outcome.withLock { $0 = text }
        }
        _ = try? await poll(every: .milliseconds(20), for: Self.limit) { outcome.withLock { $0 } != nil }
        return outcome.withLock { $0 }
    }

    @Test func aTransactionWhoseConnectionClosedFailsInsteadOfWaiting() async throws {
        guard TestBackend.all.contains(.postgresql) else { return }
        try await TestBackend.postgresql.withDatabase { database in
            let driver = database.driver
            let outcome = await Self.within {
                do {
                    _ = try await driver.write { executor in
                        // The connection closes mid-transaction (an outage, the pool shutting
                        // down, the operation timeout): the next statement and the ROLLBACK
                        // must not be written to it.
                        let connection = try #require(executor as? PostgresExecutor).connection
                        try await connection.close()
                        try await connection.closeFuture.get()
                        try await executor.execute("SELECT 1 AS one")
                    }
                    return "succeeded"
                } catch StoreError.databaseUnavailable {
                    return "unavailable"
                } catch {
                    return "\(error)"
                }
            }
            #expect(outcome == "unavailable", "\(outcome ?? "still waiting after \(Self.limit)")")
            // The server ends the session mid-transaction (an outage: "terminating connection
            // due to administrator command"): the failure is the transaction's, nothing more is
            // written to the dying connection.
            for _ in 0..<5 {
                let ended = await Self.within {
                    do {
                        _ = try await driver.write { executor in
                            try await executor.execute("SELECT pg_terminate_backend(pg_backend_pid())")
                        }
                        return "succeeded"
                    } catch StoreError.databaseUnavailable {
                        return "unavailable"
                    } catch {
                        return "\(error)"
                    }
                }
                #expect(ended == "unavailable", "\(ended ?? "still waiting after \(Self.limit)")")
            }
            // The pool replaces the connections: the store works again at once. A connection
            // the server ended may still be leased before the pool notices; it is given back
            // unused and another leased (without that, this read was seen to answer 503).
            let one: Int? = try await database.store.reading { executor in
                try await executor.first("SELECT 1 AS one")?["one"]
            }
            #expect(one == 1)
        }
    }
}

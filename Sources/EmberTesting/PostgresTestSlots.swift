import Foundation

/// Bounds how many tests use the test PostgreSQL server (`EMBER_TEST_POSTGRES_URL`) at once.
///
/// Swift Testing starts every test of the process at once. Each PostgreSQL test opens a
/// connection pool, and the bus and worker tests a bus with connections of its own: dozens of
/// them together ask for more connections than the server takes (`max_connections`, 200 in
/// `.ci/postgres.sh`) and fail with "too many clients". The server is a resource the tests
/// share, so they take one of `limit` slots for as long as they hold connections; the other
/// tests (SQLite, in-process bus, no database) run alongside without waiting.
public enum PostgresTestSlots {
    /// At most this many PostgreSQL tests at once (each holds up to about ten connections,
    /// which leaves room for the multi-process tests within the server's 200).
    public static let limit = 12

    /// Seconds each store and bus operation of a PostgreSQL test may take. Production bounds
    /// them at 30 s (`operation_timeout`, see `Deadline`) to answer during an outage; a loaded
    /// parallel CI run slows PostgreSQL operations some 60 times (a 0.4 s list of 1,100
    /// volumes failed a 20 s bound there). A hang still ends, at this bound.
    public static let operationTimeout: Double = 300

    private static let semaphore = AsyncSemaphore(permits: limit)

    /// Runs `body` holding one slot. `holder` names the test in the trace that
    /// `EMBER_TEST_SLOT_TRACE=1` writes to standard error (who waits, who holds what).
    public static func withSlot<T: Sendable>(
        holder: String = "",
        _ body: () async throws -> T
    ) async throws -> T {
        let id = await semaphore.acquire(holder: holder)
        do {
            let result = try await body()
            await semaphore.release(id)
            return result
        } catch {
            await semaphore.release(id)
            throw error
        }
    }
}

/// A counting semaphore for tasks: `acquire` suspends (it never blocks a thread) while no
/// permit is free; waiters are served first come, first served.
actor AsyncSemaphore {
    private var permits: Int
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private var holders: [Int: String] = [:]
    private var nextID = 0
    private let trace = ProcessInfo.processInfo.environment["EMBER_TEST_SLOT_TRACE"] != nil

    init(permits: Int) {
        self.permits = permits
    }

    /// Takes a permit for `holder`; returns the id `release` takes.
    func acquire(holder: String) async -> Int {
        nextID += 1
        let id = nextID
        if permits > 0 {
            permits -= 1
        } else {
            log("waits: \(holder)")
            await withCheckedContinuation { waiters.append($0) }
        }
        holders[id] = holder
        log("acquired: \(holder)")
        return id
    }

    func release(_ id: Int) {
        let holder = holders.removeValue(forKey: id) ?? "?"
        log("released: \(holder)")
        if waiters.isEmpty {
            permits += 1
        } else {
            // The permit passes straight to the first waiter.
            waiters.removeFirst().resume()
        }
    }

    private func log(_ event: String) {
        guard trace else { return }
        let line =
            "[slots] \(Date()) \(event) | holding: \(holders.values.sorted().joined(separator: "; ")) | waiting: \(waiters.count)\n"
        FileHandle.standardError.write(Data(line.utf8))
    }
}

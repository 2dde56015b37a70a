import Synchronization
import Testing

@testable import EmberCore

/// ``Deadline``: the caller gets its answer by the deadline even from an operation that never
/// ends and ignores cancellation (PostgresNIO's dropped query during a database outage).
@Suite struct DeadlineTests {
    struct Expired: Error, Equatable {}

    /// A wait that neither ends nor notices cancellation: a continuation nobody resumes
    /// (kept here and resumed when the test ends, so nothing leaks).
    final class Stuck: Sendable {
        private let waiters = Mutex<[CheckedContinuation<Void, Never>]>([])

        func wait() async {
            await withCheckedContinuation { continuation in
                waiters.withLock { $0.append(continuation) }
            }
        }

        var count: Int { waiters.withLock { $0.count } }

        func release() {
            for waiter in waiters.withLock({ state in
                defer { state = [] }
                return state
            }) { waiter.resume() }
        }
    }

    final class Counter: Sendable {
        private let value = Mutex(0)
        func increment() { value.withLock { $0 += 1 } }
        var count: Int { value.withLock { $0 } }
    }

    @Test func anOperationThatEndsInTimeGivesItsValueAndIsNotAbandoned() async throws {
        let abandoned = Counter()
        let count: @Sendable () -> Void = { abandoned.increment() }
        let value = try await Deadline.run(within: .seconds(5), timeoutError: Expired(), onAbandon: count) { 42 }
        #expect(value == 42)
        #expect(abandoned.count == 0)
    }

    @Test func anOperationsErrorReachesTheCaller() async {
        struct Failed: Error {}
        await #expect(throws: Failed.self) {
            try await Deadline.run(within: .seconds(5), timeoutError: Expired()) { () async throws -> Int in
                throw Failed()
            }
        }
    }

    @Test func anOperationThatNeverEndsIsAbandonedAtTheDeadline() async throws {
        let stuck = Stuck()
        let abandoned = Counter()
        let count: @Sendable () -> Void = { abandoned.increment() }
        let started = ContinuousClock.now
        await #expect(throws: Expired.self) {
            try await Deadline.run(within: .milliseconds(200), timeoutError: Expired(), onAbandon: count) {
                () async throws -> Int in
                await stuck.wait()
                return 1
            }
        }
        let waited = ContinuousClock.now - started
        #expect(waited >= .milliseconds(200))
        // The operation never ends: the caller answered at all, so it did not wait for it (a
        // timer 200 ms away fired after 17 s once, with the whole suite on 2 loaded cores).
        #expect(waited < .seconds(120), "the caller waited for the operation, not the deadline")
        #expect(abandoned.count == 1)
        #expect(stuck.count == 1, "the operation is still stuck: the caller did not wait for it")
        stuck.release()
    }

    @Test func aCancelledCallerStopsWaitingAtOnce() async throws {
        let stuck = Stuck()
        let abandoned = Counter()
        let count: @Sendable () -> Void = { abandoned.increment() }
        let caller = Task {
            try await Deadline.run(within: .seconds(600), timeoutError: Expired(), onAbandon: count) {
                () async throws -> Int in
                await stuck.wait()
                return 1
            }
        }
        while stuck.count == 0 { try await Task.sleep(for: .milliseconds(5)) }
        let started = ContinuousClock.now
        caller.cancel()
        // Cancelled, not expired: the caller stopped long before the deadline (a bound far above
        // what the whole suite on 2 cores can delay it).
        await #expect(throws: CancellationError.self) { try await caller.value }
        #expect(ContinuousClock.now - started < .seconds(600))
        #expect(abandoned.count == 1)
        stuck.release()
    }

    @Test func aCallerCancelledBeforeItStartsNeverRunsLong() async throws {
        let caller = Task {
            try await Task.sleep(for: .milliseconds(50))
            return try await Deadline.run(within: .seconds(60), timeoutError: Expired()) { () async throws -> Int in
                try await Task.sleep(for: .seconds(60))
                return 1
            }
        }
        caller.cancel()
        await #expect(throws: CancellationError.self) { try await caller.value }
    }

    @Test func aHoldAbandonedFirstRefusesTheResourceAndAHeldOneIsHandedToTheAbandoner() {
        let late = AbandonableHold<Int>()
        #expect(late.abandon() == nil)
        #expect(!late.hold(7), "a resource that comes after the deadline must not be used")

        let held = AbandonableHold<Int>()
        #expect(held.hold(7))
        #expect(held.abandon() == 7)
        #expect(held.abandon() == nil)

        let released = AbandonableHold<Int>()
        #expect(released.hold(7))
        released.release()
        #expect(released.abandon() == nil)
    }

    /// A pool that hands out closed connections before it notices: they are given back unused
    /// and others leased; the operation runs once, on a usable one, and gives up after
    /// `attempts` unusable leases with the caller's error.
    @Test func unusableLeasesAreGivenBackAndOthersLeased() async throws {
        struct Closed: Error, Equatable {}
        let pool = Mutex<(handedOut: [Int], returned: [Int])>(([], []))
        let lease: (Int) -> (((Int) async throws -> Int) async throws -> Int) = { connection in
            { body in
                pool.withLock { $0.handedOut.append(connection) }
                defer { pool.withLock { $0.returned.append(connection) } }
                return try await body(connection)
            }
        }
        // Connections 1 and 2 are closed (negative here); the third lease gets a live one.
        let queue = Mutex([-1, -2, 3])
        let ranOn = Mutex<[Int]>([])
        let hold = AbandonableHold<Int>()
        let isOpen: (Int) -> Bool = { $0 > 0 }
        let work: (Int) async throws -> Int = { connection in
            ranOn.withLock { $0.append(connection) }
            return connection * 10
        }
        let answer = try await hold.withUsableLease(
            attempts: 5,
            lease: { body in try await lease(queue.withLock { $0.removeFirst() })(body) },
            usable: isOpen,
            unusable: Closed(),
            work
        )
        #expect(answer == 30)
        #expect(ranOn.withLock { $0 } == [3])
        #expect(pool.withLock { $0.handedOut } == [-1, -2, 3])
        #expect(pool.withLock { $0.returned } == [-1, -2, 3])
        #expect(hold.abandon() == nil)

        // Only closed ones: the caller's error after `attempts` leases, the body never run.
        let leases = Mutex(0)
        await #expect(throws: Closed()) {
            let never: (Int) async throws -> Int = { _ in
                Issue.record("the body ran on an unusable lease")
                return 0
            }
            _ = try await AbandonableHold<Int>().withUsableLease(
                attempts: 3,
                lease: { body in
                    leases.withLock { $0 += 1 }
                    return try await body(-1)
                },
                usable: isOpen,
                unusable: Closed(),
                never
            )
        }
        #expect(leases.withLock { $0 } == 3)
    }
}

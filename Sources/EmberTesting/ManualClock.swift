import EmberCore
import Foundation
import Synchronization

/// A clock that moves only when a test calls `advance(by:)`: ages heartbeats, tokens and
/// reservations without waiting on the wall clock. Sleepers whose deadline the clock passes
/// are resumed by `advance`.
public final class ManualClock: EmberClock {
    private struct Sleeper {
        var deadline: Date
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now: Date
        var nextID: UInt64 = 0
        var sleepers: [UInt64: Sleeper] = [:]
        /// Sleeps cancelled before they were registered.
        var cancelled: Set<UInt64> = []
    }

    private let state: Mutex<State>

    /// A clock that starts at `now` (by default the current wall-clock time, so timestamps it
    /// gives look like real ones).
    public init(now: Date = Date()) {
        state = Mutex(State(now: now))
    }

    public var now: Date { state.withLock { $0.now } }

    /// How many tasks are sleeping on this clock.
    public var sleeperCount: Int { state.withLock { $0.sleepers.count } }

    /// Moves the clock forward and resumes the sleepers whose deadline it reached.
    public func advance(by duration: Duration) {
        let due = state.withLock { state in
            state.now += duration.timeInterval
            let now = state.now
            let ids = state.sleepers.filter { $0.value.deadline <= now }.map(\.key)
            return ids.compactMap { state.sleepers.removeValue(forKey: $0)?.continuation }
        }
        for continuation in due { continuation.resume() }
    }

    /// Polls (on the wall clock, briefly) until at least `count` tasks sleep on this clock, so
    /// an `advance` that follows wakes them; throws after `timeout`.
    public func waitForSleepers(_ count: Int = 1, timeout: Duration = TestPatience.eventually) async throws {
        guard try await poll(every: .milliseconds(5), for: timeout, until: { sleeperCount >= count }) else {
            throw ManualClockError.noSleepers(expected: count)
        }
    }

    public func sleep(for duration: Duration) async throws {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let immediate: Result<Void, any Error>? = state.withLock { state in
                    if state.cancelled.remove(id) != nil { return .failure(CancellationError()) }
                    let deadline = state.now + duration.timeInterval
                    if deadline <= state.now { return .success(()) }
                    state.sleepers[id] = Sleeper(deadline: deadline, continuation: continuation)
                    return nil
                }
                if let immediate { continuation.resume(with: immediate) }
            }
        } onCancel: {
            let sleeper = state.withLock { state in
                guard let sleeper = state.sleepers.removeValue(forKey: id) else {
                    state.cancelled.insert(id)
                    return Sleeper?.none
                }
                return sleeper
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }
}

/// `ManualClock.waitForSleepers` gave up.
public enum ManualClockError: Error, CustomStringConvertible {
    case noSleepers(expected: Int)

    public var description: String {
        switch self {
        case .noSleepers(let expected): "fewer than \(expected) tasks ever slept on the manual clock"
        }
    }
}

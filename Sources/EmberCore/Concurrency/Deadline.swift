import Synchronization

/// Runs an operation against a deadline, and stops waiting for it at the deadline even when the
/// operation itself cannot be stopped.
///
/// A task group that races an operation against a timer does not bound the caller's wait: the
/// group returns only once every child has ended, so an operation that ignores cancellation
/// holds its caller past the timeout, for ever if it never ends. PostgresNIO has such an
/// operation: a query written to a connection the server has just closed (after NIO has torn
/// down the channel's pipeline) is dropped with its promise, which is never completed. During a
/// database outage that held an API request (and then the API server's graceful shutdown) and a
/// bus consumer's claim (so the service stopped taking casts) for ever.
///
/// Here the operation runs in a task of its own. The caller gets whichever comes first: the
/// operation's outcome, `timeoutError` at the deadline, or `CancellationError` when the caller
/// is cancelled. In the last two cases the operation is cancelled and `onAbandon` runs once
/// (close the connection it holds, so a query in flight fails and a transaction is rolled
/// back); the caller does not wait for the operation to end.
public enum Deadline {
    public static func run<T: Sendable>(
        within timeout: Duration,
        timeoutError: any Error,
        onAbandon: @escaping @Sendable () -> Void = {},
        _ operation: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let race = DeadlineRace<T>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                race.install(continuation)
                let work = Task {
                    do {
                        race.settle(.success(try await operation()))
                    } catch {
                        race.settle(.failure(error))
                    }
                }
                let timer = Task {
                    do {
                        try await Task.sleep(for: timeout)
                    } catch {
                        return
                    }
                    if race.settle(.failure(timeoutError)) { onAbandon() }
                }
                race.attach(work: work, timer: timer)
            }
        } onCancel: {
            if race.settle(.failure(CancellationError())) { onAbandon() }
        }
    }
}

/// The state of one ``Deadline/run(within:timeoutError:onAbandon:_:)``: the first outcome wins,
/// resumes the caller and cancels the operation and the timer.
private final class DeadlineRace<T: Sendable>: Sendable {
    private struct State: Sendable {
        var continuation: CheckedContinuation<T, any Error>?
        var outcome: Result<T, any Error>?
        var work: Task<Void, Never>?
        var timer: Task<Void, Never>?
    }

    private let state = Mutex(State())

    /// The caller's continuation; resumed at once when an outcome came first (the caller was
    /// cancelled before it waited).
    func install(_ continuation: CheckedContinuation<T, any Error>) {
        let early: Result<T, any Error>? = state.withLock { state in
            if let outcome = state.outcome { return outcome }
            state.continuation = continuation
            return nil
        }
        if let early { continuation.resume(with: early) }
    }

    func attach(work: Task<Void, Never>, timer: Task<Void, Never>) {
        let settled = state.withLock { state in
            state.work = work
            state.timer = timer
            return state.outcome != nil
        }
        if settled {
            work.cancel()
            timer.cancel()
        }
    }

    /// Records `outcome` if it is the first; true when it was.
    @discardableResult
    func settle(_ outcome: Result<T, any Error>) -> Bool {
        let won: (CheckedContinuation<T, any Error>?, Task<Void, Never>?, Task<Void, Never>?)? = state.withLock {
            state in
            guard state.outcome == nil else { return nil }
            state.outcome = outcome
            defer { state.continuation = nil }
            return (state.continuation, state.work, state.timer)
        }
        guard let (continuation, work, timer) = won else { return false }
        continuation?.resume(with: outcome)
        work?.cancel()
        timer?.cancel()
        return true
    }
}

/// What an operation run under a ``Deadline`` holds (a database connection), so that whoever
/// abandons the operation can close it, and so that an operation abandoned before it got hold
/// of one does not start its work on it.
public final class AbandonableHold<Resource: Sendable>: Sendable {
    private let state = Mutex<(resource: Resource?, abandoned: Bool)>((nil, false))

    public init() {}

    /// Records `resource` as held; false when the operation was abandoned already (the caller
    /// must not use the resource, only give it back).
    public func hold(_ resource: Resource) -> Bool {
        state.withLock { state in
            guard !state.abandoned else { return false }
            state.resource = resource
            return true
        }
    }

    /// The operation no longer holds its resource.
    public func release() {
        state.withLock { $0.resource = nil }
    }

    /// Marks the operation abandoned; the resource it holds now, if any.
    public func abandon() -> Resource? {
        state.withLock { state in
            state.abandoned = true
            defer { state.resource = nil }
            return state.resource
        }
    }
}

extension AbandonableHold {
    /// Runs `body` with a resource from `lease`, held here while `body` runs. A resource that
    /// is not `usable` (a pooled connection the server has closed, which the pool can hand out
    /// before it notices) is given back unused and another leased, up to `attempts` times
    /// with a short pause between; then `unusable` is thrown.
    public func withUsableLease<T: Sendable>(
        attempts: Int,
        lease: ((Resource) async throws -> T) async throws -> T,
        usable: @escaping (Resource) -> Bool,
        unusable: @autoclosure () -> any Error,
        _ body: @escaping (Resource) async throws -> T
    ) async throws -> T {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try await lease { resource in
                    guard hold(resource) else { throw CancellationError() }
                    defer { release() }
                    guard usable(resource) else { throw UnusableLease() }
                    return try await body(resource)
                }
            } catch is UnusableLease {
                guard attempt < attempts else { throw unusable() }
                try await Task.sleep(for: .milliseconds(20 * attempt))
            }
        }
    }
}

/// A leased resource was found unusable before anything was done with it.
private struct UnusableLease: Error {}

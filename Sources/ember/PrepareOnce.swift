/// Runs a start-up step (waiting for the database, migrating) once for every service of the
/// process that needs it: the first caller runs it, the others wait for its outcome.
actor PrepareOnce {
    private enum State {
        case idle
        case running([CheckedContinuation<Void, Never>])
        case finished((any Error)?)
    }

    private var state = State.idle

    /// Runs `step` unless it ran (or is running) already; throws the step's error to every caller.
    func run(_ step: @Sendable () async throws -> Void) async throws {
        switch state {
        case .idle:
            state = .running([])
            var failure: (any Error)?
            do {
                try await step()
            } catch {
                failure = error
            }
            var waiters: [CheckedContinuation<Void, Never>] = []
            if case .running(let queued) = state { waiters = queued }
            state = .finished(failure)
            for waiter in waiters { waiter.resume() }
            if let failure { throw failure }
        case .running:
            await withCheckedContinuation { continuation in
                if case .running(var waiters) = state {
                    waiters.append(continuation)
                    state = .running(waiters)
                } else {
                    continuation.resume()
                }
            }
            try await run(step)
        case .finished(let failure):
            if let failure { throw failure }
        }
    }
}

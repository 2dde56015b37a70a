/// How long a test waits for an outcome the code under test reaches by itself: a status, a
/// reply, a log line, a process's exit.
///
/// Swift Testing starts every test of the process at once, so on CI's two cores a wait shares
/// the machine with the whole suite: a role table that takes 2 s alone took 136 s there. A
/// bound shorter than the suite's own run time fails tests that are merely queued behind it.
/// These bounds only end a hang; a test that measures time says so with its own figure.
public enum TestPatience {
    /// The bound on every wait for something the system under test does on its own.
    public static let eventually: Duration = .seconds(300)
}

/// Calls `condition` every `interval` until it holds, for at most `timeout`, on the caller's
/// isolation (so `condition` may read and write the caller's state).
///
/// - Returns: `true` once `condition` held, `false` when `timeout` passed first.
public func poll(
    every interval: Duration = .milliseconds(25),
    for timeout: Duration = TestPatience.eventually,
    isolation: isolated (any Actor)? = #isolation,
    until condition: () async throws -> Bool
) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: interval)
    }
    return try await condition()
}

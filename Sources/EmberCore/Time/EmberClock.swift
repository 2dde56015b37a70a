import Foundation

/// Where Ember's components read the time and wait: the wall clock for timestamps and ages
/// (heartbeats, token and reservation expiry) and a sleep for periodic work.
///
/// Production uses `SystemClock`; tests inject a manual clock and advance it instead of
/// sleeping on the wall clock.
public protocol EmberClock: Sendable {
    /// The current wall-clock time.
    var now: Date { get }

    /// Suspends the calling task for `duration` of this clock's time; throws
    /// `CancellationError` when the task is cancelled first.
    func sleep(for duration: Duration) async throws
}

/// The real clock: `Date()` and `Task.sleep(for:)`.
public struct SystemClock: EmberClock {
    public init() {}

    public var now: Date { Date() }

    public func sleep(for duration: Duration) async throws {
        try await Task.sleep(for: duration)
    }
}

extension EmberClock where Self == SystemClock {
    /// The real clock.
    public static var system: SystemClock { SystemClock() }
}

extension Duration {
    /// The duration in seconds, as `Date` arithmetic takes it.
    public var timeInterval: TimeInterval {
        TimeInterval(components.seconds) + TimeInterval(components.attoseconds) / 1e18
    }
}

/// The operations in flight per key (a volume id) and the callers waiting for each key, in
/// arrival order: state an actor owns and isolates, so that operations on one key run one at
/// a time while operations on different keys interleave.
///
/// ```swift
/// actor Owner {
///     private var inFlight = InFlightOperations()
///     func acquire(_ id: String) async {
///         if inFlight.begin(id) { return }
///         await withCheckedContinuation { inFlight.wait(for: id, $0) }
///     }
///     func release(_ id: String) { inFlight.end(id)?.resume() }
/// }
/// ```
public struct InFlightOperations: Sendable {
    private var waiters: [String: [CheckedContinuation<Void, Never>]] = [:]

    public init() {}

    /// Starts an operation on `key` when none is in flight (true); false when one is, and
    /// the caller must ``wait(for:_:)``.
    public mutating func begin(_ key: String) -> Bool {
        guard waiters[key] == nil else { return false }
        waiters[key] = []
        return true
    }

    /// Queues `continuation` behind the operations on `key`; ``end(_:)`` resumes it when its
    /// turn comes.
    public mutating func wait(for key: String, _ continuation: CheckedContinuation<Void, Never>) {
        waiters[key, default: []].append(continuation)
    }

    /// Ends the operation on `key` and returns the next waiter, which now holds the key
    /// (resume it outside any lock), or nil when nobody waits and the key is free.
    public mutating func end(_ key: String) -> CheckedContinuation<Void, Never>? {
        guard var queue = waiters[key], !queue.isEmpty else {
            waiters[key] = nil
            return nil
        }
        let next = queue.removeFirst()
        waiters[key] = queue
        return next
    }

    /// The keys with an operation in flight.
    public var keys: [String] { Array(waiters.keys) }

    /// How many callers wait for `key` (the one running not counted).
    public func waiting(for key: String) -> Int { waiters[key]?.count ?? 0 }
}

import Synchronization

/// Validated tokens, kept until `min(expiry, now + token_cache_time)`, at most `capacity` of
/// them (the oldest insertion goes first when full, after expired entries).
///
/// keystonemiddleware's in-process cache, without memcached. A lookup copies the entry under
/// the lock; nothing is awaited while it is held.
public final class TokenCache: Sendable {
    struct Entry {
        var token: KeystoneToken
        var validUntil: Double
    }

    struct State {
        var entries: [String: Entry] = [:]
        /// Keys in insertion order; may hold keys already removed (skipped on eviction).
        var order: [String] = []
        var head = 0
    }

    public let capacity: Int
    public let lifetime: Double
    private let state = Mutex(State())

    /// - Parameters:
    ///   - capacity: the most tokens kept; `0` keeps none.
    ///   - lifetime: `token_cache_time` in seconds; negative keeps none.
    public init(capacity: Int, lifetime: Double) {
        self.capacity = lifetime < 0 ? 0 : capacity
        self.lifetime = lifetime
    }

    public var count: Int { state.withLock { $0.entries.count } }

    /// The cached validation of `key`, if it is still good at `now`.
    public func lookup(_ key: String, now: Double) -> KeystoneToken? {
        state.withLock { state in
            guard let entry = state.entries[key] else { return nil }
            guard entry.validUntil > now else {
                state.entries[key] = nil
                return nil
            }
            return entry.token
        }
    }

    public func store(_ key: String, token: KeystoneToken, now: Double) {
        guard capacity > 0 else { return }
        let validUntil = min(token.expiresAt, now + lifetime)
        guard validUntil > now else { return }
        state.withLock { state in
            if state.entries[key] == nil {
                if state.entries.count >= capacity { Self.evict(&state, now: now, capacity: capacity) }
                state.order.append(key)
            }
            state.entries[key] = Entry(token: token, validUntil: validUntil)
        }
    }

    static func evict(_ state: inout State, now: Double, capacity: Int) {
        // Expired entries first, then the oldest insertions until there is room.
        state.entries = state.entries.filter { $0.value.validUntil > now }
        while state.entries.count >= capacity, state.head < state.order.count {
            state.entries[state.order[state.head]] = nil
            state.head += 1
        }
        if state.head > 1024 || state.head * 2 > state.order.count {
            state.order = state.order[state.head...].filter { state.entries[$0] != nil }
            state.head = 0
        }
    }
}

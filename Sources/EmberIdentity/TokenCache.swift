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
    /// Where lookups are counted (shared by every cache of a service, for the metrics).
    public let statistics: TokenCacheStatistics
    private let state = Mutex(State())

    /// - Parameters:
    ///   - capacity: the most tokens kept; `0` keeps none.
    ///   - lifetime: `token_cache_time` in seconds; negative keeps none.
    public init(capacity: Int, lifetime: Double, statistics: TokenCacheStatistics = TokenCacheStatistics()) {
        self.capacity = lifetime < 0 ? 0 : capacity
        self.lifetime = lifetime
        self.statistics = statistics
    }

    public var count: Int { state.withLock { $0.entries.count } }

    /// The cached validation of `key`, if it is still good at `now`.
    public func lookup(_ key: String, now: Double) -> KeystoneToken? {
        let token = state.withLock { state -> KeystoneToken? in
            guard let entry = state.entries[key] else { return nil }
            guard entry.validUntil > now else {
                state.entries[key] = nil
                return nil
            }
            return entry.token
        }
        statistics.record(hit: token != nil)
        return token
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

/// How many token lookups the caches answered and how many went to Keystone.
public final class TokenCacheStatistics: Sendable {
    private let hitCount = Atomic<Int>(0)
    private let missCount = Atomic<Int>(0)

    public init() {}

    public var hits: Int { hitCount.load(ordering: .relaxed) }
    public var misses: Int { missCount.load(ordering: .relaxed) }

    func record(hit: Bool) {
        if hit {
            hitCount.add(1, ordering: .relaxed)
        } else {
            missCount.add(1, ordering: .relaxed)
        }
    }
}

import Synchronization

/// Remembers key lookups for `ttl` seconds, so a hot key costs no database round trip: answers
/// from the cache while fresh, asks `lookup` (the database) otherwise. Unknown and revoked keys are
/// remembered too, so one bad key repeated costs one lookup per `ttl`. A revocation therefore takes
/// effect within `ttl`. At most `capacity` hashes are held: when full, expired entries are dropped,
/// and if none had expired, all of them (they are only a cache).
public final class ApiKeyCache: Sendable {
    private struct Entry {
        var grant: ApiKeyGrant?
        var expires: UInt64
    }

    private let entries = Mutex<[SHA256.Digest: Entry]>([:])
    private let lookup: @Sendable (SHA256.Digest) async throws -> ApiKeyGrant?
    private let ttlNanoseconds: UInt64
    private let capacity: Int
    private let clock: @Sendable () -> UInt64

    /// - Parameters:
    ///   - ttl: seconds an answer is kept; 0 keeps none (every request asks the database).
    ///   - capacity: the most hashes held.
    ///   - clock: monotonic nanoseconds (injectable for tests).
    ///   - lookup: the grant of a live key with that hash, nil for none.
    public init(ttl: Double, capacity: Int = 10_000, clock: @escaping @Sendable () -> UInt64 = MonotonicClock.nanoseconds,
                lookup: @escaping @Sendable (SHA256.Digest) async throws -> ApiKeyGrant?) {
        self.ttlNanoseconds = ttl > 0 ? UInt64(ttl * 1e9) : 0
        self.capacity = max(1, capacity)
        self.clock = clock
        self.lookup = lookup
    }

    /// The grant of the key with hash `digest`, or nil for an unknown or revoked key. Throws what
    /// `lookup` throws (the database is down), and caches nothing then.
    public func grant(for digest: SHA256.Digest) async throws -> ApiKeyGrant? {
        let now = clock()
        if ttlNanoseconds > 0, let cached = entries.withLock({ $0[digest] }), cached.expires > now {
            return cached.grant
        }
        let grant = try await lookup(digest)
        guard ttlNanoseconds > 0 else { return grant }
        let expires = clock() &+ ttlNanoseconds
        let capacity = self.capacity
        entries.withLock { entries in
            if entries[digest] == nil, entries.count >= capacity {
                let now = clock()
                entries = entries.filter { $0.value.expires > now }
                if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            }
            entries[digest] = Entry(grant: grant, expires: expires)
        }
        return grant
    }

    /// How many hashes are held now.
    public var count: Int { entries.withLock { $0.count } }
}

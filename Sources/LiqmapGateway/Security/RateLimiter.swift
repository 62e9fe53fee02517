import Synchronization

/// Token buckets by client, in this process's memory, behind one lock: a request costs a clock
/// read, one dictionary lookup and a few floating-point operations, and allocates nothing once its
/// client has a bucket.
///
/// Memory is bounded: every `sweepInterval` the buckets that have refilled to full are dropped
/// (forgetting a full bucket changes nothing), and once `capacity` clients hold buckets, clients
/// without one share a single overflow bucket until a sweep makes room.
///
/// With N gateway processes a client gets N times its rate, unless the load balancer pins clients
/// to one process.
public final class RateLimiter: Sendable {
    /// Whose bucket: an API key, or a client address (IPv6 by its /64, the block one host usually has).
    public enum Client: Hashable, Sendable {
        case key(Int64)
        case ipv4(UInt32)
        case ipv6(UInt64)
        /// A request whose peer address is unknown (e.g. a Unix socket).
        case unknown
        /// Every new client while the table is full.
        case overflow
    }

    private struct State {
        var buckets: [Client: TokenBucket] = [:]
        var lastSweep: UInt64 = 0
    }

    private let state: Mutex<State>
    private let clock: @Sendable () -> UInt64
    /// The most clients with a bucket of their own.
    public let capacity: Int
    /// ns between sweeps of full buckets.
    public let sweepInterval: UInt64

    public init(capacity: Int = 100_000, sweepSeconds: Double = 10,
                clock: @escaping @Sendable () -> UInt64 = MonotonicClock.nanoseconds) {
        self.capacity = max(1, capacity)
        self.sweepInterval = UInt64(max(0, sweepSeconds) * 1e9)
        self.clock = clock
        var initial = State()
        initial.buckets.reserveCapacity(min(self.capacity, 1024))
        initial.lastSweep = clock()
        self.state = Mutex(initial)
    }

    /// Takes a token from `client`'s bucket (made full, with `limit`, if it had none).
    public func take(_ client: Client, limit: RateLimit) -> TokenBucket.Decision {
        let now = clock()
        let capacity = self.capacity
        let sweepInterval = self.sweepInterval
        return state.withLock { state in
            if now &- state.lastSweep >= sweepInterval, now >= state.lastSweep {
                state.buckets = state.buckets.filter { !$0.value.isFull(at: now) }
                state.lastSweep = now
            }
            if let index = state.buckets.index(forKey: client) {
                return Self.take(&state.buckets.values[index], limit: limit, now: now)
            }
            let owner = state.buckets.count < capacity ? client : .overflow
            if let index = state.buckets.index(forKey: owner) {
                return Self.take(&state.buckets.values[index], limit: limit, now: now)
            }
            var bucket = TokenBucket(limit: limit, now: now)
            let decision = bucket.take(now: now)
            state.buckets[owner] = bucket
            return decision
        }
    }

    private static func take(_ bucket: inout TokenBucket, limit: RateLimit, now: UInt64) -> TokenBucket.Decision {
        bucket.update(limit: limit, now: now)
        return bucket.take(now: now)
    }

    /// How many clients hold a bucket now.
    public var count: Int { state.withLock { $0.buckets.count } }
}

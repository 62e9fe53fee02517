/// A token bucket (pure: the caller passes the time, monotonic nanoseconds). It holds up to `burst`
/// tokens, refills at `rate` tokens per second, fractions included, and a request takes one token
/// or is refused with the whole seconds until one is there. It starts full.
public struct TokenBucket: Sendable, Equatable {
    /// The answer to one request.
    public enum Decision: Sendable, Equatable {
        case allowed
        /// Refused: a token is there after `retryAfter` whole seconds (≥ 1).
        case limited(retryAfter: Int)
    }

    public private(set) var limit: RateLimit
    /// Tokens as of `updated`, in `0...burst`.
    public private(set) var tokens: Double
    /// The time `tokens` was computed at, ns.
    public private(set) var updated: UInt64

    /// A full bucket at `now`. `limit` must be valid (rate > 0, burst ≥ 1).
    public init(limit: RateLimit, now: UInt64) {
        precondition(limit.isValid, "a token bucket needs a rate > 0 and a burst ≥ 1")
        self.limit = limit
        self.tokens = Double(limit.burst)
        self.updated = now
    }

    /// The tokens there at `now`: refilled since `updated`, capped at the burst. A time before
    /// `updated` (a clock that stepped back) refills nothing.
    public func available(at now: UInt64) -> Double {
        guard now > updated else { return tokens }
        let seconds = Double(now - updated) / 1e9
        return min(Double(limit.burst), tokens + seconds * limit.rate)
    }

    /// Takes one token at `now`, or says how long until there is one (and takes nothing).
    public mutating func take(now: UInt64) -> Decision {
        let available = available(at: now)
        if now > updated { updated = now }
        tokens = available
        if available >= 1 {
            tokens = available - 1
            return .allowed
        }
        return .limited(retryAfter: Self.retryAfter(tokens: available, rate: limit.rate))
    }

    /// Whole seconds until `tokens` reaches 1 at `rate`: the deficit over the rate, rounded up, at least 1.
    public static func retryAfter(tokens: Double, rate: Double) -> Int {
        let seconds = ((1 - tokens) / rate).rounded(.up)
        guard seconds.isFinite, seconds < Double(Int32.max) else { return Int(Int32.max) }
        return max(1, Int(seconds))
    }

    /// Whether the bucket is full at `now`: forgetting it changes nothing, a new one would be the same.
    public func isFull(at now: UInt64) -> Bool { available(at: now) >= Double(limit.burst) }

    /// Changes the limit (a key's rate or burst changed), keeping the tokens, capped at the new burst.
    public mutating func update(limit: RateLimit, now: UInt64) {
        guard limit != self.limit, limit.isValid else { return }
        tokens = min(available(at: now), Double(limit.burst))
        if now > updated { updated = now }
        self.limit = limit
    }
}

/// What an accepted API key grants: its id (the rate-limit bucket) and its rate limit.
public struct ApiKeyGrant: Sendable, Hashable {
    public var id: Int64
    public var limit: RateLimit

    public init(id: Int64, limit: RateLimit) {
        self.id = id
        self.limit = limit
    }
}

/// A sustained rate (tokens per second, > 0) and a burst (bucket capacity, ≥ 1).
public struct RateLimit: Sendable, Hashable {
    public var rate: Double
    public var burst: Int

    public init(rate: Double, burst: Int) {
        self.rate = rate
        self.burst = burst
    }

    /// Whether the values are usable: a finite rate > 0 and a burst ≥ 1.
    public var isValid: Bool { rate.isFinite && rate > 0 && burst >= 1 }
}

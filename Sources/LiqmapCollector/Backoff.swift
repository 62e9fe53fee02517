/// Reconnect delays with capped exponential backoff and full jitter: attempt n waits a uniform
/// random time in [0, min(cap, base × 2ⁿ)], so many collectors that lost a venue at once do not
/// come back at once. A connection that stayed up for `resetAfter` seconds resets the count.
public struct Backoff: Sendable {
    public let base: Double
    public let cap: Double
    public let resetAfter: Double
    public private(set) var attempt = 0

    public init(base: Double = 0.5, cap: Double = 30, resetAfter: Double = 60) {
        self.base = base
        self.cap = cap
        self.resetAfter = resetAfter
    }

    /// The delay before the next attempt, given how long the last connection lived.
    public mutating func next(connectionLived seconds: Double, using random: inout some RandomNumberGenerator) -> Double {
        if seconds >= resetAfter { attempt = 0 }
        let ceiling = min(cap, base * Double(1 << min(attempt, 30)))
        attempt += 1
        return Double.random(in: 0...ceiling, using: &random)
    }
}

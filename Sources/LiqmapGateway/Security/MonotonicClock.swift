/// Nanoseconds of the monotonic clock since the first call in this process: the time the rate
/// limiter and the key cache run on (injected as a closure, so tests pass their own).
public enum MonotonicClock {
    private static let origin = ContinuousClock.now

    /// Nanoseconds since the first call (never decreasing).
    @Sendable public static func nanoseconds() -> UInt64 {
        let elapsed = ContinuousClock.now - origin
        let (seconds, attoseconds) = elapsed.components
        return UInt64(max(0, seconds)) &* 1_000_000_000 &+ UInt64(max(0, attoseconds) / 1_000_000_000)
    }
}

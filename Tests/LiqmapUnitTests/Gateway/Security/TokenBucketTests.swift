import LiqmapGateway
import Testing

@Suite("Token bucket")
struct TokenBucketTests {
    static let second: UInt64 = 1_000_000_000

    @Test("a new bucket is full: exactly burst requests pass at once, the next is refused")
    func burst() {
        var bucket = TokenBucket(limit: RateLimit(rate: 10, burst: 5), now: 0)
        for _ in 0..<5 { #expect(bucket.take(now: 0) == .allowed) }
        #expect(bucket.take(now: 0) == .limited(retryAfter: 1))
        #expect(bucket.tokens == 0)
    }

    @Test("it refills at the rate, fractions included")
    func refill() {
        var bucket = TokenBucket(limit: RateLimit(rate: 4, burst: 2), now: 0)
        #expect(bucket.take(now: 0) == .allowed)
        #expect(bucket.take(now: 0) == .allowed)
        #expect(bucket.take(now: Self.second / 8) != .allowed)  // 0.5 token
        #expect(abs(bucket.available(at: Self.second / 8) - 0.5) < 1e-9)
        #expect(bucket.take(now: Self.second / 4) == .allowed)  // 1 token
        #expect(bucket.take(now: Self.second / 4) != .allowed)
        #expect(abs(bucket.available(at: Self.second / 4 + Self.second / 16) - 0.25) < 1e-9)
    }

    @Test("refill stops at the burst however long the bucket idles")
    func cap() {
        var bucket = TokenBucket(limit: RateLimit(rate: 100, burst: 3), now: 0)
        for _ in 0..<3 { _ = bucket.take(now: 0) }
        #expect(bucket.available(at: 3600 * Self.second) == 3)
        #expect(bucket.isFull(at: 3600 * Self.second))
        #expect(!bucket.isFull(at: Self.second / 100))
        for _ in 0..<3 { #expect(bucket.take(now: 3600 * Self.second) == .allowed) }
        #expect(bucket.take(now: 3600 * Self.second) != .allowed)
    }

    @Test("a slow rate keeps fractions across many small steps")
    func fractions() {
        var bucket = TokenBucket(limit: RateLimit(rate: 0.5, burst: 1), now: 0)
        #expect(bucket.take(now: 0) == .allowed)
        var now: UInt64 = 0
        var allowed = 0
        // 4.1 s in 1 ms steps at 0.5/s: two more tokens (at 2 s and 4 s, give or take rounding).
        for _ in 0..<4100 {
            now += Self.second / 1000
            if bucket.take(now: now) == .allowed { allowed += 1 }
        }
        #expect(allowed == 2)
    }

    @Test("Retry-After is the deficit over the rate, rounded up to whole seconds, at least 1", arguments: [
        (0.0, 10.0, 1), (0.0, 1.0, 1), (0.0, 0.5, 2), (0.0, 0.3, 4), (0.5, 0.25, 2), (0.9, 0.01, 10), (0.99, 1000, 1),
        (0.0, 1.0 / 3600, 3600),
    ])
    func retryAfter(_ tokens: Double, _ rate: Double, _ seconds: Int) {
        #expect(TokenBucket.retryAfter(tokens: tokens, rate: rate) == seconds)
    }

    @Test("a refused request, retried after Retry-After seconds, passes")
    func retryAfterIsEnough() {
        for rate in [0.3, 0.5, 1, 2.5, 7] {
            var bucket = TokenBucket(limit: RateLimit(rate: rate, burst: 1), now: 0)
            _ = bucket.take(now: 0)
            guard case .limited(let seconds) = bucket.take(now: Self.second / 10) else {
                Issue.record("rate \(rate): not limited")
                continue
            }
            #expect(bucket.take(now: Self.second / 10 + UInt64(seconds) * Self.second) == .allowed, "rate \(rate)")
        }
    }

    @Test("a clock that steps back refills nothing and takes no extra token")
    func backwards() {
        var bucket = TokenBucket(limit: RateLimit(rate: 1, burst: 1), now: 10 * Self.second)
        #expect(bucket.take(now: 10 * Self.second) == .allowed)
        #expect(bucket.take(now: 5 * Self.second) == .limited(retryAfter: 1))
        #expect(bucket.updated == 10 * Self.second)
        #expect(bucket.take(now: 11 * Self.second) == .allowed)
    }

    @Test("a changed limit keeps the tokens, capped at the new burst")
    func update() {
        var bucket = TokenBucket(limit: RateLimit(rate: 1, burst: 10), now: 0)
        bucket.update(limit: RateLimit(rate: 1, burst: 2), now: 0)
        #expect(bucket.tokens == 2 && bucket.limit.burst == 2)
        bucket.update(limit: RateLimit(rate: 0, burst: 2), now: 0)  // invalid: ignored
        #expect(bucket.limit.rate == 1)
    }
}

@Suite("Monotonic clock")
struct MonotonicClockTests {
    @Test("it never goes back and follows real time")
    func monotonic() async throws {
        // Compared with the standard library's clock around the same sleep, not with a bound on how
        // long the sleep takes (a busy test run can delay it by a minute).
        let c0 = ContinuousClock.now
        let a = MonotonicClock.nanoseconds()
        try await Task.sleep(for: .milliseconds(20))
        let b = MonotonicClock.nanoseconds()
        let elapsed = ContinuousClock.now - c0
        let reference = elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
        #expect(b >= a + 20_000_000)
        #expect(abs(Int64(b - a) - reference) < 50_000_000, "monotonic \(b - a) ns vs ContinuousClock \(reference) ns")
    }
}

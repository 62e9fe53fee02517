import LiqmapGateway
import NIOCore
import Testing

@Suite("Rate limiter: buckets per client, bounded")
struct RateLimiterTests {
    static let limit = RateLimit(rate: 1, burst: 2)

    @Test("each client has its own bucket")
    func perClient() {
        let clock = FakeClock()
        let limiter = RateLimiter(clock: clock.closure)
        #expect(limiter.take(.ipv4(1), limit: Self.limit) == .allowed)
        #expect(limiter.take(.ipv4(1), limit: Self.limit) == .allowed)
        #expect(limiter.take(.ipv4(1), limit: Self.limit) == .limited(retryAfter: 1))
        #expect(limiter.take(.ipv4(2), limit: Self.limit) == .allowed)
        #expect(limiter.take(.key(1), limit: Self.limit) == .allowed)
        clock.advance(seconds: 1)
        #expect(limiter.take(.ipv4(1), limit: Self.limit) == .allowed)
        #expect(limiter.take(.ipv4(1), limit: Self.limit) != .allowed)
    }

    @Test("a key's own limit applies, and a changed limit is picked up")
    func keyLimits() {
        let clock = FakeClock()
        let limiter = RateLimiter(clock: clock.closure)
        let wide = RateLimit(rate: 100, burst: 5)
        for _ in 0..<5 { #expect(limiter.take(.key(7), limit: wide) == .allowed) }
        #expect(limiter.take(.key(7), limit: wide) != .allowed)
        clock.advance(seconds: 1)
        let narrow = RateLimit(rate: 0.1, burst: 1)
        #expect(limiter.take(.key(7), limit: narrow) == .allowed)
        #expect(limiter.take(.key(7), limit: narrow) == .limited(retryAfter: 10))
    }

    @Test("buckets that refilled are swept away; busy ones stay")
    func eviction() {
        let clock = FakeClock()
        let limiter = RateLimiter(sweepSeconds: 10, clock: clock.closure)
        for n in 0..<100 { _ = limiter.take(.ipv4(UInt32(n)), limit: Self.limit) }
        #expect(limiter.count == 100)
        clock.advance(seconds: 11)
        _ = limiter.take(.ipv4(5), limit: RateLimit(rate: 0.01, burst: 2))  // sweeps, then makes one bucket
        #expect(limiter.count == 1)
        _ = limiter.take(.ipv4(5), limit: RateLimit(rate: 0.01, burst: 2))
        clock.advance(seconds: 11)
        _ = limiter.take(.ipv4(6), limit: Self.limit)
        #expect(limiter.count == 2, "ipv4(5) is not full yet at 0.01/s and stays")
    }

    @Test("a full table sends new clients to one shared overflow bucket; memory stays bounded")
    func capacity() {
        let clock = FakeClock()
        let limiter = RateLimiter(capacity: 3, sweepSeconds: 3600, clock: clock.closure)
        for n in 0..<3 { #expect(limiter.take(.ipv4(UInt32(n)), limit: Self.limit) == .allowed) }
        #expect(limiter.take(.ipv4(100), limit: Self.limit) == .allowed)
        #expect(limiter.take(.ipv4(101), limit: Self.limit) == .allowed)
        #expect(limiter.take(.ipv4(102), limit: Self.limit) != .allowed, "the overflow bucket is shared")
        for n in 200..<1200 { _ = limiter.take(.ipv4(UInt32(n)), limit: Self.limit) }
        #expect(limiter.count == 4)
        #expect(limiter.take(.ipv4(0), limit: Self.limit) == .allowed, "known clients keep their own bucket")
    }

    @Test("addresses map to buckets: IPv4 whole, IPv6 by /64, IPv4-mapped IPv6 as IPv4")
    func addresses() throws {
        let v4 = try SocketAddress(ipAddress: "192.0.2.7", port: 1234)
        #expect(RateLimiter.Client(address: v4) == .ipv4(0xC000_0207))
        let mapped = try SocketAddress(ipAddress: "::ffff:192.0.2.7", port: 1)
        #expect(RateLimiter.Client(address: mapped) == .ipv4(0xC000_0207))
        let a = try SocketAddress(ipAddress: "2001:db8:1:2::1", port: 1)
        let b = try SocketAddress(ipAddress: "2001:db8:1:2:ffff::9", port: 2)
        let c = try SocketAddress(ipAddress: "2001:db8:1:3::1", port: 1)
        #expect(RateLimiter.Client(address: a) == .ipv6(0x2001_0db8_0001_0002))
        #expect(RateLimiter.Client(address: a) == RateLimiter.Client(address: b))
        #expect(RateLimiter.Client(address: a) != RateLimiter.Client(address: c))
        #expect(RateLimiter.Client(address: try SocketAddress(ipAddress: "::1", port: 1)) == .ipv6(0))
        #expect(RateLimiter.Client(address: nil) == .unknown)
    }
}

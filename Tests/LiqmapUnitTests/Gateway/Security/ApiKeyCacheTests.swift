import LiqmapGateway
import Synchronization
import Testing

@Suite("API key cache")
struct ApiKeyCacheTests {
    /// A lookup that counts its calls and answers from a table it can change.
    final class Lookup: Sendable {
        let calls = Atomic<Int>(0)
        let table = Mutex<[SHA256.Digest: ApiKeyGrant]>([:])
        let failing = Atomic<Bool>(false)

        struct Down: Error {}

        func callAsFunction(_ digest: SHA256.Digest) throws -> ApiKeyGrant? {
            calls.add(1, ordering: .relaxed)
            if failing.load(ordering: .relaxed) { throw Down() }
            return table.withLock { $0[digest] }
        }
    }

    static let grant = ApiKeyGrant(id: 1, limit: RateLimit(rate: 20, burst: 40))

    @Test("a hit costs no lookup until the TTL passes; a revocation is seen after it")
    func ttl() async throws {
        let clock = FakeClock(), lookup = Lookup()
        let digest = SHA256.hash("k")
        lookup.table.withLock { $0[digest] = Self.grant }
        let cache = ApiKeyCache(ttl: 10, clock: clock.closure) { try lookup($0) }
        #expect(try await cache.grant(for: digest) == Self.grant)
        for _ in 0..<100 { #expect(try await cache.grant(for: digest) == Self.grant) }
        #expect(lookup.calls.load(ordering: .relaxed) == 1)
        lookup.table.withLock { $0[digest] = nil }  // revoked
        clock.advance(seconds: 9.9)
        #expect(try await cache.grant(for: digest) == Self.grant, "still cached")
        clock.advance(seconds: 0.2)
        #expect(try await cache.grant(for: digest) == nil)
        #expect(lookup.calls.load(ordering: .relaxed) == 2)
    }

    @Test("unknown keys are cached too; TTL 0 caches nothing")
    func negativeAndOff() async throws {
        let clock = FakeClock(), lookup = Lookup()
        let cache = ApiKeyCache(ttl: 10, clock: clock.closure) { try lookup($0) }
        for _ in 0..<5 { #expect(try await cache.grant(for: SHA256.hash("unknown")) == nil) }
        #expect(lookup.calls.load(ordering: .relaxed) == 1)
        let uncached = Lookup()
        let off = ApiKeyCache(ttl: 0, clock: clock.closure) { try uncached($0) }
        for _ in 0..<5 { _ = try await off.grant(for: SHA256.hash("k")) }
        #expect(uncached.calls.load(ordering: .relaxed) == 5)
        #expect(off.count == 0)
    }

    @Test("a failed lookup throws and is not cached")
    func failure() async throws {
        let clock = FakeClock(), lookup = Lookup()
        let digest = SHA256.hash("k")
        lookup.table.withLock { $0[digest] = Self.grant }
        lookup.failing.store(true, ordering: .relaxed)
        let cache = ApiKeyCache(ttl: 10, clock: clock.closure) { try lookup($0) }
        await #expect(throws: Lookup.Down.self) { try await cache.grant(for: digest) }
        lookup.failing.store(false, ordering: .relaxed)
        #expect(try await cache.grant(for: digest) == Self.grant)
    }

    @Test("at most capacity hashes are held")
    func bounded() async throws {
        let clock = FakeClock(), lookup = Lookup()
        let cache = ApiKeyCache(ttl: 10, capacity: 50, clock: clock.closure) { try lookup($0) }
        for n in 0..<1000 { _ = try await cache.grant(for: SHA256.hash("k\(n)")) }
        #expect(cache.count <= 50)
        #expect(lookup.calls.load(ordering: .relaxed) == 1000)
    }
}

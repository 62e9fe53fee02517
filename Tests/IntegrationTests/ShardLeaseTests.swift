import LiqmapAggregator
import LiqmapPostgres
import LiqmapTesting
import Testing

/// The shard lease's advisory lock is scoped to the schema: two deployments (or two tests) in one
/// database each own their shard 0, while two processes of one deployment still exclude each other.
@Suite("Shard lease (real PostgreSQL)", .timeLimit(.minutes(1)))
struct ShardLeaseTests {
    @Test("shard 0 in two schemas of one database: both lease it; within one schema the second is refused")
    func leaseIsPerSchema() async throws {
        let a = try await TestServers.schema(), b = try await TestServers.schema()
        let ownerA = ShardLease(client: a.client(), shard: 0)
        let rivalA = ShardLease(client: a.client(), shard: 0)
        let ownerB = ShardLease(client: b.client(), shard: 0)
        #expect(try await ownerA.tryAcquire() != nil)
        #expect(try await ownerB.tryAcquire() != nil, "another schema's shard 0 is not this one's")
        #expect(try await rivalA.tryAcquire() == nil, "a second process of the same deployment is refused")
        await ownerA.release()
        #expect(try await eventually { try await rivalA.tryAcquire() != nil }, "…until the owner lets go")
        await rivalA.release(); await ownerB.release()
        try await a.drop(); try await b.drop()
    }

    @Test("the key keeps the shard in its low 32 bits and differs by schema")
    func keyLayout() {
        let k0 = ShardLease.lockKey(shard: 0, schema: "public"), k7 = ShardLease.lockKey(shard: 7, schema: "public")
        #expect(k7 - k0 == 7)
        #expect(k0 >> 32 == k7 >> 32)
        #expect(ShardLease.lockKey(shard: 0, schema: "t_a") != ShardLease.lockKey(shard: 0, schema: "t_b"))
    }
}

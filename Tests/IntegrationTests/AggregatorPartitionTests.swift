import Foundation
import Logging
import LiqmapAggregation
import LiqmapAggregator
import LiqmapCollector
import LiqmapCore
import LiqmapPostgres
import LiqmapRedis
import LiqmapStore
import LiqmapTesting
import LiqmapWire
import Testing

/// The owner of shard 0 maintains the partitions as it runs: liquidations of a month the migration
/// made no partition for land in the default partition first, and the owner's maintenance gives that
/// month a partition and moves them in, with no row or sum lost and duplicates still refused.
@Suite("Aggregator partition maintenance (in-process, real servers)", .timeLimit(.minutes(3)))
struct AggregatorPartitionTests {
    @Test("shard 0's owner makes the month of its events and moves their rows and tiles out of the default partitions")
    func ownerMaintains() async throws {
        let servers = try PrivateServers()
        defer { servers.tearDown() }
        try servers.start(.redis)
        let schema = try await TestServers.schema()
        _ = try await Migrator().migrate(schema.client())
        let redis = try RedisClient(url: servers.redisURL)
        let key = StreamKeys.events(shard: 0)
        // AggregatorTests' liquidations are stamped 2026-09-21, a month the migration (made later) has no partition for.
        let liquidations = (0..<200).map { AggregatorTests.liquidation($0) }
        let month = try #require(UTCMonth(containing: liquidations[0].ts!))
        #expect(month < UTCMonth(containing: Int64(Date().timeIntervalSince1970 * 1000))!)
        let publisher = try EventPublisher(redis: redis, feed: .binanceUSDM, source: "part-a", shards: ShardMap(shards: 1), spoolPath: nil, maxEvents: 50)
        try await publisher.publish(AggregatorTests.marketEvents(minutes: 10) + liquidations, now: 0)
        try await publisher.flush(now: 0)

        var logger = Logger(label: "test.aggregator")
        logger.logLevel = .warning
        var options = AggregatorOptions(shard: 0, shards: 1, consumer: "test")
        options.checkpointSeconds = 0.2
        options.retentionEverySeconds = 0.2
        let aggregator = try ShardAggregator(options: options, redisURL: servers.redisURL, postgres: { schema.client() }, logger: logger)
        let running = Task { try await aggregator.runUntilCancelled() }
        defer { running.cancel() }
        try await AggregatorTests.settle(redis, key)

        let pg = schema.client()
        // Maintenance runs at the first retention pass: wait until no row is left in a default partition.
        let defaults = PartitionedTable.all.map { "SELECT count(*) FROM \($0.defaultName)" }.joined(separator: " UNION ALL ")
        var left: Int64 = -1
        for _ in 0..<100 where left != 0 {
            left = try await pg.query(PGQuery(sql: "SELECT sum(count)::bigint FROM (\(defaults)) d", binds: [])).scalar(Int64.self)
            if left != 0 { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(left == 0, "every default partition emptied")
        let placed = try await pg.query("SELECT DISTINCT tableoid::regclass::text FROM realized_liquidations").rows.map { try $0.decode(String.self, at: 0) }
        #expect(placed == [PartitionedTable.realizedLiquidations.partitionName(month)], "every row in its month's partition")
        let want = AggregatorTests.exact(liquidations)
        var got = try await AggregatorTests.stored(pg)
        #expect(got.micros == want.micros && got.count == want.count, "rows \(got) want \(want)")
        #expect(got.tileMicros.allSatisfy { $0 == want.micros }, "every resolution's tiles: \(got.tileMicros)")
        let tiles = try await pg.query("SELECT resolution, tile, tableoid::regclass::text FROM tiles WHERE resolution <= 5").rows
        #expect(!tiles.isEmpty)
        for r in tiles {
            let table = PartitionedTable.tiles(try #require(TimeResolution(code: UInt8(try r.decode(Int.self, at: 0)))))
            let tile = try r.decode(Int64.self, at: 1)
            #expect(try r.decode(String.self, at: 2) == table.partitionName(try #require(table.month(ofKey: tile))), "\(table) tile \(tile)")
        }

        // The same liquidations again from another producer: refused by (event_key, ts), in the month's partition.
        let other = try EventPublisher(redis: redis, feed: .binanceUSDM, source: "part-b", shards: ShardMap(shards: 1), spoolPath: nil, maxEvents: 50)
        try await other.publish(Array(liquidations.prefix(80)), now: 0)
        try await other.flush(now: 0)
        try await AggregatorTests.settle(redis, key)
        got = try await AggregatorTests.stored(pg)
        #expect(got.micros == want.micros && got.count == want.count, "unchanged after duplicates: \(got)")
        #expect(await aggregator.stats.duplicateLiquidations == 80)
        running.cancel()
        _ = await running.result
        try await schema.drop()
    }
}

import Foundation
import LiqmapChaos
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

/// One aggregator in-process against a private Redis and a schema of the test PostgreSQL: what it
/// commits, and that re-deliveries, re-sent batches, duplicate events, unreadable entries and
/// entries deleted under the group are each handled as documented.
@Suite("Aggregator (in-process, real servers)", .serialized, .timeLimit(.minutes(6)))
struct AggregatorTests {
    static func liquidation(_ i: Int, venue: Venue = .binance, feed: Feed = .binanceUSDM, symbol: String = "BTCUSDT") -> NormalizedEvent {
        // Awkward amounts: many decimals, some exactly on half a micro-dollar.
        let usd = [1234.5678905, 0.0078125, 99_999.999999, 17.25, 3.3333333333][i % 5] * Double(1 + i % 7)
        return NormalizedEvent(venue: venue, feed: feed, symbol: symbol, instrument: "BTC-USDT-PERP", ts: 1_790_000_000_000 + Int64(i) * 7_919,
                               recvTs: nil, body: .liquidation(Liquidation(side: i % 3 == 0 ? .short : .long, price: 60_000 + Double(i), qty: usd / 60_000, notionalUSD: usd)))
    }

    static func marketEvents(minutes: Int) -> [NormalizedEvent] {
        var out: [NormalizedEvent] = []
        let t0: Int64 = 1_790_000_000_000
        for m in 0..<minutes {
            let ts = t0 + Int64(m) * 60_000
            let price = 60_000 + Double(m) * 10
            out.append(NormalizedEvent(venue: .binance, feed: .binanceUSDM, symbol: "BTCUSDT", instrument: "BTC-USDT-PERP", ts: ts, recvTs: nil,
                                       body: .markPrice(MarkPrice(price: price, indexPrice: nil, fundingRate: nil))))
            for k in 0..<5 {
                out.append(NormalizedEvent(venue: .binance, feed: .binanceUSDM, symbol: "BTCUSDT", instrument: "BTC-USDT-PERP", ts: ts + Int64(k) * 1_000, recvTs: nil,
                                           body: .trade(Trade(id: "t\(m)-\(k)", side: k % 2 == 0 ? .buy : .sell, price: price, qty: 0.5, notionalUSD: price * 0.5))))
            }
            out.append(NormalizedEvent(venue: .binance, feed: .binanceUSDM, symbol: "BTCUSDT", instrument: "BTC-USDT-PERP", ts: ts + 30_000, recvTs: nil,
                                       body: .openInterest(OpenInterest(oiQty: 1_000 + Double(m) * 5, oiUSD: nil))))
        }
        return out
    }

    static func exact(_ events: [NormalizedEvent]) -> (micros: Int64, count: Int) {
        var seen = Set<String>(), micros: Int64 = 0
        for e in events {
            guard case .liquidation(let l) = e.body, seen.insert(e.identityKey).inserted else { continue }
            micros += MicroUSD(usd: l.notionalUSD)!.micros
        }
        return (micros, seen.count)
    }

    static func stored(_ pg: PostgresClient) async throws -> (micros: Int64, count: Int, tileMicros: [Int64]) {
        let row = try await pg.query("SELECT coalesce(sum(usd_micros), 0)::bigint, count(*)::bigint FROM realized_liquidations").rows[0]
        var byResolution = [Int64](repeating: 0, count: 8)
        for r in try await pg.query("SELECT resolution, data FROM tiles WHERE layer = 1").rows {
            let total = try TileCodec.decode(try r.decode(PGBytes.self, at: 1).bytes).cells.total
            byResolution[try r.decode(Int.self, at: 0)] += total.longUSD.micros + total.shortUSD.micros
        }
        return (try row.decode(Int64.self, at: 0), Int(try row.decode(Int64.self, at: 1)), Array(byResolution[1...7]))
    }

    /// Waits until the group has read everything and nothing is pending. Alone this takes about a
    /// second; a loaded 2-core CI running every suite at once once needed more than 30 s, so the
    /// wait is 90 s and a failure says where the group stood.
    static func settle(_ redis: RedisClient, _ key: String) async throws {
        let deadline = ContinuousClock.now + .seconds(90)
        while ContinuousClock.now < deadline {
            if try await groupCaughtUp(redis, key) { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        let group = try await redis.xinfoGroups(key).first { $0.name == StreamKeys.aggregatorGroup }
        let last = try await redis.xinfoStream(key).lastGeneratedID
        Issue.record("the aggregator did not settle in 90 s: group \(group.map { "pending \($0.pending), delivered to \($0.lastDeliveredID)" } ?? "missing"), stream at \(last)")
    }

    @Test("exact totals; re-sent batches, re-delivered entries and duplicate liquidations change nothing; bad entries are dead letters")
    func duplicatesChangeNothing() async throws {
        let servers = try PrivateServers()
        defer { servers.tearDown() }
        try servers.start(.redis)
        let schema = try await TestServers.schema()
        _ = try await Migrator().migrate(schema.client())
        let redis = try RedisClient(url: servers.redisURL)
        let key = StreamKeys.events(shard: 0)

        let liquidations = (0..<400).map { Self.liquidation($0) }
        let events = Self.marketEvents(minutes: 30) + liquidations
        let publisher = try EventPublisher(redis: redis, feed: .binanceUSDM, source: "test-a", shards: ShardMap(shards: 1), spoolPath: nil, maxEvents: 50)
        try await publisher.publish(events, now: 0)
        try await publisher.flush(now: 0)

        var logger = Logger(label: "test.aggregator")
        logger.logLevel = .warning
        var options = AggregatorOptions(shard: 0, shards: 1, consumer: "test")
        options.checkpointSeconds = 0.2
        options.reclaimMinIdleMs = 200
        options.reclaimEverySeconds = 0.2
        options.retentionEverySeconds = 0.2
        let aggregator = try ShardAggregator(options: options, redisURL: servers.redisURL, postgres: { schema.client() }, logger: logger)
        let running = Task { try await aggregator.runUntilCancelled() }
        defer { running.cancel() }
        try await Self.settle(redis, key)
        let want = Self.exact(liquidations)
        let pg = schema.client()
        var got = try await Self.stored(pg)
        #expect(got.micros == want.micros && got.count == want.count, "rows \(got) want \(want)")
        #expect(got.tileMicros.allSatisfy { $0 == want.micros }, "every resolution's tiles sum to the same \(got.tileMicros)")

        // 1. The same entries again (a producer re-sending after a lost XADD reply keeps src and seq).
        let first = try await redis.xrange(key)
        for entry in first { _ = try await redis.xadd(key, fields: entry.pairs) }
        // 2. The same liquidations from another producer (a collector restarted and re-read them).
        let other = try EventPublisher(redis: redis, feed: .binanceUSDM, source: "test-b", shards: ShardMap(shards: 1), spoolPath: nil, maxEvents: 50)
        try await other.publish(Array(liquidations.prefix(120)), now: 0)
        try await other.flush(now: 0)
        // 3. An entry no reader understands, and one whose event count is wrong.
        _ = try await redis.xadd(key, fields: [("v", Array("9".utf8)), ("codec", Array("ndjson".utf8)), ("src", Array("x".utf8)), ("seq", Array("1".utf8)), ("n", Array("0".utf8)), ("data", [])])
        _ = try await redis.xadd(key, fields: [("v", Array("1".utf8)), ("codec", Array("ndjson".utf8)), ("src", Array("x".utf8)), ("seq", Array("2".utf8)), ("n", Array("5".utf8)), ("data", Array("{}".utf8))])
        try await Self.settle(redis, key)
        got = try await Self.stored(pg)
        #expect(got.micros == want.micros && got.count == want.count, "unchanged after duplicates: \(got) want \(want)")
        #expect(got.tileMicros.allSatisfy { $0 == want.micros })
        let stats = await aggregator.stats
        #expect(stats.duplicateBatches == first.count, "every re-sent batch skipped whole")
        #expect(stats.duplicateLiquidations == 120, "every duplicate liquidation dropped by its identity")
        let dead = try await pg.query("SELECT count(*)::bigint FROM dead_letters").scalar(Int64.self)
        #expect(dead == 2 && stats.deadLetters == 2, "both unreadable entries kept as dead letters")

        // 4. A pending entry deleted under the group (an operator's XTRIM): loss, alarmed, never silent.
        running.cancel()
        _ = await running.result
        let pendingAdd = try await redis.xadd(key, fields: EventBatchCodec.encode(EventBatch(source: "test-c", sequence: 1, events: [Self.liquidation(9_999)])))
        _ = try await redis.xreadgroup(key, group: StreamKeys.aggregatorGroup, consumer: "someone-else", count: 10)
        _ = try await redis.send(["XDEL", RedisArgument(key), RedisArgument(pendingAdd)])
        let again = try ShardAggregator(options: options, redisURL: servers.redisURL, postgres: { schema.client() }, logger: logger)
        let rerun = Task { try await again.runUntilCancelled() }
        defer { rerun.cancel() }
        try await Self.settle(redis, key)
        try await Task.sleep(for: .milliseconds(300))
        let alarms = try await pg.query("SELECT count(*)::bigint FROM shard_alarms WHERE kind = 'pel_deleted'").scalar(Int64.self)
        #expect(await again.stats.pelDeleted == 1, "the deleted pending entry is counted")
        #expect(alarms == 1, "and alarmed in shard_alarms")
        let epoch = try await pg.query("SELECT epoch FROM shard_progress WHERE shard = 0").scalar(Int64.self)
        #expect(epoch == 2, "the second process took over with a new epoch")

        // 5. The projected layer was written: columns, and the book's checkpoint.
        let projected = try await pg.query("SELECT (SELECT count(*) FROM projected_columns) + (SELECT count(*) FROM tiles WHERE layer = 2)").scalar(Int64.self)
        let checkpoint = try await pg.query("SELECT count(*)::bigint FROM shard_checkpoints").scalar(Int64.self)
        #expect(projected > 0 && checkpoint == 1)
        // The documented read view agrees with the tiles.
        let viewUSD = try await pg.query("SELECT (sum(long_usd + short_usd) * 1000000)::bigint FROM liqmap_tile_cells WHERE layer = 'realized' AND resolution = '1h'").scalar(Int64.self)
        #expect(viewUSD == want.micros, "liqmap_tile_cells unpacks the same exact amounts")

        // 6. Retention: ten days later, the first day's 1m tiles go; coarser tiles and the exact rows stay.
        let before1m = try await pg.query("SELECT count(*)::bigint FROM tiles WHERE layer = 1 AND resolution = 1").scalar(Int64.self)
        var late = Self.liquidation(5_000)
        late.ts = 1_790_000_000_000 + 10 * 86_400_000
        try await publisher.publish([late], now: 0)
        try await publisher.flush(now: 0)
        try await Self.settle(redis, key)
        var dropped = false
        for _ in 0..<50 where !dropped {
            try await Task.sleep(for: .milliseconds(100))
            let old1m = try await pg.query("SELECT count(*)::bigint FROM tiles WHERE layer = 1 AND resolution = 1 AND tile < \(TimeResolution.tile(ofColumn: TimeResolution.m1.column(ts: late.ts! - RetentionPolicy.day * 7)))").scalar(Int64.self)
            dropped = before1m > 0 && old1m == 0
        }
        #expect(dropped, "1m tiles older than 7 days were dropped")
        got = try await Self.stored(pg)
        let lateMicros = Self.exact([late]).micros
        #expect(got.tileMicros[4] == want.micros + lateMicros, "1h tiles keep every total: \(got.tileMicros)")
        #expect(got.micros == want.micros + lateMicros && got.count == want.count + 1, "the exact rows are kept")
        // Compaction: the older projected tiles became one `tiles` row each (decodable, several
        // columns), and staging holds only the newest tile per instrument and resolution.
        var compacted: [DecodedTile] = []
        for r in try await pg.query("SELECT data FROM tiles WHERE layer = 2").rows { compacted.append(try TileCodec.decode(try r.decode(PGBytes.self, at: 0).bytes)) }
        #expect(compacted.contains { Set($0.cells.cells.keys.map(\.column)).count > 1 }, "closed projected tiles were compacted: \(compacted.count)")
        let stale = try await pg.query("""
            SELECT count(*)::bigint FROM projected_columns p
            WHERE p.tile < (SELECT max(tile) FROM projected_columns q WHERE q.venue = p.venue AND q.instrument = p.instrument AND q.resolution = p.resolution)
            """).scalar(Int64.self)
        #expect(stale == 0, "no staged column of a closed tile is left")
        rerun.cancel()
        _ = await rerun.result
        try await schema.drop()
    }
}

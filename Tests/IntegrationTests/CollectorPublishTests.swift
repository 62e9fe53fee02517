import Foundation
import Logging
import LiqmapCollector
import LiqmapCore
import LiqmapExchanges
import LiqmapRedis
import LiqmapTesting
import LiqmapWire
import Testing

/// The collector's publishing path against a private Redis (the stream keys are fixed, so each test
/// gets a server of its own).
@Suite("Collector → Redis streams", .serialized, .timeLimit(.minutes(2)))
struct CollectorPublishTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static func registry(_ file: String) throws -> InstrumentRegistry {
        var r = InstrumentRegistry()
        let (_, errors) = r.load(file: try String(contentsOf: fixtures.appendingPathComponent(file), encoding: .utf8))
        if let error = errors.first { throw error }
        return r
    }

    /// Every batch in every shard stream, decoded, by shard.
    static func readAll(_ redis: RedisClient, shards: Int) async throws -> [Int: [EventBatch]] {
        var out: [Int: [EventBatch]] = [:]
        for shard in 0..<shards {
            for entry in try await redis.xrange(StreamKeys.events(shard: shard)) {
                out[shard, default: []].append(try EventBatchCodec.decode(entry.pairs))
            }
        }
        return out
    }

    @Test("a replay publishes every parsed event exactly once, on its shard, in order")
    func replayExactlyOnce() async throws {
        let servers = try PrivateServers()
        defer { servers.tearDown() }
        try servers.start(.redis)
        let redis = try RedisClient(url: servers.redisURL)
        let file = Self.fixtures.appendingPathComponent("binance_usdm/cryptofeed_BINANCE_FUTURES_aggTrade_2021-07-22.txt").path
        let registry = try Self.registry("binance_usdm/cryptofeed_REST_fapi_v1_exchangeInfo_2021-07-22.txt")
        let shards = ShardMap(shards: 3)
        let publisher = try EventPublisher(redis: redis, feed: .binanceUSDM, source: "test", shards: shards,
                                           spoolPath: servers.home + "/spool", maxEvents: 7)
        var session = ParseSession(feed: .binanceUSDM, instruments: registry)
        try await Replay(path: file, speed: nil).run(session: &session, publisher: publisher, logger: Logger(label: "test"))

        // What the parser alone makes of the file.
        var direct = ParseSession(feed: .binanceUSDM, instruments: registry)
        var expected: [NormalizedEvent] = []
        for line in try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n") {
            if case .events(let e) = direct.line(line) { expected += e }
        }
        #expect(expected.count == 91)

        let published = try await Self.readAll(redis, shards: 3)
        let all = published.values.flatMap { $0 }
        #expect(all.flatMap(\.events).count == expected.count, "no loss, no duplicate")
        #expect(Set(all.map(\.sequence)).count == all.count, "every batch has its own number")
        for (shard, batches) in published {
            for e in batches.flatMap(\.events) { #expect(shards.shard(venue: e.venue, instrument: e.instrument) == shard) }
        }
        for instrument in Set(expected.map(\.instrument)) {
            let want = expected.filter { $0.instrument == instrument }
            let got = published.values.flatMap { $0.sorted { $0.sequence < $1.sequence } }.flatMap(\.events).filter { $0.instrument == instrument }
            #expect(got == want, "\(instrument): same events, same order")
        }
        #expect(await publisher.stats.events == 91)
    }

    /// `n` OKX trades, one per millisecond, for the spool tests.
    static func okxTrades(_ n: Int) -> [NormalizedEvent] {
        (0..<n).map { i in
            NormalizedEvent(venue: .okx, feed: .okx, symbol: "BTC-USDT-SWAP", instrument: "BTC-USDT-PERP", ts: Int64(i), recvTs: nil,
                            body: .trade(Trade(id: "\(i)", side: .buy, price: 100, qty: 1, notionalUSD: 100)))
        }
    }

    @Test("Redis down: batches go to the disk spool, and reach Redis in order once it is back")
    func spoolWhileRedisIsDown() async throws {
        let servers = try PrivateServers()
        defer { servers.tearDown() }
        try servers.start(.redis)
        let redis = try RedisClient(url: servers.redisURL, timeout: 2)
        let publisher = try EventPublisher(redis: redis, feed: .okx, source: "test", shards: ShardMap(shards: 1),
                                           spoolPath: servers.home + "/spool/okx.spool", maxEvents: 10)
        let events = Self.okxTrades(100)
        try await publisher.publish(Array(events[0..<30]), now: 0)
        try servers.kill(.redis)
        try await publisher.publish(Array(events[30..<70]), now: 0)  // must not throw: spooled
        #expect(await publisher.spoolDepth == 4)
        try servers.start(.redis)
        try await publisher.publish(Array(events[70..<100]), now: 0)  // drains the spool first, then sends these
        #expect(await publisher.spoolDepth == 0)
        let batches = try await Self.readAll(redis, shards: 1)[0] ?? []
        #expect(batches.flatMap(\.events) == events, "all 100, in order, once (the 30 before the crash survived through AOF)")
        #expect(batches.map(\.sequence) == Array(1...10))
    }

    @Test("Redis answering with an error (out of memory) instead of not answering: the batches are spooled too, none lost")
    func spoolWhenRedisRefuses() async throws {
        let servers = try PrivateServers()
        defer { servers.tearDown() }
        try servers.start(.redis)
        let redis = try RedisClient(url: servers.redisURL, timeout: 2)
        let publisher = try EventPublisher(redis: redis, feed: .okx, source: "test", shards: ShardMap(shards: 1),
                                           spoolPath: servers.home + "/spool/okx.spool", maxEvents: 10)
        let events = Self.okxTrades(60)
        try await publisher.publish(Array(events[0..<20]), now: 0)
        // Any write now gets "-OOM command not allowed when used memory > 'maxmemory'".
        _ = try await redis.send(["CONFIG", "SET", "maxmemory-policy", "noeviction"])
        _ = try await redis.send(["CONFIG", "SET", "maxmemory", "1"])
        try await publisher.publish(Array(events[20..<40]), now: 0)  // must not throw, must not lose: spooled
        #expect(await publisher.spoolDepth == 2)
        _ = try await redis.send(["CONFIG", "SET", "maxmemory", "0"])
        try await publisher.publish(Array(events[40..<60]), now: 0)
        #expect(await publisher.spoolDepth == 0)
        let batches = try await Self.readAll(redis, shards: 1)[0] ?? []
        #expect(batches.flatMap(\.events) == events, "all 60, in order, once")
    }

    @Test("malformed frames are counted and quarantined with their reason")
    func quarantine() async throws {
        let servers = try PrivateServers()
        defer { servers.tearDown() }
        try servers.start(.redis)
        let redis = try RedisClient(url: servers.redisURL)
        let dir = servers.home
        let recording = dir + "/garbage.rec"
        var lines: [String] = []
        for i in 0..<50 { lines.append("\(1_700_000_000_000 + i)\t{\"stream\":\"btcusdt@aggTrade\",\"data\":{\"e\":\"aggTrade\",\"s\":\"BTCUSDT\",\"p\":\"NaN\"") }
        try lines.joined(separator: "\n").write(toFile: recording, atomically: true, encoding: .utf8)
        let publisher = try EventPublisher(redis: redis, feed: .binanceUSDM, source: "t", shards: ShardMap(shards: 1), spoolPath: nil)
        var session = ParseSession(feed: .binanceUSDM, instruments: InstrumentRegistry())
        try await Replay(path: recording, speed: nil).run(session: &session, publisher: publisher, logger: Logger(label: "test"))
        #expect(session.malformed == 50 && session.events == 0)
        let info = try await redis.xinfoStream(StreamKeys.quarantine(feed: .binanceUSDM))
        #expect(info.length == 50)
        let entry = try #require(try await redis.xrange(StreamKeys.quarantine(feed: .binanceUSDM), count: 1).first)
        #expect(entry["reason"].map { String(decoding: $0, as: UTF8.self) }?.contains("JSON") == true)
        #expect(entry["recv_ts"] == Array("1700000000000".utf8))
    }

    @Test("trimming removes only what every group has acknowledged")
    func trimming() async throws {
        let servers = try PrivateServers()
        defer { servers.tearDown() }
        try servers.start(.redis)
        let redis = try RedisClient(url: servers.redisURL)
        let publisher = try EventPublisher(redis: redis, feed: .okx, source: "t", shards: ShardMap(shards: 1), spoolPath: nil, maxEvents: 1)
        let key = StreamKeys.events(shard: 0)
        let events = (0..<20).map { i in
            NormalizedEvent(venue: .okx, feed: .okx, symbol: "S", instrument: "BTC-USDT-PERP", ts: Int64(i), recvTs: nil,
                            body: .trade(Trade(id: "\(i)", side: .buy, price: 1, qty: 1, notionalUSD: 1)))
        }
        try await publisher.publish(events, now: 0)
        #expect(try await publisher.trimStreams(shards: 1, maxLength: 5) == 0, "no group yet: nothing is trimmed")
        try await redis.xgroupCreate(key, group: "aggregators", startID: "0")
        let read = try await redis.xreadgroup(key, group: "aggregators", consumer: "a", count: 12)
        try await redis.xack(key, group: "aggregators", ids: Array(read.prefix(8)).map(\.id))
        #expect(try await publisher.trimStreams(shards: 1, maxLength: 5) == 8, "the 8 acknowledged entries go, the 4 pending stay")
        #expect(try await redis.xinfoStream(key).firstEntryID == read[8].id)
        #expect(try await redis.xpendingSummary(key, group: "aggregators").count == 4)
    }
}

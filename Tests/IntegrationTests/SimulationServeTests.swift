import Foundation
import Logging
@testable import LiqmapCLI
import LiqmapLoopback
import LiqmapCollector
import LiqmapCore
import LiqmapExchanges
import LiqmapRedis
import LiqmapSimulator
import LiqmapTesting
import LiqmapWire
import Testing

/// `liqmap simulate --serve` end to end: the unmodified live collectors, pointed at the served
/// market with endpoint overrides, publish exactly the trades and liquidations the same simulation
/// writes to its recordings.
@Suite("Simulated market served live", .serialized, .timeLimit(.minutes(4)))
struct SimulationServeTests {
    @Test("served Bybit answers the collector's recovery read with the last 1,000 trades, newest first")
    func bybitRecentTrades() async throws {
        let exchange = LoopbackExchange(script: .live)
        let port = try await exchange.start()
        var router = FrameRouter(feed: .bybitLinear)
        var simulator = Simulator(config: try SimulationConfig(assets: ["BTC"], feeds: [.bybitLinear], durationMs: 5 * 60_000, seed: 3))
        var session = ParseSession(feed: .bybitLinear, instruments: InstrumentRegistry())
        var ids: [String] = []
        while let frame = simulator.next() {
            router.route(frame.text, to: exchange)
            if case .events(let events) = session.frame(frame.text, recvTs: frame.recvTs) {
                for e in events { if case .trade(let t) = e.body { ids.append(t.id) } }
            }
        }
        let (symbol, url) = try #require(FeedConnections.spec(.bybitLinear).recoveryURLs(symbols: ["BTCUSDT"], rest: "http://127.0.0.1:\(port)").first)
        let (status, body, _) = try await RestFetch.get(url)
        await exchange.stop()
        var parser = BybitParser(feed: .bybitLinear, instruments: InstrumentRegistry())
        let served = try parser.parseBackfill(body, symbol: symbol, recvTs: nil).compactMap { e -> String? in
            if case .trade(let t) = e.body { t.id } else { nil }
        }
        #expect(status == 200 && ids.count > 1_000)
        #expect(served == Array(ids.suffix(1_000).reversed()))
    }

    static func tradesAndLiquidations(_ redis: RedisClient) async throws -> Int {
        var n = 0
        for shard in 0..<2 {
            for entry in try await redis.xrange(StreamKeys.events(shard: shard)) {
                for e in try EventBatchCodec.decode(entry.pairs).events {
                    switch e.body {
                    case .trade, .liquidation: n += 1
                    default: break
                    }
                }
            }
        }
        return n
    }

    @Test("two feeds at 20× real time: Redis holds every served trade and liquidation once, none malformed")
    func servedMarketReachesRedis() async throws {
        let feeds: [Feed] = [.binanceUSDM, .bybitLinear]
        let config = try SimulationConfig(assets: ["BTC", "ETH"], feeds: feeds, durationMs: 3 * 60_000, seed: 11)
        // What the recordings of the same simulation hold, through the same parsers.
        var expected: [Feed: (trades: Set<String>, liquidations: Int)] = [:]
        var sessions = feeds.map { ParseSession(feed: $0, instruments: InstrumentRegistry()) }
        var simulator = Simulator(config: config)
        while let frame = simulator.next() {
            let i = feeds.firstIndex(of: frame.feed)!
            guard case .events(let events) = sessions[i].frame(frame.text, recvTs: frame.recvTs) else { continue }
            for e in events {
                switch e.body {
                case .trade(let t): expected[frame.feed, default: ([], 0)].trades.insert(t.id)
                case .liquidation: expected[frame.feed, default: ([], 0)].liquidations += 1
                default: break
                }
            }
        }
        #expect(sessions.allSatisfy { $0.malformed == 0 })

        let servers = try PrivateServers()
        try servers.start(.redis)
        defer { servers.tearDown() }
        let portBase = Int.random(in: 21_000...29_000)
        let server = SimulationServer(config: config, portBase: portBase, speed: 20, waitForCollectors: 60, linger: 120)
        var logger = Logger(label: "test.serve")
        logger.logLevel = .error
        var collectors: [(core: CollectorCore, task: Task<Void, any Error>, redis: RedisClient)] = []
        for (i, feed) in feeds.enumerated() {
            let redis = try RedisClient(url: servers.redisURL)
            let publisher = try EventPublisher(redis: redis, feed: feed, source: "serve-\(feed.rawValue)", shards: ShardMap(shards: 2), spoolPath: nil)
            let core = try CollectorCore(session: ParseSession(feed: feed, instruments: InstrumentRegistry()), publisher: publisher,
                                         recordPath: nil, logger: logger)
            var collector = LiveCollector(spec: FeedConnections.spec(feed), symbols: FeedConnections.spec(feed).defaultSymbols,
                                          wsBase: "ws://127.0.0.1:\(portBase + i)", restBase: "http://127.0.0.1:\(portBase + i)",
                                          core: core, publisher: publisher, logger: logger)
            collector.backoff = Backoff(base: 0.01, cap: 0.1)
            let running = collector
            collectors.append((core, Task { try await running.runUntilCancelled() }, redis))
        }
        // The server lingers until the collectors have caught up (on a loaded machine they lag the
        // 20× clock), then stops.
        let serving = Task { try await server.run() }
        let redis = collectors[0].redis
        let wanted = expected.values.reduce(0) { $0 + $1.trades.count + $1.liquidations }
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline, try await Self.tradesAndLiquidations(redis) < wanted {
            try await Task.sleep(for: .milliseconds(200))
        }
        try await Task.sleep(for: .milliseconds(500))  // anything late would show up as a duplicate
        serving.cancel()
        let report = try await serving.value
        let served = report.served
        for c in collectors { c.task.cancel(); _ = await c.task.result }

        var published: [Feed: (trades: [String], liquidations: Int)] = [:]
        for shard in 0..<2 {
            for entry in try await redis.xrange(StreamKeys.events(shard: shard)) {
                for e in try EventBatchCodec.decode(entry.pairs).events {
                    switch e.body {
                    case .trade(let t): published[e.feed, default: ([], 0)].trades.append(t.id)
                    case .liquidation: published[e.feed, default: ([], 0)].liquidations += 1
                    default: break
                    }
                }
            }
        }
        #expect(report.connectedAtStart, "both collectors were connected before the first frame")
        #expect(served.allSatisfy { $0 > 1_000 })
        for (i, feed) in feeds.enumerated() {
            let counters = await collectors[i].core.counters
            let want = try #require(expected[feed]), got = published[feed] ?? ([], 0)
            #expect(!want.trades.isEmpty && want.liquidations > 0, "\(feed): the simulation has trades and liquidations")
            #expect(got.trades.count == want.trades.count && Set(got.trades) == want.trades, "\(feed): every trade once: got \(got.trades.count) of \(want.trades.count), missing \(want.trades.subtracting(got.trades).count); counters \(counters)")
            #expect(got.liquidations == want.liquidations, "\(feed): every shown liquidation")
            #expect(counters.malformed == 0, "\(feed): nothing malformed (Bybit tickers start from the greeting snapshot)")
        }
    }
}

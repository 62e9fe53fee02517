import ArgumentParser
import Foundation
import LiqmapAggregation
import LiqmapAggregator
import LiqmapCollector
import LiqmapConfig
import LiqmapCore
import LiqmapExchanges
import LiqmapPostgres
import LiqmapRedis
import LiqmapSimulator
import LiqmapStore
import LiqmapWire
import Logging

/// `liqmap bench aggregator`: one aggregator process against the real servers, on a private Redis
/// database and PostgreSQL schema: sustained events/s over a pre-filled stream of a simulated
/// market's events, and freshness (publish → readable in PostgreSQL) at a steady rate.
struct AggregatorBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "aggregator", abstract: "Aggregator events/s and freshness p50/p99.")
    @Option(help: "Events pre-filled for the throughput pass (0 skips it).") var events = 1_000_000
    @Option(help: "Steady rate for the freshness pass, events/s (0 skips it).") var rate = 20_000
    @Option(help: "Seconds of the freshness pass.") var seconds = 30
    @Option(help: "Stream entries per read and transaction.") var entriesPerRead = 64
    @Option(help: "Redis database index to use (flushed first).") var redisDB = 14
    @Option(help: "Hours of each simulated market the events come from (more seeds follow when one is not enough).") var marketHours = 336
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let settings = try await connection.settings()
        guard settings.redisURL.hasPrefix("redis://") else {
            throw ValidationError("this benchmark needs one Redis server (it flushes database \(redisDB)), not '\(settings.redisURL)'")
        }
        let rest = settings.redisURL.dropFirst("redis://".count)
        let redisURL = "redis://\(rest.split(separator: "/", maxSplits: 1).first ?? rest)/\(redisDB)"
        let schema = "bench_\(ProcessInfo.processInfo.processIdentifier)"
        let admin = PostgresClient(conninfo: settings.postgresURL)
        try await admin.query("CREATE SCHEMA \(identifier: schema)")
        defer { Task { [admin] in try? await admin.query("DROP SCHEMA \(identifier: schema) CASCADE") } }
        let postgresURL = settings.postgresURL
        let pg: @Sendable () -> PostgresClient = { PostgresClient(conninfo: postgresURL, settings: ["options": "-c search_path=\(schema)"]) }
        _ = try await Migrator().migrate(pg())
        var logger = Logger(label: "bench.aggregator") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .warning
        print("machine: \(ProcessInfo.processInfo.activeProcessorCount) cores; redis \(redisURL); postgres schema \(schema)")

        if events > 0 { try await throughput(redisURL: redisURL, pg: pg, logger: logger) }
        if rate > 0 {
            // A clean slate: the freshness pass must not inherit the throughput pass's books.
            try await pg().query("TRUNCATE shard_progress, shard_leases, shard_checkpoints, applied_batches, realized_liquidations, tiles, projected_columns")
            try await freshness(redisURL: redisURL, pg: pg, logger: logger)
        }
        try await admin.query("DROP SCHEMA \(identifier: schema) CASCADE")
    }

    /// Events of a simulated market (3 assets on the three biggest feeds) through the collectors' parsers.
    func marketEvents(_ n: Int) -> [NormalizedEvent] {
        var out: [NormalizedEvent] = []
        out.reserveCapacity(n)
        let feeds: [Feed] = [.binanceUSDM, .bybitLinear, .okx]
        var seed: UInt64 = 1
        while out.count < n {
            var sim = Simulator(config: try! SimulationConfig(assets: ["BTC", "ETH", "SOL"], feeds: feeds, durationMs: Int64(marketHours) * 3_600_000, seed: seed))
            var sessions = feeds.map { ParseSession(feed: $0, instruments: InstrumentRegistry()) }
            while out.count < n, let frame = sim.next() {
                if case .events(let e) = sessions[feeds.firstIndex(of: frame.feed)!].frame(frame.text, recvTs: frame.recvTs) { out += e }
            }
            seed += 1
        }
        return Array(out.prefix(n))
    }

    func aggregator(_ redisURL: String, _ pg: @escaping @Sendable () -> PostgresClient, _ logger: Logger) throws -> ShardAggregator {
        var options = AggregatorOptions(shard: 0, shards: 1, consumer: "bench")
        options.entriesPerRead = entriesPerRead
        return try ShardAggregator(options: options, redisURL: redisURL, postgres: pg, logger: logger)
    }

    func throughput(redisURL: String, pg: @escaping @Sendable () -> PostgresClient, logger: Logger) async throws {
        let redis = try RedisClient(url: redisURL)
        try await redis.send(["FLUSHDB"])
        let all = marketEvents(events)
        let publisher = try EventPublisher(redis: redis, feed: .binanceUSDM, source: "bench", shards: ShardMap(shards: 1), spoolPath: nil)
        for chunk in stride(from: 0, to: all.count, by: 50_000) { try await publisher.publish(Array(all[chunk..<min(chunk + 50_000, all.count)]), now: 0) }
        try await publisher.flush(now: 0)
        let key = StreamKeys.events(shard: 0)
        let entries = try await redis.xinfoStream(key).length
        let liquidations = all.filter { $0.kind == .liquidation }.count
        let agg = try aggregator(redisURL, pg, logger)
        let started = ContinuousClock.now
        let task = Task { try await agg.runUntilCancelled() }
        while true {
            try await Task.sleep(for: .milliseconds(20))
            let s = await agg.stats
            if s.entries >= entries { break }
        }
        let took = ContinuousClock.now - started
        task.cancel()
        _ = await task.result
        let s = await agg.stats
        let secs = Double(took.components.seconds) + Double(took.components.attoseconds) / 1e18
        print(String(format: "throughput: %d events (%d liquidations) in %d entries, %d commits: %.2f s, %.0f events/s", s.events, liquidations, entries, s.commits, secs, Double(s.events) / secs))
    }

    func freshness(redisURL: String, pg: @escaping @Sendable () -> PostgresClient, logger: Logger) async throws {
        let redis = try RedisClient(url: redisURL)
        try await redis.send(["FLUSHDB"])
        let pool = marketEvents(200_000).filter { $0.kind != .liquidation }
        let agg = try aggregator(redisURL, pg, logger)
        let task = Task { try await agg.runUntilCancelled() }
        try await Task.sleep(for: .seconds(1))
        let publisher = try EventPublisher(redis: redis, feed: .binanceUSDM, source: "bench-fresh", shards: ShardMap(shards: 1), spoolPath: nil)
        let perMs = Double(rate) / 1000
        let reader = pg()
        let start = ContinuousClock.now
        var sent = 0.0, next = 0, markers = 0, lastFlush = 0, lastMarker: Int64 = 0
        // Poll for visibility on a task of its own.
        let poller = Task { () -> [Double] in
            var out: [Double] = []
            var last: Int64 = 0
            while !Task.isCancelled {
                let maxTs = (try? await reader.query("SELECT coalesce(max(ts), 0)::bigint FROM realized_liquidations").scalar(Int64.self)) ?? 0
                if maxTs > last {
                    let now = Date().timeIntervalSince1970 * 1000
                    out.append(now - Double(maxTs))  // the newest marker; older ones were seen by earlier polls
                    last = maxTs
                }
                try? await Task.sleep(for: .milliseconds(2))
            }
            return out
        }
        while ContinuousClock.now - start < .seconds(seconds) {
            let elapsed = (ContinuousClock.now - start).components
            let elapsedMs = Int(elapsed.seconds) * 1000 + Int(elapsed.attoseconds / 1_000_000_000_000_000)
            let due = Double(elapsedMs + 1) * perMs
            var batch: [NormalizedEvent] = []
            let nowMs = Int64(Date().timeIntervalSince1970 * 1000)
            while sent < due {
                var e = pool[next % pool.count]
                e.ts = nowMs  // live data: event time is now
                batch.append(e)
                next += 1
                sent += 1
            }
            if nowMs - lastMarker >= 20 {  // a marker liquidation every 20 ms, stamped with the publish time
                lastMarker = nowMs
                markers += 1
                batch.append(NormalizedEvent(venue: .binance, feed: .binanceUSDM, symbol: "BTCUSDT", instrument: "BTC-USDT-PERP", ts: nowMs, recvTs: nowMs,
                                             body: .liquidation(Liquidation(side: .long, price: 60_000, qty: 0.001, notionalUSD: 60))))
            }
            try await publisher.publish(batch, now: nowMs)
            if elapsedMs - lastFlush >= 5 {  // the collector's flush cadence (LiveCollector.flushInterval)
                try await publisher.flush(now: nowMs, interval: 5)
                lastFlush = elapsedMs
            }
            try await Task.sleep(for: .milliseconds(1))
        }
        try await publisher.flush(now: Int64(Date().timeIntervalSince1970 * 1000))
        try await Task.sleep(for: .seconds(1))
        poller.cancel()
        var latencies = await poller.value
        task.cancel()
        _ = await task.result
        latencies.sort()
        func q(_ p: Double) -> Double { latencies.isEmpty ? .nan : latencies[min(latencies.count - 1, Int(p * Double(latencies.count)))] }
        let s = await agg.stats
        print(String(format: "freshness at %d events/s for %d s: %d events, %d markers, %d observed; publish → readable p50 %.1f ms, p99 %.1f ms, max %.1f ms",
                     rate, seconds, s.events, markers, latencies.count, q(0.5), q(0.99), latencies.last ?? .nan))
    }
}

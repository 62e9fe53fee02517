import ArgumentParser
import Foundation
import LiqmapAggregation
import LiqmapAggregator
import LiqmapCollector
import LiqmapConfig
import LiqmapCore
import LiqmapExchanges
import LiqmapGateway
import LiqmapObservability
import LiqmapPostgres
import LiqmapRedis
import LiqmapSimulator
import LiqmapStore
import LiqmapWire
import Logging
import ServiceLifecycle
import WSClient

/// `liqmap bench gateway`: fills a private schema with a simulated market that ends now (every feed,
/// through the parsers and an in-process aggregator), extends its 12h tiles over a year, serves it
/// with an in-process gateway and measures it with `wrk` (24 h and 1 y windows merged over all
/// venues), then the delay from an aggregator commit to a WebSocket client under a steady live feed.
struct GatewayBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "gateway", abstract: "Heatmap requests/s and p99 with wrk; commit → WebSocket delay.")
    @Option(help: "Hours of simulated market, ending now.") var hours = 24
    @Option(help: "Comma-separated assets to simulate.") var assets = "BTC,ETH"
    @Option(help: "wrk connections.") var connections = 32
    @Option(help: "wrk threads.") var threads = 2
    @Option(help: "Seconds per wrk run.") var seconds = 15
    @Option(help: "Seconds of the live-delay pass (0 skips it).") var liveSeconds = 30
    @Option(help: "Events/s of the live feed in the delay pass.") var liveRate = 5_000
    @Option(help: "Gateway port.") var port = 18080
    @Option(help: "Redis database index to use (flushed first).") var redisDB = 13
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let settings = try await connection.settings()
        guard settings.redisURL.hasPrefix("redis://") else {
            throw ValidationError("this benchmark needs one Redis server (it flushes database \(redisDB)), not '\(settings.redisURL)'")
        }
        let rest = settings.redisURL.dropFirst("redis://".count)
        let redisURL = "redis://\(rest.split(separator: "/", maxSplits: 1).first ?? rest)/\(redisDB)"
        let schema = "bench_gw_\(ProcessInfo.processInfo.processIdentifier)"
        let admin = PostgresClient(conninfo: settings.postgresURL)
        try await admin.query("CREATE SCHEMA \(identifier: schema)")
        defer { Task { [admin] in try? await admin.query("DROP SCHEMA IF EXISTS \(identifier: schema) CASCADE") } }
        let postgresURL = settings.postgresURL
        let pg: @Sendable () -> PostgresClient = { PostgresClient(conninfo: postgresURL, settings: ["options": "-c search_path=\(schema)"]) }
        _ = try await Migrator().migrate(pg())
        var logger = Logger(label: "bench.gateway") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .warning
        say("machine: \(ProcessInfo.processInfo.activeProcessorCount) cores; redis \(redisURL); postgres schema \(schema)")

        let redis = try RedisClient(url: redisURL)
        try await redis.send(["FLUSHDB"])
        var options = AggregatorOptions(shard: 0, shards: 1, consumer: "bench")
        options.checkpointSeconds = 1
        let aggregator = try ShardAggregator(options: options, redisURL: redisURL, postgres: pg, logger: logger)
        let aggregating = Task { try await aggregator.runUntilCancelled() }
        let now = Int64(Date().timeIntervalSince1970 * 1000) / 60_000 * 60_000  // the simulator starts on a whole minute
        let seedStarted = ContinuousClock.now
        let published = try await seed(redis: redis, start: now - Int64(hours) * 3_600_000)
        say(String(format: "seed: %d events published in %.1f s; aggregating", published, seconds(ContinuousClock.now - seedStarted)))
        try await waitCaughtUp(redis)
        try await Task.sleep(for: .seconds(2))  // a last checkpoint
        say(String(format: "seed: %d events of %dh × %@ on all 8 feeds through an aggregator in %.1f s", published, hours, assets,
                     seconds(ContinuousClock.now - seedStarted)))
        let year = try await extendOverYear(pg(), now: now)
        say("seed: \(year) synthetic 12h tiles extend the 12h layer over a year (docs/BENCHMARKS.md says how)")
        try await printSizes(pg())

        let gateway = try Gateway(
            configuration: GatewayConfiguration(host: "127.0.0.1", port: port, redisURL: redisURL, postgresURL: postgresURL, poolSize: 4,
                                                session: SessionSettings(searchPath: schema)),
            registry: Observability.bootstrap(), logger: logger)
        let serving = Task { try await gateway.application().run() }
        let listening = Task { try await gateway.listener().run() }
        try await Task.sleep(for: .seconds(1))

        let base = "http://127.0.0.1:\(port)"
        for (name, path) in [("24h merged, all venues", "/v1/heatmap?asset=BTC&window=24h"), ("1y merged, all venues", "/v1/heatmap?asset=BTC&window=1y"),
                             ("levels", "/v1/levels?asset=BTC")] {
            try await firstRequest(name, base + path)
            try wrk(name, base + path, gzip: false)
            try wrk(name + ", gzip", base + path, gzip: true)
        }
        if liveSeconds > 0 { try await liveDelay(redis: redis) }
        serving.cancel()
        listening.cancel()
        aggregating.cancel()
        _ = await aggregating.result
        try await admin.query("DROP SCHEMA \(identifier: schema) CASCADE")
    }

    /// Publishes a simulated market (every feed) that ends now; returns the events published.
    func seed(redis: RedisClient, start: Int64) async throws -> Int {
        let feeds = Feed.allCases
        let config = try SimulationConfig(assets: assets.split(separator: ",").map(String.init), feeds: feeds,
                                          durationMs: Int64(hours) * 3_600_000, seed: 7, startMs: start)
        var sim = Simulator(config: config)
        var sessions = feeds.map { ParseSession(feed: $0, instruments: InstrumentRegistry()) }
        let publisher = try EventPublisher(redis: redis, feed: .binanceUSDM, source: "bench-seed", shards: ShardMap(shards: 1), spoolPath: nil)
        var pending: [NormalizedEvent] = [], total = 0
        while let frame = sim.next() {
            if case .events(let e) = sessions[feeds.firstIndex(of: frame.feed)!].frame(frame.text, recvTs: frame.recvTs) { pending += e }
            if pending.count >= 20_000 {
                try await publisher.publish(pending, now: 0)
                total += pending.count
                pending = []
            }
        }
        try await publisher.publish(pending, now: 0)
        total += pending.count
        try await publisher.flush(now: 0)
        return total
    }

    /// Waits until the aggregator's group has read everything and nothing is pending.
    func waitCaughtUp(_ redis: RedisClient) async throws {
        let key = StreamKeys.events(shard: 0)
        while true {
            try await Task.sleep(for: .milliseconds(200))
            guard let group = try await redis.xinfoGroups(key).first(where: { $0.name == StreamKeys.aggregatorGroup }) else { continue }
            let info = try await redis.xinfoStream(key)
            if group.pending == 0 && group.lastDeliveredID == info.lastGeneratedID { return }
        }
    }

    /// Copies each instrument's latest 12h column (projected and realized) and price across the
    /// three 12h tiles before the current one (768 columns), drifting the rows by a seeded random
    /// walk and scaling the amounts, so a 1 y view has a year of realistic columns to merge.
    func extendOverYear(_ pg: PostgresClient, now: Int64) async throws -> Int {
        let r = TimeResolution.h12
        let current = TimeResolution.tile(ofColumn: r.column(ts: now))
        var written = 0
        var rng = SimRandom(seed: 11)  // the simulator's seeded generator
        for layer in [TileLayer.projected, .realized] {
            let rows = try await pg.query("""
                SELECT venue, instrument, asset, data FROM tiles WHERE layer = \(Int(layer.code)) AND resolution = 7
                UNION ALL SELECT venue, instrument, asset, data FROM projected_columns WHERE resolution = 7 AND \(layer == .projected)
                """).rows
            var latest: [String: (venue: String, instrument: String, asset: String, cells: [(CellKey, CellValue)])] = [:]
            for row in rows {
                let tile = try TileCodec.decode(try row.decode(PGBytes.self, at: 3).bytes)
                guard let top = tile.cells.cells.keys.map(\.column).max() else { continue }
                let id = try row.decode(String.self, at: 0) + "/" + (try row.decode(String.self, at: 1))
                latest[id] = (try row.decode(String.self, at: 0), try row.decode(String.self, at: 1), try row.decode(String.self, at: 2),
                              tile.cells.cells.filter { $0.key.column == top }.map { ($0.key, $0.value) })
            }
            for (_, item) in latest.sorted(by: { $0.key < $1.key }) {
                for index in (current - 3)..<current {
                    var delta = TileDelta.empty
                    var drift: Int32 = 0
                    for offset in 0..<UInt8(255) {
                        drift += Int32(rng.next() % 7) - 3
                        let scale = 0.5 + Double(rng.next() % 1000) / 1000
                        for (key, value) in item.cells {
                            let long = Int64(Double(value.longUSD.micros) * scale), short = Int64(Double(value.shortUSD.micros) * scale)
                            guard long != 0 || short != 0 else { continue }
                            delta.add(CellValue(longUSD: MicroUSD(micros: long), shortUSD: MicroUSD(micros: short),
                                                longCount: value.longCount, shortCount: value.shortCount),
                                      at: CellKey(column: offset, row: key.row + drift, tier: key.tier))
                        }
                    }
                    let key = TileKey(venue: Venue(rawValue: item.venue)!, instrument: item.instrument, layer: layer, resolution: r, tile: index)
                    let bytes = TileCodec.encode(delta, key: key)
                    try await pg.query("""
                        INSERT INTO tiles (venue, instrument, asset, layer, resolution, tile, data, cells)
                        VALUES (\(item.venue), \(item.instrument), \(item.asset), \(Int(layer.code)), 7, \(index), \(PGBytes(bytes)), \(delta.count))
                        ON CONFLICT DO NOTHING
                        """)
                    written += 1
                }
            }
        }
        // The price line and open interest over the same columns.
        let marks = try await pg.query("SELECT DISTINCT ON (venue, instrument) venue, instrument, asset, close, oi_usd FROM market_columns WHERE resolution = 7 ORDER BY venue, instrument, col DESC").rows
        for row in marks {
            var price = try row.decode(Double.self, at: 3)
            let first = TimeResolution.column(tile: current - 3, offset: 0)
            for column in first..<TimeResolution.column(tile: current, offset: 0) {
                price *= 1 + (Double(rng.next() % 2001) - 1000) / 50_000
                try await pg.query("""
                    INSERT INTO market_columns (venue, instrument, asset, resolution, col, close, high, low, oi_usd)
                    VALUES (\(try row.decode(String.self, at: 0)), \(try row.decode(String.self, at: 1)), \(try row.decode(String.self, at: 2)), 7, \(column),
                            \(price), \(price * 1.01), \(price * 0.99), \(try row.decodeIfPresent(Double.self, at: 4)))
                    ON CONFLICT DO NOTHING
                    """)
            }
        }
        return written
    }

    func printSizes(_ pg: PostgresClient) async throws {
        for row in try await pg.query("""
            SELECT 'tiles', layer, resolution, count(*)::bigint, sum(cells)::bigint FROM tiles GROUP BY 2, 3
            UNION ALL SELECT 'projected_columns', 2, resolution, count(*)::bigint, 0 FROM projected_columns GROUP BY 3 ORDER BY 1, 2, 3
            """).rows {
            say("  \(try row.decode(String.self, at: 0)) layer \(try row.decode(Int.self, at: 1)) resolution \(try row.decode(Int.self, at: 2)): \(try row.decode(Int64.self, at: 3)) rows, \(try row.decode(Int64.self, at: 4)) cells")
        }
    }

    /// One request with a cold cache (curl): status, size and time.
    func firstRequest(_ name: String, _ url: String) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{size_download} bytes %{time_total} s", url]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        say("\(name): first request (cold cache): \(output)")
    }

    /// Runs wrk and prints its latency distribution and requests/s.
    func wrk(_ name: String, _ url: String, gzip: Bool) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["wrk", "-t\(threads)", "-c\(connections)", "-d\(seconds)s", "--latency"] + (gzip ? ["-H", "Accept-Encoding: gzip"] : []) + [url]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let keep = output.split(separator: "\n").filter { line in
            ["50%", "90%", "99%", "Requests/sec", "Transfer/sec", "requests in", "Non-2xx", "Socket errors"].contains { line.contains($0) }
        }
        say("wrk \(name) (-t\(threads) -c\(connections) -d\(seconds)s\(gzip ? ", Accept-Encoding: gzip" : "")):")
        for line in keep { say("  " + line.trimmingCharacters(in: .whitespaces)) }
    }

    /// A steady live feed (event time = now) with a liquidation every 50 ms: each commit notifies the
    /// gateway, which pushes a column to the WebSocket client; delay = receipt − the commit's `committed_ms`.
    func liveDelay(redis: RedisClient) async throws {
        let publisher = try EventPublisher(redis: redis, feed: .binanceUSDM, source: "bench-live", shards: ShardMap(shards: 1), spoolPath: nil)
        let delays = DelayLog()
        let client = Task {
            try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)/v1/stream?asset=BTC", configuration: .init(maxFrameSize: 1 << 24), logger: Logger(label: "bench.ws")) { inbound, _, _ in
                for try await message in inbound.messages(maxSize: 1 << 24) {
                    guard case .text(let text) = message else { continue }
                    await delays.saw(String(text.prefix(120)))
                    let at = Date().timeIntervalSince1970 * 1000
                    if text.hasPrefix("{\"type\":\"column\""), let range = text.range(of: "\"committed_ms\":"),
                       let committed = Double(text[range.upperBound...].prefix { $0.isNumber }) {
                        await delays.add(at - committed)
                    }
                }
            }
        }
        try await Task.sleep(for: .seconds(1))
        let start = ContinuousClock.now
        var lastMarker = 0.0, sent = 0
        while ContinuousClock.now - start < .seconds(liveSeconds) {
            let nowMs = Int64(Date().timeIntervalSince1970 * 1000)
            var batch: [NormalizedEvent] = []
            for _ in 0..<(liveRate / 100) {
                sent += 1
                batch.append(NormalizedEvent(venue: .binance, feed: .binanceUSDM, symbol: "BTCUSDT", instrument: "BTC-USDT-PERP", ts: nowMs, recvTs: nowMs,
                                             body: .trade(Trade(id: "live\(sent)", side: sent % 2 == 0 ? .buy : .sell, price: 60_000, qty: 0.01, notionalUSD: 600))))
            }
            if Double(nowMs) - lastMarker >= 50 {
                lastMarker = Double(nowMs)
                batch.append(NormalizedEvent(venue: .binance, feed: .binanceUSDM, symbol: "BTCUSDT", instrument: "BTC-USDT-PERP", ts: nowMs, recvTs: nowMs,
                                             body: .liquidation(Liquidation(side: .long, price: 60_000, qty: 0.001, notionalUSD: 60 + Double(sent % 97)))))
            }
            try await publisher.publish(batch, now: nowMs)
            try await publisher.flush(now: nowMs, interval: 5)
            try await Task.sleep(for: .milliseconds(10))
        }
        try await publisher.flush(now: Int64(Date().timeIntervalSince1970 * 1000))
        try await Task.sleep(for: .seconds(2))
        client.cancel()
        if case .failure(let error) = await client.result { say("live: the WebSocket client failed: \(error)") }
        let seen = await delays.seen
        say("live: \(seen.count) messages; first: \(seen.prefix(3))")
        let all = await delays.values.sorted()
        func q(_ p: Double) -> Double { all.isEmpty ? .nan : all[min(all.count - 1, Int(p * Double(all.count)))] }
        say(String(format: "live: %d events/s for %d s, %d column messages from commit notices; commit → WebSocket client p50 %.1f ms, p99 %.1f ms, max %.1f ms",
                     liveRate, liveSeconds, all.count, q(0.5), q(0.99), all.last ?? .nan))
    }

    func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
}

/// Writes a line to standard output at once (progress shows as it comes, also into a file).
func say(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

/// Delays the live pass collected (ms).
actor DelayLog {
    var values: [Double] = []
    var seen: [String] = []
    func add(_ v: Double) { values.append(v) }
    func saw(_ s: String) { seen.append(s) }
}

import Foundation
import LiqmapChaos
import Hummingbird
import HummingbirdTesting
import LiqmapAggregation
import LiqmapAggregator
import LiqmapCollector
import LiqmapCore
import LiqmapGateway
import LiqmapObservability
import LiqmapPostgres
import LiqmapRedis
import LiqmapStore
import LiqmapTesting
import Logging
import NIOCore
import Testing
import LiqmapWire
import WSClient

/// Messages a test's WebSocket client collected.
actor Collected {
    var messages: [String] = []
    /// Appends and returns the messages so far.
    func add(_ text: String) -> [String] {
        messages.append(text)
        return messages
    }
}

/// The view routes end to end on real servers: an in-process aggregator fills a schema of the test
/// PostgreSQL from a private Redis (market events and liquidations on two venues), then the gateway
/// answers from what it wrote; its live stream is fed by the aggregator's commit notices.
@Suite("Gateway views (real servers)", .serialized, .timeLimit(.minutes(5)))
struct GatewayViewTests {
    static let t0: Int64 = 1_790_000_000_000
    static let minutes = 40

    static func events(venue: Venue, feed: Feed, symbol: String, base: Double, minutes range: Range<Int>) -> [NormalizedEvent] {
        var out: [NormalizedEvent] = []
        for m in range {
            let ts = t0 + Int64(m) * 60_000
            let price = base + Double(m) * 10
            func event(_ at: Int64, _ body: NormalizedEvent.Body) -> NormalizedEvent {
                NormalizedEvent(venue: venue, feed: feed, symbol: symbol, instrument: "BTC-USDT-PERP", ts: at, recvTs: nil, body: body)
            }
            out.append(event(ts, .markPrice(MarkPrice(price: price, indexPrice: nil, fundingRate: nil))))
            for k in 0..<4 {
                out.append(event(ts + Int64(k) * 1_000, .trade(Trade(id: "\(venue)-t\(m)-\(k)", side: k % 2 == 0 ? .buy : .sell, price: price, qty: 2, notionalUSD: price * 2))))
            }
            out.append(event(ts + 30_000, .openInterest(OpenInterest(oiQty: 1_000 + Double(m) * 20, oiUSD: nil))))
            if m % 3 == 0 {
                let usd = 1234.567891 * Double(1 + m % 5)
                out.append(event(ts + 40_000, .liquidation(Liquidation(side: m % 2 == 0 ? .long : .short, price: price, qty: usd / price, notionalUSD: usd))))
            }
        }
        return out
    }

    static func exact(_ events: [NormalizedEvent]) -> (long: Int64, short: Int64) {
        var long: Int64 = 0, short: Int64 = 0
        for e in events {
            guard case .liquidation(let l) = e.body else { continue }
            if l.side == .long { long += MicroUSD(usd: l.notionalUSD)!.micros } else { short += MicroUSD(usd: l.notionalUSD)!.micros }
        }
        return (long, short)
    }

    struct Cluster {
        let servers: PrivateServers
        let schema: TestSchema
        let redis: RedisClient
        let publisher: EventPublisher
        let running: Task<Void, any Error>
        let events: [NormalizedEvent]
    }

    static func cluster() async throws -> Cluster {
        let servers = try PrivateServers()
        try servers.start(.redis)
        let schema = try await TestServers.schema()
        _ = try await Migrator().migrate(schema.client())
        let redis = try RedisClient(url: servers.redisURL)
        let events = Self.events(venue: .binance, feed: .binanceUSDM, symbol: "BTCUSDT", base: 60_000, minutes: 0..<minutes)
            + Self.events(venue: .okx, feed: .okx, symbol: "BTC-USDT-SWAP", base: 60_010, minutes: 0..<minutes)
        let publisher = try EventPublisher(redis: redis, feed: .binanceUSDM, source: "views", shards: ShardMap(shards: 1), spoolPath: nil, maxEvents: 100)
        try await publisher.publish(events, now: 0)
        try await publisher.flush(now: 0)
        var logger = Logger(label: "test.views")
        logger.logLevel = .warning
        var options = AggregatorOptions(shard: 0, shards: 1, consumer: "views")
        options.checkpointSeconds = 0.1
        let aggregator = try ShardAggregator(options: options, redisURL: servers.redisURL, postgres: { schema.client() }, logger: logger)
        let running = Task { try await aggregator.runUntilCancelled() }
        // Generous: under a loaded machine (a build beside the tests) 30 s was not always enough.
        let deadline = ContinuousClock.now + .seconds(120)
        while try await !groupCaughtUp(redis, StreamKeys.events(shard: 0)), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(try await groupCaughtUp(redis, StreamKeys.events(shard: 0)), "the aggregator caught up")
        // The checkpoint after the last read writes the projected columns and the price line.
        try await waitForMarket(schema.client(), atLeast: Int64(2 * (minutes - 2)))
        return Cluster(servers: servers, schema: schema, redis: redis, publisher: publisher, running: running, events: events)
    }

    static func waitForMarket(_ pg: PostgresClient, atLeast wanted: Int64) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            let n = try await pg.query("SELECT count(*)::bigint FROM market_columns WHERE resolution = 1").scalar(Int64.self)
            if n >= wanted { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("the aggregator wrote fewer than \(wanted) market columns in 60 s")
    }

    static func gateway(_ c: Cluster, now: Int64) throws -> Gateway {
        try Gateway(configuration: GatewayConfiguration(port: 0, redisURL: c.servers.redisURL, postgresURL: TestServers.postgresURL, poolSize: 2,
                                                        session: SessionSettings(searchPath: c.schema.name)),
                    registry: Observability.bootstrap(), logger: Logger(label: "test.gateway"), now: { now })
    }

    static func get(_ app: some ApplicationProtocol, _ uri: String, headers: HTTPFields = [:]) async throws -> (Int, [UInt8], HTTPFields) {
        try await app.test(.router) { client in
            try await client.execute(uri: uri, method: .get, headers: headers) { r in (r.status.code, Array(buffer: r.body), r.headers) }
        }
    }

    static func json(_ bytes: [UInt8]) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    static func decimal(_ any: Any?) -> Int64 {
        // JSONSerialization reads numbers as Double/NSNumber; sums below 2^53 µ$ are exact at 6 decimals.
        Int64(((any as? NSNumber)?.doubleValue ?? .nan) * 1e6 .rounded())
    }

    @Test("heatmap, levels, tiles, CSV, PNG and every kind of bad input, from what an aggregator wrote")
    func views() async throws {
        let c = try await Self.cluster()
        defer { c.servers.tearDown() }
        defer { c.running.cancel() }
        let now = Self.t0 + Int64(Self.minutes) * 60_000
        let gw = try Self.gateway(c, now: now)
        let app = gw.application()
        let from = Self.t0, to = now
        let want = Self.exact(c.events)

        // The aggregator wrote the price line and open interest.
        let pg = c.schema.client()
        let markets = try await pg.query("SELECT count(*)::bigint FROM market_columns WHERE resolution = 1").scalar(Int64.self)
        #expect(markets >= Int64(2 * (Self.minutes - 2)), "1m market columns of both venues: \(markets)")

        // Realized heatmap: every merged cell adds up to the input exactly, per side in the rows.
        let (status, body, headers) = try await Self.get(app, "/v1/heatmap?asset=BTC&from=\(from)&to=\(to)&layer=realized&resolution=1m&breakdown=venue")
        #expect(status == 200, "\(String(decoding: body, as: UTF8.self).prefix(300))")
        let h = try Self.json(body)
        let cells = try #require(h["cells"] as? [[Any]])
        let cellMicros = cells.reduce(Int64(0)) { $0 + Self.decimal($1[2]) }
        #expect(cellMicros == want.long + want.short, "cells \(cellMicros) want \(want)")
        let rows = try #require(h["rows"] as? [[String: Any]])
        #expect(rows.reduce(Int64(0)) { $0 + Self.decimal($1["long_usd"]) } == want.long)
        #expect(rows.reduce(Int64(0)) { $0 + Self.decimal($1["short_usd"]) } == want.short)
        #expect((h["venues"] as? [String]) == ["binance", "okx"])
        let venueCells = try #require(h["venue_cells"] as? [String: [[Any]]])
        #expect(venueCells.values.flatMap { $0 }.reduce(Int64(0)) { $0 + Self.decimal($1[2]) } == cellMicros)
        let lastPrice = try #require(h["last_price"] as? [Any])
        #expect(lastPrice.count == Self.minutes + 1)  // t0 is not on a minute boundary: [t0, t0 + 40 min) touches 41 columns
        // Column 5's close is the median of both venues' marks: 60,050 and 60,060.
        #expect((lastPrice[5] as? Double) == 60_055)
        #expect(headers[.eTag] != nil && headers[.contentType]?.hasPrefix("application/json") == true)

        // The same view again with its ETag costs nothing: 304; with gzip accepted, gzip.
        let (again, _, _) = try await Self.get(app, "/v1/heatmap?asset=BTC&from=\(from)&to=\(to)&layer=realized&resolution=1m&breakdown=venue",
                                                headers: [.ifNoneMatch: headers[.eTag]!])
        #expect(again == 304)
        let (_, zipped, zipHeaders) = try await Self.get(app, "/v1/heatmap?asset=BTC&from=\(from)&to=\(to)&layer=projected", headers: [.acceptEncoding: "gzip, br"])
        #expect(zipHeaders[.contentEncoding] == "gzip" && zipped.prefix(2) == [0x1f, 0x8b])

        // Projected: cells exist, filtered by venue and side; leverage tiers are named.
        let (ps, pb, _) = try await Self.get(app, "/v1/heatmap?asset=BTC&from=\(from)&to=\(to)&venues=okx&side=long&leverage=25,50")
        #expect(ps == 200)
        let p = try Self.json(pb)
        #expect((p["venues"] as? [String]) == ["okx"] && (p["leverage"] as? [Int]) == [25, 50] && ((p["cells"] as? [Any])?.count ?? 0) > 0)
        #expect((p["rows"] as? [[String: Any]])?.allSatisfy { Self.decimal($0["short_usd"]) == 0 } == true, "side=long leaves shorts out")

        // CSV: one line per cell; PNG: a PNG.
        let (_, csv, csvHeaders) = try await Self.get(app, "/v1/heatmap?asset=BTC&from=\(from)&to=\(to)&layer=realized&resolution=1m&format=csv")
        #expect(csvHeaders[.contentType]?.hasPrefix("text/csv") == true)
        #expect(String(decoding: csv, as: UTF8.self).split(separator: "\r\n").count == cells.count + 1)
        let (_, png, pngHeaders) = try await Self.get(app, "/v1/heatmap?asset=BTC&from=\(from)&to=\(to)&format=png&width=600&height=300")
        #expect(pngHeaders[.contentType] == "image/png" && png.prefix(8) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])

        // Levels around the last price (the last closed minute's median mark).
        let (ls, lb, _) = try await Self.get(app, "/v1/levels?asset=BTC&range_pct=10")
        #expect(ls == 200)
        let l = try Self.json(lb)
        let last = try #require(l["last_price"] as? Double)
        #expect(last > 60_300 && last < 60_420, "\(last)")
        #expect(((l["bands"] as? [Any])?.count ?? 0) > 0)
        #expect((l["venues"] as? [String]) == ["binance", "okx"])
        #expect((l["open_interest_usd"] as? [String: Double])?["binance"].map { $0 > 1e7 } == true)

        // Tiles: the stored realized 1h tile of binance, in JSON and binary, with ETags.
        let tileIndex = TimeResolution.tile(ofColumn: TimeResolution.h1.column(ts: from))
        let (ts, tb, th) = try await Self.get(app, "/v1/tiles/BTC/binance/realized/1h/\(tileIndex)", headers: [.accept: "application/octet-stream"])
        #expect(ts == 200 && th[.contentType] == "application/octet-stream")
        let decoded = try TileCodec.decode(tb)
        let stored = try await pg.query("SELECT data FROM tiles WHERE venue = 'binance' AND layer = 1 AND resolution = 5 AND tile = \(tileIndex)").rows
        #expect(decoded.cells == (try TileCodec.decode(try stored[0].decode(PGBytes.self, at: 0).bytes)).cells)
        let (t304, _, _) = try await Self.get(app, "/v1/tiles/BTC/binance/realized/1h/\(tileIndex)", headers: [.accept: "application/octet-stream", .ifNoneMatch: th[.eTag]!])
        #expect(t304 == 304)
        let (tj, tjb, _) = try await Self.get(app, "/v1/tiles/BTC/binance/realized/1h/\(tileIndex)")
        let tileJSON = try Self.json(tjb)
        #expect(tj == 200 && (tileJSON["cells"] as? [Any])?.count == decoded.cells.count)
        let (missing, _, _) = try await Self.get(app, "/v1/tiles/BTC/binance/realized/1h/\(tileIndex + 5)")
        #expect(missing == 404)

        // Bad input of every kind: 400 with a message naming the parameter; never a 500.
        for (uri, expected) in [
            ("/v1/heatmap", "asset is required"), ("/v1/heatmap?asset=BTC&window=5h", "window"), ("/v1/heatmap?asset=BTC&layer=x", "layer"),
            ("/v1/heatmap?asset=BTC&venues=ftx", "venue"), ("/v1/heatmap?asset=BTC&window=1y&resolution=1m", "columns"),
            ("/v1/heatmap?asset=BTC&rows=0", "rows"), ("/v1/levels?asset=BTC&bands=1", "bands"), ("/v1/levels", "asset"),
            ("/v1/tiles/BTC/binance/realized/2h/1", "resolution"), ("/v1/tiles/btc/binance/realized/1h/1", "asset"),
            ("/v1/tiles/BTC/binance/realized/1h/x", "tile"), ("/v1/tiles/BTC/nyse/realized/1h/1", "venue"),
        ] {
            let (s, b, _) = try await Self.get(app, uri)
            let text = String(decoding: b, as: UTF8.self)
            #expect(s == 400 && text.contains("\"code\":\"bad_request\"") && text.contains(expected), "\(uri): \(s) \(text)")
        }
        let (upgrade, ub, _) = try await Self.get(app, "/v1/stream?asset=BTC")
        #expect(upgrade == 426 && String(decoding: ub, as: UTF8.self).contains("WebSocket"))
        c.running.cancel()
        _ = await c.running.result
        try await c.schema.drop()
    }

    @Test("the live stream pushes columns and levels as the aggregator commits, with the commit time")
    func liveStream() async throws {
        let c = try await Self.cluster()
        defer { c.servers.tearDown() }
        defer { c.running.cancel() }
        let now = Self.t0 + Int64(Self.minutes + 5) * 60_000
        let gw = try Self.gateway(c, now: now)
        let listener = Task { try await gw.listener().run() }
        defer { listener.cancel() }
        let app = gw.application()
        let received = try await app.test(.live) { client -> [String] in
            let port = try #require(client.port)
            try await Task.sleep(for: .milliseconds(300))  // the listener is LISTENing
            return try await withThrowingTaskGroup(of: [String].self) { group in
                group.addTask {
                    let collected = Collected()
                    try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)/v1/stream?asset=BTC&alert_usd=0&alert_pct=50", configuration: .init(maxFrameSize: 1 << 24), logger: Logger(label: "test.ws")) { inbound, outbound, _ in
                        var sawCommitted = false
                        for try await message in inbound.messages(maxSize: 1 << 24) {
                            guard case .text(let text) = message else { continue }
                            let messages = await collected.add(text)
                            if text.contains("\"type\":\"column\"") && !text.contains("\"committed_ms\":null") { sawCommitted = true }
                            if sawCommitted && messages.contains(where: { $0.contains("\"type\":\"levels\"") }) { break }
                        }
                        _ = outbound
                    }
                    return await collected.messages
                }
                group.addTask {
                    // More minutes arrive: the aggregator commits, PostgreSQL notifies the gateway.
                    try await Task.sleep(for: .milliseconds(500))
                    let more = Self.events(venue: .binance, feed: .binanceUSDM, symbol: "BTCUSDT", base: 60_000, minutes: Self.minutes..<(Self.minutes + 5))
                    try await c.publisher.publish(more, now: 0)
                    try await c.publisher.flush(now: 0)
                    try await Task.sleep(for: .seconds(20))
                    return []
                }
                let first = try await group.next() ?? []
                group.cancelAll()
                return first
            }
        }
        #expect(received.first?.contains("\"type\":\"hello\"") == true, "\(received.prefix(1))")
        let columns = received.filter { $0.contains("\"type\":\"column\"") }
        #expect(columns.contains { !$0.contains("\"committed_ms\":null") }, "a column pushed on a commit notice")
        #expect(received.contains { $0.contains("\"type\":\"levels\"") && $0.contains("\"last_price\":6") })
        listener.cancel()
        c.running.cancel()
        _ = await c.running.result
        try await c.schema.drop()
    }
}

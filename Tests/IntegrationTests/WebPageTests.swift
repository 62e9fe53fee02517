import Foundation
import LiqmapChaos
import Glibc
import Hummingbird
import HummingbirdTesting
import LiqmapAggregator
import LiqmapCollector
import LiqmapCore
import LiqmapExchanges
import LiqmapGateway
import LiqmapObservability
import LiqmapPostgres
import LiqmapRedis
import LiqmapSimulator
import LiqmapStore
import LiqmapTesting
import LiqmapWire
import Logging
import NIOCore
import Testing

/// The page at `GET /` in a real browser: a simulated market goes through the parsers, Redis and an
/// in-process aggregator into a private schema; the gateway serves it on a free port, and headless
/// Chromium loads the page and reports what it drew (`data-drawn`, `data-cells` on `<body>`).
@Suite("Web page (headless Chromium)", .serialized, .timeLimit(.minutes(6)))
struct WebPageTests {
    static let feeds: [Feed] = [.binanceUSDM, .bybitLinear, .okx]

    /// `LIQMAP_CHROMIUM`, else `chromium` or `chromium-browser` on PATH; a missing browser fails the test.
    static func chromium() throws -> String {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["LIQMAP_CHROMIUM"], !path.isEmpty {
            guard FileManager.default.isExecutableFile(atPath: path) else {
                throw HarnessFailure(description: "LIQMAP_CHROMIUM=\(path) is not an executable file")
            }
            return path
        }
        for directory in (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            for name in ["chromium", "chromium-browser"] {
                let candidate = "\(directory)/\(name)"
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
        }
        throw HarnessFailure(description: """
            headless Chromium is needed for the page test and was not found (chromium or chromium-browser on PATH, \
            or LIQMAP_CHROMIUM): run `Deploy/local/services install` (as root), or `apt-get install -y chromium`
            """)
    }

    /// Simulates `minutes` of BTC on three feeds from `start`, parses every frame as the collectors do,
    /// publishes the events to shard 0 of `redisURL`; returns how many were published.
    static func publishSimulatedMarket(redisURL: String, start: Int64, minutes: Int64) async throws -> Int {
        var simulator = Simulator(config: try SimulationConfig(assets: ["BTC"], feeds: feeds, durationMs: minutes * 60_000, seed: 5, startMs: start))
        var registry = InstrumentRegistry()
        for (_, body) in simulator.instrumentBodies() { if let body { _ = try registry.load(body: body) } }
        var sessions = feeds.map { ParseSession(feed: $0, instruments: registry) }
        var events = feeds.map { _ in [NormalizedEvent]() }
        while let frame = simulator.next() {
            let i = feeds.firstIndex(of: frame.feed)!
            if case .events(let parsed) = sessions[i].frame(frame.text, recvTs: frame.recvTs) { events[i] += parsed }
        }
        let redis = try RedisClient(url: redisURL)
        for (i, feed) in feeds.enumerated() {
            let publisher = try EventPublisher(redis: redis, feed: feed, source: "page-\(feed.rawValue)", shards: ShardMap(shards: 1),
                                               spoolPath: nil, maxEvents: 5_000)
            try await publisher.publish(events[i], now: 0)
            try await publisher.flush(now: 0)
        }
        return events.reduce(0) { $0 + $1.count }
    }

    /// Runs Chromium headless on `url` and returns the DOM it printed after the page's scripts ran.
    static func dumpDOM(_ browser: String, url: String, folder: String) async throws -> String {
        let out = folder + "/dom.html", err = folder + "/chromium.log"
        // stdout (the DOM) and stderr (Chromium's own noise) go to different files.
        let argv = ["/bin/sh", "-c", "exec \"$0\" \"$@\" 2>>'\(err)'", browser, "--headless=new", "--no-sandbox", "--disable-gpu",
                    "--disable-dev-shm-usage", "--no-first-run", "--user-data-dir=\(folder)/profile", "--window-size=1280,800",
                    "--virtual-time-budget=15000", "--dump-dom", url]
        let child = try ChildProcess(argv, log: out, truncate: true)
        guard let status = await child.wait(seconds: 120) else {
            await child.killNow()
            throw HarnessFailure(description: "chromium did not finish within 120 s; its log:\n\(Self.tail(err))")
        }
        guard status == 0 else { throw HarnessFailure(description: "chromium exited \(status); its log:\n\(Self.tail(err))") }
        return child.output
    }

    static func tail(_ path: String) -> String {
        String(((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").suffix(3000))
    }

    /// The `data-…` attributes of the `<body>` start tag in serialized HTML.
    static func bodyData(_ dom: String) -> [String: String] {
        guard let start = dom.range(of: "<body"), let end = dom[start.upperBound...].firstIndex(of: ">") else { return [:] }
        var out: [String: String] = [:]
        var rest = dom[start.upperBound..<end]
        while let name = rest.range(of: "data-") {
            guard let eq = rest[name.upperBound...].range(of: "=\"") else { break }
            let key = String(rest[name.upperBound..<eq.lowerBound])
            guard let close = rest[eq.upperBound...].firstIndex(of: "\"") else { break }
            out[key] = String(rest[eq.upperBound..<close])
            rest = rest[rest.index(after: close)...]
        }
        return out
    }

    @Test("GET / draws the heatmap of a simulated market, with cells and the price line, and no error")
    func pageDraws() async throws {
        let browser = try Self.chromium()
        let servers = try PrivateServers()
        defer { servers.tearDown() }
        try servers.start(.redis)
        let schema = try await TestServers.schema()
        _ = try await Migrator().migrate(schema.client())

        // Two simulated hours, on whole minutes, ending half an hour ago.
        let minutes: Int64 = 120
        let start = (WallClock.nowMs() / 60_000 - minutes - 30) * 60_000, end = start + minutes * 60_000
        let published = try await Self.publishSimulatedMarket(redisURL: servers.redisURL, start: start, minutes: minutes)
        #expect(published > 0)

        var logger = Logger(label: "test.page")
        logger.logLevel = .warning
        let aggregator = try ShardAggregator(options: AggregatorOptions(shard: 0, shards: 1, consumer: "page"), redisURL: servers.redisURL,
                                             postgres: { schema.client() }, logger: logger)
        let running = Task { try await aggregator.runUntilCancelled() }
        defer { running.cancel() }
        let redis = try RedisClient(url: servers.redisURL)
        let pg = schema.client()
        let deadline = ContinuousClock.now + .seconds(180)
        var ready = false
        while !ready, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
            let projected = try await pg.query("SELECT (SELECT count(*) FROM projected_columns) + (SELECT count(*) FROM tiles WHERE layer = 2)").scalar(Int64.self)
            let market = try await pg.query("SELECT count(*)::bigint FROM market_columns").scalar(Int64.self)
            ready = try await groupCaughtUp(redis, StreamKeys.events(shard: 0)) && projected > 0 && market > 0
        }
        try #require(ready, "the aggregator wrote projected tiles and market columns for the simulated market")

        // The gateway in-process on a free port, its clock at the end of the simulated span.
        let gateway = try Gateway(configuration: GatewayConfiguration(port: 0, redisURL: servers.redisURL, postgresURL: TestServers.postgresURL,
                                                                       poolSize: 2, session: SessionSettings(searchPath: schema.name)),
                                  registry: Observability.bootstrap(), logger: logger, now: { end })
        let folder = servers.home + "/chromium"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let pages = try await gateway.application().test(.live) { client in
            let port = try #require(client.port)
            let page = try await client.execute(uri: "/", method: .get) { String(buffer: $0.body) }
            let projected = try await Self.dumpDOM(browser, url: "http://127.0.0.1:\(port)/?asset=BTC&from=\(start)&to=\(end)", folder: folder)
            let realized = try await Self.dumpDOM(browser, url: "http://127.0.0.1:\(port)/?asset=BTC&window=12h&layer=realized&scale=absolute",
                                                  folder: folder)
            return (page, projected, realized)
        }
        #expect(pages.0 == WebPage.html)
        // Thresholds in sampled pixels (every 4th of every 4th line of a plot of about 870 × 500 CSS px,
        // some 27,000 samples): the seeded projected view fills thousands, the sparser realized one tens.
        for (name, dom, least) in [("projected, from/to", pages.1, 200), ("realized, window=12h", pages.2, 20)] {
            let data = Self.bodyData(dom)
            #expect(data["error"] == nil, "\(name): the page reported an error: \(data["error"] ?? "")")
            let drawn = Int(data["drawn"] ?? "") ?? -1, cells = Int(data["cells"] ?? "") ?? -1, points = Int(data["price-points"] ?? "") ?? -1
            #expect(cells > 0, "\(name): the heatmap answer had cells (data-cells=\(data["cells"] ?? "missing"))")
            #expect(drawn >= least, "\(name): the canvas is not blank: data-drawn=\(data["drawn"] ?? "missing"), want at least \(least)")
            #expect(points > 0, "\(name): the price line was drawn (data-price-points=\(data["price-points"] ?? "missing"))")
            if data["drawn"] == nil { Issue.record("\(name): chromium's DOM:\n\(dom.prefix(2000))\nlog:\n\(Self.tail(folder + "/chromium.log"))") }
        }
        running.cancel()
        _ = await running.result
        try await schema.drop()
    }
}

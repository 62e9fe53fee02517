import Foundation
import Glibc
import LiqmapAggregation
import LiqmapCore
import LiqmapExchanges
import LiqmapPostgres
import LiqmapRedis
import LiqmapStore
import LiqmapTesting
import LiqmapWire
import Logging

/// The processes of a local cluster on loopback, for one fault run or one test: private Redis and
/// PostgreSQL servers, a simulated market (written as recordings, or served live), and `liqmap`
/// collectors, aggregators and a gateway as real child processes.
public final class ChaosCluster: @unchecked Sendable {
    public let servers: PrivateServers
    public let dir: String
    public let liqmap: String
    public let feeds: [String]
    public let shards: Int
    private let lock = NSLock()
    private var _children: [ChildProcess] = []

    /// Every process started so far.
    public var children: [ChildProcess] { lock.withLock { _children } }

    /// Picks ports and a folder; starts nothing. `executable` is the `liqmap` to run (default: the
    /// one next to the test bundle, or `.build/debug/liqmap`).
    /// `bindExtra` and `redisAOFTmpfs` go to ``PrivateServers``.
    public init(feeds: [String], shards: Int, executable: String? = nil, bindExtra: String? = nil, redisAOFTmpfs: String? = nil) throws {
        self.shards = shards
        servers = try PrivateServers(bindExtra: bindExtra, redisAOFTmpfs: redisAOFTmpfs)
        dir = servers.home + "/cluster"
        self.feeds = feeds
        liqmap = executable ?? ChildProcess.liqmapExecutable
        try FileManager.default.createDirectory(atPath: dir + "/logs", withIntermediateDirectories: true)
        guard FileManager.default.isExecutableFile(atPath: liqmap) else {
            throw HarnessFailure(description: "the liqmap executable is not at \(liqmap): `swift build` builds it")
        }
    }

    /// What every `liqmap` child gets: the private servers, this run's home and shard count.
    public var environment: [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["LIQMAP_REDIS_URL"] = servers.redisURL
        env["LIQMAP_POSTGRES_URL"] = servers.postgresURL
        env["LIQMAP_HOME"] = dir
        env["LIQMAP_CLUSTER_SHARDS"] = String(shards)
        env["LIQMAP_FAILPOINT"] = nil
        return env
    }

    /// Starts both servers and migrates.
    public func start() async throws {
        try servers.start(.redis)
        try servers.start(.postgres)
        var quiet = Logger(label: "liqmap.chaos.migrate")
        quiet.logLevel = .warning
        _ = try await Migrator(logger: quiet).migrate(PostgresClient(conninfo: servers.postgresURL))
    }

    /// Kills every child still running and removes the servers and the folder.
    public func tearDown() {
        for c in children where c.poll() == nil { c.signal(SIGCONT); c.signal(SIGKILL); _ = c.poll() }
        servers.tearDown()
    }

    /// Runs a command to completion; throws with its output when it fails.
    public func run(_ args: [String], log: String) async throws {
        let p = try ChildProcess([liqmap] + args, environment: environment, log: "\(dir)/logs/\(log).log")
        guard let status = await p.wait(seconds: 300), status == 0 else {
            throw HarnessFailure(description: "liqmap \(args.joined(separator: " ")) failed:\n\(p.output.suffix(3000))")
        }
    }

    /// Writes the simulated market's recordings and instrument bodies to `<dir>/sim`.
    public func simulate(assets: String, duration: String, seed: Int) async throws {
        try await run(["simulate", "--out", "\(dir)/sim", "--assets", assets, "--feeds", feeds.joined(separator: ","),
                       "--duration", duration, "--seed", String(seed), "--no-truth"], log: "simulate")
    }

    /// Starts one collector per feed replaying its recording at `speed`.
    public func startCollectors(speed: String) throws -> [ChildProcess] {
        try feeds.map { feed in
            try spawn(["collector", "--feed", feed, "--replay", "\(dir)/sim/\(feed).rec", "--instruments", "\(dir)/sim/\(feed).instruments.json",
                       "--speed", speed, "--source", "\(feed)-replay"], log: "collector-\(feed)")
        }
    }

    /// Serves the simulated market live on loopback (`simulate --serve`, feed i on `portBase + i`),
    /// waiting up to 30 s for a collector on every feed before its clock starts. Its first venue
    /// time is the current minute's start.
    public func serveMarket(assets: String, duration: String, seed: Int, speed: String, portBase: Int) throws -> ChildProcess {
        try spawn(["simulate", "--serve", "--assets", assets, "--feeds", feeds.joined(separator: ","), "--duration", duration,
                   "--seed", String(seed), "--speed", speed, "--port-base", String(portBase), "--wait-for-collectors", "30"],
                  log: "simulator")
    }

    /// Starts one live collector per feed against the served market, each recording what it
    /// receives to `<dir>/live/<feed>.rec` (the oracle's input); `prefix(feed)` wraps its command.
    public func startLiveCollectors(portBase: Int, prefix: (String) -> [String] = { _ in [] }) throws -> [ChildProcess] {
        try FileManager.default.createDirectory(atPath: dir + "/live", withIntermediateDirectories: true)
        return try feeds.enumerated().map { i, feed in
            try spawn(prefix: prefix(feed), ["collector", "--feed", feed, "--endpoint", "ws://127.0.0.1:\(portBase + i)", "--rest-endpoint", "http://127.0.0.1:\(portBase + i)",
                       "--record", "\(dir)/live/\(feed).rec", "--source", "\(feed)-live"], log: "collector-\(feed)")
        }
    }

    /// Starts an aggregator process; with `prefix` (a network namespace's `ip netns exec NS`) it
    /// reaches the servers at `serverHost` instead of 127.0.0.1.
    public func startAggregator(shard: Int, consumer: String, failpoint: String? = nil, leaseSeconds: Int = 5,
                                prefix: [String] = [], serverHost: String? = nil) throws -> ChildProcess {
        var env = environment
        env["LIQMAP_FAILPOINT"] = failpoint
        if let serverHost {
            env["LIQMAP_REDIS_URL"] = servers.redisURL.replacingOccurrences(of: "127.0.0.1", with: serverHost)
            env["LIQMAP_POSTGRES_URL"] = servers.postgresURL.replacingOccurrences(of: "127.0.0.1", with: serverHost)
        }
        return try spawn(prefix: prefix, ["aggregator", "--shard", String(shard), "--shards", String(shards), "--consumer", consumer,
                          "--lease-seconds", String(leaseSeconds), "--checkpoint-seconds", "2"], log: "aggregator-\(consumer)", environment: env)
    }

    /// Starts a `liqmap` child (after `prefix`: a wrapper such as `faketime` or `ip netns exec`)
    /// whose output goes to `<dir>/logs/<log>.log`.
    public func spawn(prefix: [String] = [], _ args: [String], log: String, environment: [String: String]? = nil) throws -> ChildProcess {
        let p = try ChildProcess(prefix + [liqmap] + args, environment: environment ?? self.environment, log: "\(dir)/logs/\(log).log")
        lock.withLock { _children.append(p) }
        return p
    }

    /// What the recordings hold, through the collectors' own parsers, one per identity key: the
    /// realized totals the cluster must end with.
    public func expectedTotals() throws -> RealizedTotals { try expected().totals }

    /// The liquidations and all events in recordings (`<dir>/sim/<feed>.rec` by default, or the live
    /// collectors' `<dir>/live/<feed>.rec`), parsed as the collectors parse them, one per identity key.
    public func expected(recordings folder: String = "sim") throws -> ExpectedMarket {
        var market = ExpectedMarket()
        for name in feeds {
            guard let feed = Feed(rawValue: name) else { continue }
            var registry = InstrumentRegistry()
            _ = registry.load(file: try String(contentsOfFile: "\(dir)/sim/\(name).instruments.json", encoding: .utf8))
            var session = ParseSession(feed: feed, instruments: registry)
            let path = "\(dir)/\(folder)/\(name).rec"
            guard FileManager.default.fileExists(atPath: path) else { continue }
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            let text = String(decoding: data, as: UTF8.self)
            for line in text.split(separator: "\n") {
                guard case .events(let events) = session.line(line) else { continue }
                for e in events { market.add(e) }
            }
        }
        return market
    }

    /// A client of the private PostgreSQL server.
    public func postgres() -> PostgresClient { PostgresClient(conninfo: servers.postgresURL) }

    /// A client of the private Redis server.
    public func redis() throws -> RedisClient { try RedisClient(url: servers.redisURL) }

    /// The realized totals the database holds: from the liquidation rows, and from every realized tile
    /// of each resolution (they must all agree).
    public func storedTotals() async throws -> (rows: RealizedTotals, tiles: [TimeResolution: RealizedTotals]) {
        let pg = postgres()
        var rows = RealizedTotals()
        for r in try await pg.query("SELECT venue, side, sum(usd_micros)::bigint, count(*)::bigint FROM realized_liquidations GROUP BY 1, 2").rows {
            rows.add(venue: try r.decode(String.self, at: 0), side: try r.decode(String.self, at: 1),
                     micros: try r.decode(Int64.self, at: 2), count: Int(try r.decode(Int64.self, at: 3)))
        }
        var tiles: [TimeResolution: RealizedTotals] = [:]
        for r in try await pg.query("SELECT venue, data FROM tiles WHERE layer = 1").rows {
            let venue = try r.decode(String.self, at: 0)
            let tile = try TileCodec.decode(try r.decode(PGBytes.self, at: 1).bytes)
            let total = tile.cells.total
            tiles[tile.resolution, default: RealizedTotals()].add(venue: venue, side: "long", micros: total.longUSD.micros, count: Int(total.longCount))
            tiles[tile.resolution, default: RealizedTotals()].add(venue: venue, side: "short", micros: total.shortUSD.micros, count: Int(total.shortCount))
        }
        for (k, v) in tiles { tiles[k]!.byVenueSide = v.byVenueSide.filter { $0.value.count > 0 } }
        return (rows, tiles)
    }

    /// The stored liquidation rows as `identity key@venue time` (the time their buckets follow).
    public func storedKeys() async throws -> Set<String> {
        var keys = Set<String>()
        for r in try await postgres().query("SELECT event_key || '@' || ts FROM realized_liquidations").rows { keys.insert(try r.decode(String.self, at: 0)) }
        return keys
    }

    /// True when every shard stream has been read to its end by the group and nothing is pending.
    public func quiescent(shards: Int) async throws -> Bool {
        let redis = try redis()
        for shard in 0..<shards where try await !groupCaughtUp(redis, StreamKeys.events(shard: shard)) { return false }
        return true
    }

    /// Entries pending in the aggregators' group over all shards.
    public func pendingEntries(shards: Int) async throws -> Int {
        let redis = try redis()
        var pending = 0
        for shard in 0..<shards {
            pending += try await redis.xinfoGroups(StreamKeys.events(shard: shard)).first { $0.name == StreamKeys.aggregatorGroup }?.pending ?? 0
        }
        return pending
    }

    /// The distinct producer batches (src, seq) in the shard streams, the rows of applied_batches,
    /// and the events those rows carry. A batch re-sent after a lost XADD reply is one batch twice
    /// in a stream and must be one row.
    public func entryCounts(shards: Int) async throws -> (entries: Int, applied: Int, events: Int) {
        let redis = try redis()
        var batches = Set<String>()
        for shard in 0..<shards {
            var start = "-"
            while true {
                let page = try await redis.xrange(StreamKeys.events(shard: shard), start: start, count: 2_000)
                for entry in page {
                    let src = entry["src"].map { String(decoding: $0, as: UTF8.self) } ?? "?"
                    let seq = entry["seq"].map { String(decoding: $0, as: UTF8.self) } ?? "?"
                    batches.insert("\(shard)|\(src)|\(seq)")
                }
                guard page.count == 2_000, let last = page.last else { break }
                start = "(" + last.id
            }
        }
        let row = try await postgres().query("SELECT count(*)::bigint, coalesce(sum(events), 0)::bigint FROM applied_batches").rows[0]
        return (batches.count, Int(try row.decode(Int64.self, at: 0)), Int(try row.decode(Int64.self, at: 1)))
    }

    /// The consumer name and epoch of each shard's current owner.
    public func owners() async throws -> [Int: (owner: String, epoch: Int64)] {
        var out: [Int: (String, Int64)] = [:]
        for r in try await postgres().query("SELECT shard, owner, epoch FROM shard_leases").rows {
            out[try r.decode(Int.self, at: 0)] = (try r.decode(String.self, at: 1), try r.decode(Int64.self, at: 2))
        }
        return out
    }

    /// The tail of every child's output, for a failure message.
    public func logs() -> String {
        children.map { "--- \($0.argv.dropFirst().prefix(6).joined(separator: " ")):\n\($0.output.suffix(1500))" }.joined(separator: "\n")
    }
}

/// True when the aggregators' group has read a stream to its end and has nothing pending.
public func groupCaughtUp(_ redis: RedisClient, _ key: String) async throws -> Bool {
    guard let group = try await redis.xinfoGroups(key).first(where: { $0.name == StreamKeys.aggregatorGroup }) else { return false }
    let info = try await redis.xinfoStream(key)
    return group.pending == 0 && group.lastDeliveredID == info.lastGeneratedID
}

/// A step of a cluster run that failed, with what it printed.
public struct HarnessFailure: Error, CustomStringConvertible {
    public let description: String
    public init(description: String) { self.description = description }
}

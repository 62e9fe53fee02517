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

/// Realized totals per (venue, side): exact micro-dollars and counts.
struct Totals: Equatable, CustomStringConvertible {
    var byVenueSide: [String: (micros: Int64, count: Int)] = [:]

    mutating func add(venue: String, side: String, micros: Int64, count: Int = 1) {
        let k = "\(venue)/\(side)"
        let old = byVenueSide[k] ?? (0, 0)
        byVenueSide[k] = (old.micros + micros, old.count + count)
    }

    static func == (a: Totals, b: Totals) -> Bool {
        a.byVenueSide.count == b.byVenueSide.count
            && a.byVenueSide.allSatisfy { k, v in b.byVenueSide[k].map { $0.micros == v.micros && $0.count == v.count } ?? false }
    }

    var description: String {
        byVenueSide.keys.sorted().map { "\($0)=\(byVenueSide[$0]!.micros)µ$/\(byVenueSide[$0]!.count)" }.joined(separator: " ")
    }
    var count: Int { byVenueSide.values.reduce(0) { $0 + $1.count } }
}

/// The processes of a local cluster for one test: private Redis and PostgreSQL, a simulated market
/// written as recordings, and `liqmap` collectors and aggregators as real child processes.
final class ClusterHarness: @unchecked Sendable {
    let servers: PrivateServers
    let dir: String
    let liqmap = ChildProcess.liqmapExecutable
    let feeds: [String]
    let shards: Int
    var children: [ChildProcess] = []

    init(feeds: [String], shards: Int) throws {
        self.shards = shards
        servers = try PrivateServers()
        dir = servers.home + "/cluster"
        self.feeds = feeds
        try FileManager.default.createDirectory(atPath: dir + "/logs", withIntermediateDirectories: true)
        guard FileManager.default.isExecutableFile(atPath: liqmap) else {
            throw HarnessFailure(description: "the liqmap executable is not at \(liqmap): `swift build` builds it")
        }
    }

    var environment: [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["LIQMAP_REDIS_URL"] = servers.redisURL
        env["LIQMAP_POSTGRES_URL"] = servers.postgresURL
        env["LIQMAP_HOME"] = dir
        env["LIQMAP_CLUSTER_SHARDS"] = String(shards)
        env["LIQMAP_FAILPOINT"] = nil
        return env
    }

    func start() async throws {
        try servers.start(.redis)
        try servers.start(.postgres)
        _ = try await Migrator().migrate(PostgresClient(conninfo: servers.postgresURL))
    }

    func tearDown() {
        for c in children where c.poll() == nil { c.signal(SIGKILL); _ = c.poll() }
        servers.tearDown()
    }

    /// Runs a command to completion; throws with its output when it fails.
    func run(_ args: [String], log: String) async throws {
        let p = try ChildProcess([liqmap] + args, environment: environment, log: "\(dir)/logs/\(log).log")
        guard let status = await p.wait(seconds: 300), status == 0 else {
            throw HarnessFailure(description: "liqmap \(args.joined(separator: " ")) failed:\n\(p.output.suffix(3000))")
        }
    }

    /// Writes the simulated market's recordings.
    func simulate(assets: String, duration: String, seed: Int) async throws {
        try await run(["simulate", "--out", "\(dir)/sim", "--assets", assets, "--feeds", feeds.joined(separator: ","),
                       "--duration", duration, "--seed", String(seed), "--no-truth"], log: "simulate")
    }

    /// Starts one collector per feed replaying its recording at `speed`.
    func startCollectors(speed: String) throws -> [ChildProcess] {
        try feeds.map { feed in
            try spawn(["collector", "--feed", feed, "--replay", "\(dir)/sim/\(feed).rec", "--instruments", "\(dir)/sim/\(feed).instruments.json",
                       "--speed", speed, "--source", "\(feed)-replay"], log: "collector-\(feed)")
        }
    }

    /// Starts an aggregator process.
    func startAggregator(shard: Int, consumer: String, failpoint: String? = nil, leaseSeconds: Int = 5) throws -> ChildProcess {
        var env = environment
        env["LIQMAP_FAILPOINT"] = failpoint
        return try spawn(["aggregator", "--shard", String(shard), "--shards", String(shards), "--consumer", consumer,
                          "--lease-seconds", String(leaseSeconds), "--checkpoint-seconds", "2"], log: "aggregator-\(consumer)", environment: env)
    }

    func spawn(_ args: [String], log: String, environment: [String: String]? = nil) throws -> ChildProcess {
        let p = try ChildProcess([liqmap] + args, environment: environment ?? self.environment, log: "\(dir)/logs/\(log).log")
        children.append(p)
        return p
    }

    /// What the recordings hold, through the collectors' own parsers, one per identity key: the
    /// realized totals the cluster must end with.
    func expectedTotals() throws -> Totals {
        var totals = Totals()
        var seen = Set<String>()
        for name in feeds {
            guard let feed = Feed(rawValue: name) else { continue }
            var registry = InstrumentRegistry()
            _ = registry.load(file: try String(contentsOfFile: "\(dir)/sim/\(name).instruments.json", encoding: .utf8))
            var session = ParseSession(feed: feed, instruments: registry)
            let text = try String(contentsOfFile: "\(dir)/sim/\(name).rec", encoding: .utf8)
            for line in text.split(separator: "\n") {
                guard case .events(let events) = session.line(line) else { continue }
                for e in events {
                    guard case .liquidation(let l) = e.body, seen.insert(e.identityKey).inserted else { continue }
                    totals.add(venue: e.venue.rawValue, side: l.side.rawValue, micros: MicroUSD(usd: l.notionalUSD)!.micros)
                }
            }
        }
        return totals
    }

    func postgres() -> PostgresClient { PostgresClient(conninfo: servers.postgresURL) }

    /// The realized totals the database holds: from the liquidation rows, and from every realized tile
    /// of each resolution (they must all agree).
    func storedTotals() async throws -> (rows: Totals, tiles: [TimeResolution: Totals]) {
        let pg = postgres()
        var rows = Totals()
        for r in try await pg.query("SELECT venue, side, sum(usd_micros)::bigint, count(*)::bigint FROM realized_liquidations GROUP BY 1, 2").rows {
            rows.add(venue: try r.decode(String.self, at: 0), side: try r.decode(String.self, at: 1),
                     micros: try r.decode(Int64.self, at: 2), count: Int(try r.decode(Int64.self, at: 3)))
        }
        var tiles: [TimeResolution: Totals] = [:]
        for r in try await pg.query("SELECT venue, data FROM tiles WHERE layer = 1").rows {
            let venue = try r.decode(String.self, at: 0)
            let tile = try TileCodec.decode(try r.decode(PGBytes.self, at: 1).bytes)
            let total = tile.cells.total
            tiles[tile.resolution, default: Totals()].add(venue: venue, side: "long", micros: total.longUSD.micros, count: Int(total.longCount))
            tiles[tile.resolution, default: Totals()].add(venue: venue, side: "short", micros: total.shortUSD.micros, count: Int(total.shortCount))
        }
        for (k, v) in tiles { tiles[k]!.byVenueSide = v.byVenueSide.filter { $0.value.count > 0 } }
        return (rows, tiles)
    }

    /// True when every shard stream has been read to its end by the group and nothing is pending.
    func quiescent(shards: Int) async throws -> Bool {
        let redis = try RedisClient(url: servers.redisURL)
        for shard in 0..<shards where try await !groupCaughtUp(redis, StreamKeys.events(shard: shard)) { return false }
        return true
    }

    /// Stream entries over all shards, and the rows of applied_batches.
    func entryCounts(shards: Int) async throws -> (entries: Int, applied: Int) {
        let redis = try RedisClient(url: servers.redisURL)
        var entries = 0
        for shard in 0..<shards { entries += try await redis.xinfoStream(StreamKeys.events(shard: shard)).length }
        let applied = try await postgres().query("SELECT count(*)::bigint FROM applied_batches").scalar(Int64.self)
        return (entries, Int(applied))
    }

    /// The consumer name of each shard's current owner.
    func owners() async throws -> [Int: (owner: String, epoch: Int64)] {
        var out: [Int: (String, Int64)] = [:]
        for r in try await postgres().query("SELECT shard, owner, epoch FROM shard_leases").rows {
            out[try r.decode(Int.self, at: 0)] = (try r.decode(String.self, at: 1), try r.decode(Int64.self, at: 2))
        }
        return out
    }

    func logs() -> String {
        children.map { "--- \($0.argv.dropFirst().prefix(6).joined(separator: " ")):\n\($0.output.suffix(1500))" }.joined(separator: "\n")
    }
}

/// True when the aggregators' group has read a stream to its end and has nothing pending.
func groupCaughtUp(_ redis: RedisClient, _ key: String) async throws -> Bool {
    guard let group = try await redis.xinfoGroups(key).first(where: { $0.name == StreamKeys.aggregatorGroup }) else { return false }
    let info = try await redis.xinfoStream(key)
    return group.pending == 0 && group.lastDeliveredID == info.lastGeneratedID
}

struct HarnessFailure: Error, CustomStringConvertible {
    let description: String
}

import Foundation
import LiqmapChaos
import Glibc
import LiqmapPostgres
import LiqmapRedis
import LiqmapRegistry
import LiqmapStatus
import LiqmapTesting
import LiqmapWire
import Testing

/// `liqmap reshard` on a running cluster of processes: collectors replaying a simulated market at
/// speed while the cluster grows from 2 shards to 3 and then shrinks to 1. The oracle: realized
/// totals per venue and side equal the input exactly, in the rows and in every resolution's tiles.
@Suite("Resharding (processes)", .serialized, .timeLimit(.minutes(6)))
struct ReshardTests {
    @Test("2 → 3 → 1 shards while collectors publish: totals exact, nothing pending, removed shards' aggregators stop by themselves")
    func growThenShrink() async throws {
        let cluster = try ClusterHarness(feeds: ["binance-usdm", "bybit-linear", "okx"], shards: 2)
        defer { cluster.tearDown() }
        try await cluster.start()
        try await cluster.simulate(assets: "BTC,ETH", duration: "20m", seed: 23)
        let expected = try cluster.expectedTotals()
        #expect(expected.count > 50, "the market has liquidations to count: \(expected)")

        var aggregators: [String: ChildProcess] = [:]
        for shard in 0..<2 { for k in ["a", "b"] { aggregators["s\(shard)\(k)"] = try cluster.startAggregator(shard: shard, consumer: "s\(shard)\(k)") } }
        let collectors = try cluster.startCollectors(speed: "12")
        try await Task.sleep(for: .seconds(12))

        // Grow: 2 → 3 while events flow.
        try await cluster.run(["reshard", "--to", "3"], log: "reshard-3")
        print("reshard 2 → 3: \((try? String(contentsOfFile: "\(cluster.dir)/logs/reshard-3.log", encoding: .utf8))?.split(separator: "\n").first { $0.hasPrefix("resharded") } ?? "?")")
        let redis = try RedisClient(url: cluster.servers.redisURL)
        #expect(try await ShardLayoutStore.read(redis) == ShardLayout(shards: 3, generation: 2, state: .active))
        var env3 = cluster.environment
        env3["LIQMAP_CLUSTER_SHARDS"] = "3"
        for k in ["a", "b"] {
            aggregators["s2\(k)"] = try cluster.spawn(["aggregator", "--shard", "2", "--shards", "3", "--consumer", "s2\(k)", "--lease-seconds", "5",
                                                       "--checkpoint-seconds", "2"], log: "aggregator-s2\(k)", environment: env3)
        }
        try await Task.sleep(for: .seconds(12))
        #expect(try await redis.xinfoStream(StreamKeys.events(shard: 2)).length > 0, "the collectors publish to the new shard")

        // Shrink: 3 → 1 while events flow.
        try await cluster.run(["reshard", "--to", "1"], log: "reshard-1")
        print("reshard 3 → 1: \((try? String(contentsOfFile: "\(cluster.dir)/logs/reshard-1.log", encoding: .utf8))?.split(separator: "\n").first { $0.hasPrefix("resharded") } ?? "?")")
        #expect(try await ShardLayoutStore.read(redis) == ShardLayout(shards: 1, generation: 3, state: .active))
        for name in ["s1a", "s1b", "s2a", "s2b"] {
            let p = try #require(aggregators[name])
            let status = await p.wait(seconds: 30)
            #expect(status == 0, "\(name) stops by itself once its shard is gone (status \(status.map(String.init) ?? "running")):\n\(p.output.suffix(1500))")
        }
        for c in collectors {
            guard let status = await c.wait(seconds: 240), status == 0 else {
                Issue.record("a collector did not finish its replay:\n\(cluster.logs())")
                return
            }
        }
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline, try await !cluster.quiescent(shards: 1) { try await Task.sleep(for: .milliseconds(250)) }
        #expect(try await cluster.quiescent(shards: 1), "shard 0 read to the end, nothing pending")
        #expect(try await redis.send(["EXISTS", RedisArgument(StreamKeys.events(shard: 1)), RedisArgument(StreamKeys.events(shard: 2))]).int == 0,
                "the removed shards' streams were read to the end and deleted")

        let stored = try await cluster.storedTotals()
        #expect(stored.rows == expected, "rows \(stored.rows) want \(expected)\n\(cluster.logs().suffix(3000))")
        for (resolution, totals) in stored.tiles { #expect(totals == expected, "\(resolution) tiles \(totals)") }
        let progress = try await cluster.postgres().query("SELECT shard, shards FROM shard_progress ORDER BY shard").rows
        #expect(try progress.map { [try $0.decode(Int.self, at: 0), try $0.decode(Int.self, at: 1)] } == [[0, 1]])
        for p in aggregators.values where p.poll() == nil { p.signal(SIGTERM) }
    }
}

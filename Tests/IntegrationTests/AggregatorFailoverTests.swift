import Foundation
import LiqmapChaos
import Glibc
import LiqmapAggregation
import LiqmapAggregator
import LiqmapPostgres
import LiqmapTesting
import Testing

/// The aggregators as an operator runs them: real `liqmap` processes, two per shard, fed by
/// collectors replaying a simulated market, on private Redis and PostgreSQL servers; owners killed
/// and paused on purpose. The oracle: realized totals per venue and side equal the sum of the input
/// events exactly, every stream entry is applied once, nothing is left pending.
@Suite("Aggregator failover (processes)", .serialized, .timeLimit(.minutes(6)))
struct AggregatorFailoverTests {
    @Test("kill -9 of a shard owner at 20 random instants, standbys take over: totals exact, nothing pending")
    func killNineTwentyTimes() async throws {
        let cluster = try ClusterHarness(feeds: ["binance-usdm", "bybit-linear", "okx"], shards: 2)
        defer { cluster.tearDown() }
        try await cluster.start()
        try await cluster.simulate(assets: "BTC,ETH,SOL", duration: "30m", seed: 17)
        let expected = try cluster.expectedTotals()
        #expect(expected.count > 100, "the market has liquidations to count: \(expected)")

        let shards = 2
        // Two processes per shard; half of them also die at random between COMMIT and XACK.
        var generation = 0
        func start(_ shard: Int) throws -> (String, ChildProcess) {
            generation += 1
            let name = "s\(shard)-p\(generation)"
            let failpoint = generation % 2 == 0 ? "after_commit_before_ack@0.02" : nil
            return (name, try cluster.startAggregator(shard: shard, consumer: name, failpoint: failpoint))
        }
        var running: [Int: [(String, ChildProcess)]] = [:]
        for shard in 0..<shards { running[shard] = [try start(shard), try start(shard)] }
        let collectors = try cluster.startCollectors(speed: "40")

        var rng = SystemRandomNumberGenerator()
        var kills = 0, takeoverTimes: [Double] = []
        let started = ContinuousClock.now
        while kills < 20, ContinuousClock.now - started < .seconds(150) {
            try await Task.sleep(for: .milliseconds(Int.random(in: 300...2_500, using: &rng)))
            // Replace processes that died by themselves (the failpoint).
            for shard in 0..<shards {
                running[shard] = running[shard]!.filter { $0.1.poll() == nil }
                while running[shard]!.count < 2 { running[shard]!.append(try start(shard)) }
            }
            let shard = Int.random(in: 0..<shards, using: &rng)
            guard let (owner, epoch) = try await cluster.owners()[shard],
                  let victim = running[shard]!.first(where: { $0.0 == owner }) else { continue }
            await victim.1.killNow()
            kills += 1
            running[shard]!.removeAll { $0.0 == owner }
            running[shard]!.append(try start(shard))
            let killedAt = ContinuousClock.now
            while ContinuousClock.now - killedAt < .seconds(15) {
                if let now = try await cluster.owners()[shard], now.epoch > epoch, now.owner != owner { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            let took = ContinuousClock.now - killedAt
            takeoverTimes.append(Double(took.components.seconds) + Double(took.components.attoseconds) / 1e18)
        }
        for c in collectors { #expect(await c.wait(seconds: 120) == 0, "collector finished: \(c.output.suffix(500))") }
        var quiet = false
        let deadline = ContinuousClock.now + .seconds(90)
        while ContinuousClock.now < deadline {
            for shard in 0..<shards where running[shard]!.allSatisfy({ $0.1.poll() != nil }) { running[shard]!.append(try start(shard)) }
            if try await cluster.quiescent(shards: shards) { quiet = true; break }
            try await Task.sleep(for: .milliseconds(250))
        }
        let failpointDeaths = cluster.children.filter { $0.output.contains("failpoint after_commit_before_ack") }.count
        let stored = try await cluster.storedTotals()
        let counts = try await cluster.entryCounts(shards: shards)
        #expect(kills == 20, "20 owners killed")
        #expect(quiet, "every entry read and acknowledged, none pending\n\(cluster.logs())")
        #expect(stored.rows == expected, "realized rows: \(stored.rows)\nexpected:      \(expected)")
        for resolution in TimeResolution.allCases {
            #expect(stored.tiles[resolution] == expected, "\(resolution.rawValue) tiles: \(stored.tiles[resolution].map(\.description) ?? "none")")
        }
        #expect(counts.entries == counts.applied, "each of \(counts.entries) stream entries applied once (applied_batches: \(counts.applied))")
        #expect(takeoverTimes.allSatisfy { $0 < 10 }, "takeovers within 10 s: \(takeoverTimes)")
        print("kill -9 ×\(kills), failpoint deaths between commit and ack: \(failpointDeaths), takeover seconds: max \(takeoverTimes.max() ?? 0), events \(expected.count) liquidations")
    }

    @Test("an owner paused (SIGSTOP) past the takeover is fenced, or stands down, when it resumes; nothing is double-counted")
    func pausedOwnerIsFenced() async throws {
        let cluster = try ClusterHarness(feeds: ["binance-usdm", "bybit-linear"], shards: 1)
        defer { cluster.tearDown() }
        try await cluster.start()
        try await cluster.simulate(assets: "BTC,ETH", duration: "30m", seed: 5)
        let expected = try cluster.expectedTotals()

        let a = try cluster.startAggregator(shard: 0, consumer: "a", leaseSeconds: 2)
        var owners: [Int: (owner: String, epoch: Int64)] = [:]
        for _ in 0..<200 where owners[0]?.owner != "a" {
            try await Task.sleep(for: .milliseconds(50))
            owners = try await cluster.owners()
        }
        #expect(owners[0]?.owner == "a", "a owns the shard first")
        let b = try cluster.startAggregator(shard: 0, consumer: "b", leaseSeconds: 2)
        let collectors = try cluster.startCollectors(speed: "30")
        try await Task.sleep(for: .seconds(3))

        a.signal(SIGSTOP)
        let pausedAt = ContinuousClock.now
        var tookOver = false
        while ContinuousClock.now - pausedAt < .seconds(20) {
            if let now = try await cluster.owners()[0], now.owner == "b" { tookOver = true; break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(tookOver, "b took over while a was paused\n\(cluster.logs())")
        try await Task.sleep(for: .seconds(2))  // entries keep arriving; a's blocked read is answered meanwhile
        a.signal(SIGCONT)
        // Either its write in flight hits the epoch fence, or it finds its lease gone before it
        // writes and gives the shard up (which wins is a race on resume); it never commits.
        var stoodDown = false
        let resumedAt = ContinuousClock.now
        while ContinuousClock.now - resumedAt < .seconds(15) {
            if a.output.contains(AggregatorLog.fenced) || a.output.contains(AggregatorLog.gaveUp) { stoodDown = true; break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(stoodDown, "a's next write was rejected by the fence, or a gave the shard up first\n\(a.output.suffix(2000))")

        for c in collectors { #expect(await c.wait(seconds: 120) == 0) }
        var quiet = false
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if try await cluster.quiescent(shards: 1) { quiet = true; break }
            try await Task.sleep(for: .milliseconds(250))
        }
        let stored = try await cluster.storedTotals()
        let counts = try await cluster.entryCounts(shards: 1)
        #expect(quiet, "nothing left pending (b claims what a read and could not commit)\n\(cluster.logs())")
        #expect(stored.rows == expected, "realized rows: \(stored.rows)\nexpected:      \(expected)\n\(cluster.logs())")
        #expect(stored.tiles[.m1] == expected && stored.tiles[.h12] == expected, "tiles agree with the rows")
        #expect(counts.entries == counts.applied, "each stream entry applied once")
        let alarms = try await cluster.postgres().query("SELECT count(*)::bigint FROM shard_alarms WHERE kind = 'pel_deleted'").scalar(Int64.self)
        #expect(alarms == 0, "no pending entry was lost")
        b.signal(SIGTERM)
        #expect(await b.wait(seconds: 20) == 0, "b stops cleanly on SIGTERM")
    }
}

import Foundation
import LiqmapChaos
import Glibc
import LiqmapStatus
import LiqmapTesting
import Testing

/// `liqmap status` against a running cluster of real processes (a served simulated market, two live
/// collectors, two shards with an owner and a standby each, a gateway), in each state it reports.
@Suite("liqmap status against a running cluster (processes)", .serialized, .timeLimit(.minutes(5)))
struct StatusCommandTests {
    struct Cluster {
        let harness: ClusterHarness
        let gatewayURL: String
        var collectors: [String: ChildProcess] = [:]
        var aggregators: [String: ChildProcess] = [:]

        /// Runs `liqmap status --json` and decodes its report; returns it with the exit status.
        func status(_ extra: [String] = []) async throws -> (report: StatusReport, exit: Int32) {
            // The market is served at ×5: its venue clock runs ahead of the wall clock, so the collectors'
            // clock offsets are not this machine's (the clock rule has its own unit tests).
            let p = try ChildProcess([harness.liqmap, "status", "--json", "--gateway", gatewayURL, "--stale-seconds", "4", "--max-clock-offset", "1000000"] + extra,
                                     environment: harness.environment, log: "\(harness.dir)/logs/status-\(UUID().uuidString.prefix(8)).log")
            guard let exit = await p.wait(seconds: 30) else { throw HarnessFailure(description: "liqmap status did not finish") }
            // The log holds stdout and stderr: the pretty JSON is the lines from "{" to "}".
            let text = p.output
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            guard let start = lines.firstIndex(of: "{"), let end = lines.lastIndex(of: "}"), start < end else {
                throw HarnessFailure(description: "no JSON from liqmap status (exit \(exit)):\n\(text.suffix(2000))")
            }
            return (try StatusJSON.decode(StatusReport.self, from: Data(lines[start...end].joined(separator: "\n").utf8)), exit)
        }

        /// Polls status until `condition` holds (up to `seconds`); the last report when it never does.
        func until(_ what: String, seconds: Double = 60, _ extra: [String] = [], _ condition: (StatusReport, Int32) -> Bool) async throws -> (StatusReport, Int32) {
            let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
            var last = try await status(extra)
            while !condition(last.report, last.exit), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(500))
                last = try await status(extra)
            }
            if !condition(last.report, last.exit) {
                Issue.record("status never showed \(what); last (exit \(last.exit)): \(last.report.problems)\n\(harness.logs().suffix(4000))")
            }
            return last
        }
    }

    func startCluster() async throws -> Cluster {
        let harness = try ClusterHarness(feeds: ["okx", "bitmex"], shards: 2)
        try await harness.start()
        let simBase = Int.random(in: 21_000...27_000)
        let gatewayPort = Int.random(in: 27_001...29_000)
        _ = try harness.spawn(["simulate", "--serve", "--assets", "BTC,ETH", "--feeds", "okx,bitmex", "--duration", "2h", "--seed", "5",
                               "--port-base", String(simBase), "--speed", "5", "--wait-for-collectors", "20"], log: "simulator")
        try await Task.sleep(for: .seconds(1))
        var cluster = Cluster(harness: harness, gatewayURL: "http://127.0.0.1:\(gatewayPort)")
        for (i, feed) in harness.feeds.enumerated() {
            cluster.collectors[feed] = try harness.spawn(["collector", "--feed", feed, "--endpoint", "ws://127.0.0.1:\(simBase + i)",
                                                          "--rest-endpoint", "http://127.0.0.1:\(simBase + i)", "--source", "\(feed)-status"],
                                                         log: "collector-\(feed)")
        }
        for shard in 0..<2 {
            for k in ["a", "b"] {
                cluster.aggregators["s\(shard)\(k)"] = try harness.startAggregator(shard: shard, consumer: "s\(shard)\(k)", leaseSeconds: 2)
            }
        }
        _ = try harness.spawn(["gateway", "--port", String(gatewayPort)], log: "gateway")
        return cluster
    }

    @Test("healthy; a standby taking over after kill -9 of an owner; a lagging shard; a dead collector; a clean stop deregisters")
    func everyState() async throws {
        let cluster = try await startCluster()
        defer { cluster.harness.tearDown() }

        // 1. Healthy: every collector connected and delivering, every shard owned with a standby, the gateway ready.
        let (healthy, healthyExit) = try await cluster.until("a healthy cluster", seconds: 90) { r, exit in
            exit == 0 && r.problems.isEmpty && r.collectors.count == 2 && r.collectors.allSatisfy { $0.state == "connected" && $0.lastFrameAgeSeconds != nil }
        }
        #expect(healthyExit == 0)
        #expect(Set(healthy.collectors.map(\.feed)) == ["okx", "bitmex"])
        #expect(healthy.shards.map(\.shard) == [0, 1])
        #expect(healthy.shards.allSatisfy { $0.owner != nil && $0.standbys.count == 1 && $0.health == .ok })
        #expect(healthy.gateways.count == 1 && healthy.gateways[0].ready && healthy.gateways[0].url == cluster.gatewayURL)

        // 2. A standby taking over: kill -9 the owner of shard 0.
        let owner0 = try #require(healthy.shards[0].owner), epoch0 = try #require(healthy.shards[0].epoch)
        let standby0 = try #require(healthy.shards[0].standbys.first)
        try #require(cluster.aggregators[owner0]).signal(SIGKILL)
        let (taken, takenExit) = try await cluster.until("the standby owning shard 0", seconds: 40) { r, _ in
            r.shards[0].owner == standby0 && (r.shards[0].epoch ?? 0) > epoch0 && r.shards[0].health != .fail
        }
        #expect(takenExit == 0, "a completed takeover is healthy (warnings only): \(taken.problems)")
        #expect(taken.shards[0].tookOverSecondsAgo != nil)
        #expect(taken.shards[0].findings.contains { $0.message.hasPrefix("taken over") && $0.message.contains("by \(standby0)") })
        #expect(taken.shards[0].findings.contains { $0.health == .warn && $0.message.hasPrefix("no standby") })
        let (deadOwner, _) = try await cluster.until("the killed owner reported dead") { r, _ in
            r.shards[0].processes.contains { $0.instance == owner0 && $0.role == "dead" }
        }
        #expect(deadOwner.shards[0].findings.contains { $0.message.hasPrefix("\(owner0) (owner) is dead") })

        // 3. A lagging shard: pause both processes of shard 1 while the collectors keep publishing.
        //    (--stale-seconds 60 keeps the paused owner counted as alive: this is lag, not a lost owner.)
        let shard1 = ["s1a", "s1b"].compactMap { cluster.aggregators[$0] }
        for p in shard1 { p.signal(SIGSTOP) }
        let (lagging, laggingExit) = try await cluster.until("shard 1 lagging", seconds: 30, ["--stale-seconds", "60", "--max-lag", "20"]) { r, _ in
            r.shards[1].findings.contains { $0.message.hasPrefix("lagging:") }
        }
        #expect(laggingExit == 1)
        #expect((lagging.shards[1].lag ?? 0) > 20 && lagging.shards[1].health == .fail)
        #expect(!lagging.shards[0].findings.contains { $0.message.hasPrefix("lagging:") }, "shard 0 keeps up")
        for p in shard1 { p.signal(SIGCONT) }
        _ = try await cluster.until("shard 1 caught up", seconds: 60, ["--max-lag", "20"]) { r, _ in
            (r.shards[1].lag ?? 0) <= 20 && r.shards[1].owner != nil && !r.shards[1].findings.contains { $0.health == .fail }
        }

        // 4. A dead collector: kill -9 leaves its registration behind, unrenewed.
        try #require(cluster.collectors["okx"]).signal(SIGKILL)
        let (dead, deadExit) = try await cluster.until("the okx collector dead") { r, _ in
            r.collectors.contains { $0.feed == "okx" && $0.state == "dead" }
        }
        #expect(deadExit == 1)
        #expect(dead.problems.contains { $0.health == .fail && $0.component.hasPrefix("collector okx") && $0.message.hasPrefix("dead: no beat") })
        #expect(dead.collectors.contains { $0.feed == "bitmex" && $0.alive && $0.health == .ok })

        // 5. A clean stop (SIGTERM) removes the registration: nothing is reported dead for it.
        let bitmex = try #require(cluster.collectors["bitmex"])
        bitmex.signal(SIGTERM)
        #expect(await bitmex.wait(seconds: 20) == 0)
        let (after, _) = try await cluster.status()
        #expect(!after.collectors.contains { $0.feed == "bitmex" }, "a collector stopped cleanly deregisters: \(after.collectors.map(\.instance))")
    }
}

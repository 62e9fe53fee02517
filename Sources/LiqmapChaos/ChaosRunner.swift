import Foundation
import Glibc
import LiqmapCollector
import LiqmapTesting

/// Runs a scenario once: starts a private cluster on loopback, feeds it a seeded simulated market,
/// lets the scenario inject its fault, waits for quiescence and asks the oracle.
public struct ChaosRunner: Sendable {
    /// The `liqmap` to run as collectors, aggregators and gateway.
    public var executable: String
    /// Where to copy a failed run's logs (nil: not kept).
    public var keepFailed: String?
    /// The commit the binary was built from, written into each record.
    public var commit: String?
    /// Progress lines.
    public var log: @Sendable (String) -> Void

    public init(executable: String, keepFailed: String? = nil, commit: String? = nil, log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.executable = executable
        self.keepFailed = keepFailed
        self.commit = commit
        self.log = log
    }

    public func run(_ scenario: any ChaosScenario, seed: UInt64) async throws -> RunRecord {
        let plan = scenario.plan
        let begun = ContinuousClock.now
        let started = ISO8601DateFormatter().string(from: Date())
        let network = plan.networkLab ? try NetworkLab(dir: NSTemporaryDirectory()) : nil
        defer { network?.tearDown() }
        let cluster = try ChaosCluster(feeds: plan.feeds, shards: plan.shards, executable: executable,
                                       bindExtra: network?.serverAddress, redisAOFTmpfs: plan.redisAOFTmpfs)
        defer { cluster.tearDown() }
        try await cluster.start()
        let run = ChaosRun(cluster: cluster, plan: plan, seed: seed, portBase: try PrivateServers.freePorts(count: plan.feeds.count), network: network)

        // The market: recordings to replay, or (live) the instrument bodies the oracle parses with.
        try await cluster.simulate(assets: plan.assets, duration: plan.mode == .replay ? plan.duration : "1m", seed: Int(seed % 1_000_000_000))
        try run.supervise()
        try await waitForOwners(cluster, shards: plan.shards)
        if plan.gateway { try await startGateway(run) }
        let supervisor = Task {
            while !Task.isCancelled {
                try? run.supervise()
                try? await Task.sleep(for: .milliseconds(200))
            }
        }
        defer { supervisor.cancel() }

        let collectors: [ChildProcess]
        var simulator: ChildProcess?
        switch plan.mode {
        case .replay:
            collectors = try cluster.startCollectors(speed: plan.speed)
        case .live:
            if plan.liveStartsOnTheMinute {
                let now = ChaosRun.wallMs()
                try await Task.sleep(for: .milliseconds(60_000 - now % 60_000 + 50))
            }
            simulator = try cluster.serveMarket(assets: plan.assets, duration: plan.duration, seed: Int(seed % 1_000_000_000),
                                                speed: plan.speed, portBase: run.portBase)
            try await Task.sleep(for: .milliseconds(500))
            var prefixes: [String: [String]] = [:]
            for feed in plan.feeds { prefixes[feed] = try scenario.collectorPrefix(feed: feed, run: run) }
            collectors = try cluster.startLiveCollectors(portBase: run.portBase) { prefixes[$0] ?? [] }
        }
        log("\(scenario.name) seed \(seed): market flowing (\(plan.mode.rawValue), \(plan.duration) at ×\(plan.speed))")
        let injection = Task { try await scenario.inject(run) }

        // The market ends: replayed collectors exit by themselves; a served market exits after its
        // last frame, and then the live collectors are stopped (SIGTERM: they publish what they hold).
        let marketWait = plan.wallSeconds + 300
        if let simulator {
            if await simulator.wait(seconds: marketWait) == nil {
                run.problem("the served market did not end within \(Int(marketWait)) s")
            }
        } else {
            // Each wait starts when the previous one ended: the first covers the whole market.
            for c in collectors where await c.wait(seconds: marketWait) != 0 {
                run.problem("collector \(c.argv.dropFirst(2).first ?? "?") ended \(c.poll().map(String.init) ?? "running"): \(c.output.suffix(400))")
            }
        }
        run.finishMarket()
        if case .failure(let error) = await injection.result { run.problem("the fault injection failed: \(error)") }
        if simulator != nil {
            for c in collectors { c.signal(SIGTERM) }
            for c in collectors where await c.wait(seconds: 60) != 0 {
                run.problem("collector \(c.argv.dropFirst(2).first ?? "?") ended \(c.poll().map(String.init) ?? "running") on SIGTERM: \(c.output.suffix(400))")
            }
        }

        // Quiescence: every entry read and acknowledged (the supervisor still replaces dead owners).
        let deadline = ContinuousClock.now + .seconds(120)
        var quiet = false
        while ContinuousClock.now < deadline {
            if (try? await cluster.quiescent(shards: plan.shards)) == true {
                quiet = true
                break
            }
            try await Task.sleep(for: .milliseconds(250))
        }
        supervisor.cancel()
        if !quiet { run.problem("not quiescent within 120 s of the market's end") }
        do { try await scenario.verify(run) } catch { run.problem("the scenario's check failed: \(error)") }

        let expected = try cluster.expected(recordings: plan.mode == .live ? "live" : "sim")
        let stored = try await cluster.storedTotals()
        let counts = try await cluster.entryCounts(shards: plan.shards)
        let verdict = ChaosOracle.judge(expected: expected, storedKeys: try await cluster.storedKeys(), rows: stored.rows, tiles: stored.tiles,
                                        entries: counts.entries, applied: counts.applied, appliedEvents: counts.events,
                                        pending: try await cluster.pendingEntries(shards: plan.shards))
        let m = run.measured
        if m.faults == 0 { run.problem("no fault was injected (the market ended first?)") }
        let measured = run.measured
        let record = RunRecord(scenario: scenario.name, seed: seed, mode: plan.mode, started: started,
                               seconds: ChaosRun.seconds(ContinuousClock.now - begun), commit: commit, faults: measured.faults,
                               recoveries: measured.recoveries, verdict: verdict, notes: measured.notes, problems: measured.problems)
        if !record.passed, let keepFailed {
            let target = "\(keepFailed)/\(scenario.name)-\(seed)"
            try? FileManager.default.createDirectory(atPath: keepFailed, withIntermediateDirectories: true)
            try? FileManager.default.removeItem(atPath: target)
            try? FileManager.default.copyItem(atPath: cluster.dir + "/logs", toPath: target)
        }
        return record
    }

    func waitForOwners(_ cluster: ChaosCluster, shards: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if let owners = try? await cluster.owners(), owners.count == shards { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw HarnessFailure(description: "not every shard had an owner within 60 s:\n\(cluster.logs())")
    }

    func startGateway(_ run: ChaosRun) async throws {
        let port = try PrivateServers.freePort()
        _ = try run.cluster.spawn(["gateway", "--port", String(port), "--auth", "required"], log: "gateway")
        let url = "http://127.0.0.1:\(port)"
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if let (status, _, _) = try? await RestFetch.get(url + "/readyz"), status == 200 {
                run.gatewayURL = url
                return
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw HarnessFailure(description: "the gateway was not ready within 60 s:\n\(run.cluster.logs())")
    }
}

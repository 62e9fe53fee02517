import Foundation
import Glibc
import LiqmapCollector
import LiqmapPostgres
import LiqmapSimulator
import LiqmapTesting
import NIOCore

/// One run of a scenario in progress: the cluster, the run's seeded random source, the aggregator
/// supervisor (two processes per shard, restarted when one dies, as systemd or Kubernetes would),
/// and what the scenario measured (recovery times, faults injected, problems).
public final class ChaosRun: @unchecked Sendable {
    public let cluster: ChaosCluster
    public let plan: MarketPlan
    public let seed: UInt64
    /// The first port of the served market (live mode).
    public let portBase: Int
    /// The aggregators' network namespaces, when the plan has them.
    public let network: NetworkLab?
    private let lock = NSLock()
    private var rng: SimRandom
    private var recoveries: [Double] = []
    private var notes: [String] = []
    private var problems: [String] = []
    private var faults = 0
    private var done = false
    private var aggregators: [Int: [(name: String, process: ChildProcess)]] = [:]
    private var generation = 0

    init(cluster: ChaosCluster, plan: MarketPlan, seed: UInt64, portBase: Int, network: NetworkLab? = nil) {
        self.cluster = cluster
        self.network = network
        self.plan = plan
        self.seed = seed
        self.portBase = portBase
        rng = SimRandom(seed: seed, stream: 0xC4A05)
    }

    // MARK: What the scenario draws and records

    /// A uniform draw in `range` from the run's seeded source.
    public func random(_ range: ClosedRange<Double>) -> Double {
        lock.withLock { range.lowerBound + rng.uniform() * (range.upperBound - range.lowerBound) }
    }

    /// A uniform integer in `0..<n`.
    /// (Not `SimRandom.below`: its `x &* n >> 32` parses as `x &* (n >> 32)`, which is 0 for any
    /// small n; that simulator bug is recorded in docs/RELIABILITY.md and left for its own change.)
    public func random(below n: Int) -> Int { lock.withLock { min(n - 1, Int(rng.uniform() * Double(n))) } }

    /// True once the collectors have delivered the whole market.
    public var marketDone: Bool { lock.withLock { done } }
    func finishMarket() { lock.withLock { done = true } }

    /// Sleeps `seconds` (less if the market ends first); false when the market has ended.
    public func pause(_ seconds: Double) async -> Bool {
        let until = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < until {
            if marketDone { return false }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return !marketDone
    }

    public func faultInjected() { lock.withLock { faults += 1 } }
    public func recovered(after seconds: Double) { lock.withLock { recoveries.append(seconds) } }
    public func note(_ text: String) { lock.withLock { notes.append(text) } }
    public func problem(_ text: String) { lock.withLock { problems.append(text) } }

    var measured: (faults: Int, recoveries: [Double], notes: [String], problems: [String]) {
        lock.withLock { (faults, recoveries, notes, problems) }
    }

    // MARK: The aggregator supervisor

    /// Keeps two live aggregator processes per shard; with a commit/ack failpoint, every other one
    /// it starts carries it.
    func supervise() throws {
        for shard in 0..<plan.shards {
            let alive = lock.withLock { () -> Int in
                aggregators[shard] = (aggregators[shard] ?? []).filter { $0.process.poll() == nil }
                return aggregators[shard]!.count
            }
            for _ in alive..<2 {
                let (name, failpoint) = lock.withLock { () -> (String, String?) in
                    generation += 1
                    let fp = plan.commitAckFailpoint > 0 && generation % 2 == 0 ? "after_commit_before_ack@\(plan.commitAckFailpoint)" : nil
                    return ("s\(shard)-p\(generation)", fp)
                }
                let prefix = try network?.attach(name) ?? []
                let p = try cluster.startAggregator(shard: shard, consumer: name, failpoint: failpoint, leaseSeconds: plan.leaseSeconds,
                                                    prefix: prefix, serverHost: network?.serverAddress)
                lock.withLock { aggregators[shard]!.append((name, p)) }
            }
        }
    }

    /// The process of the aggregator called `name`, while it runs.
    public func aggregator(named name: String) -> ChildProcess? {
        lock.withLock { aggregators.values.joined().first { $0.name == name }?.process }
    }

    /// Shard `shard`'s owner: its name, epoch and process (nil when no supervised process has it).
    public func owner(of shard: Int) async throws -> (name: String, epoch: Int64, process: ChildProcess?)? {
        guard let o = try await cluster.owners()[shard] else { return nil }
        return (o.owner, o.epoch, aggregator(named: o.owner))
    }

    // MARK: The cluster's edges

    /// The gateway's base URL, when the plan has one.
    public internal(set) var gatewayURL: String? {
        get { lock.withLock { _gatewayURL } }
        set { lock.withLock { _gatewayURL = newValue } }
    }
    private var _gatewayURL: String?

    /// The served market's base URL for feed `i` (live mode).
    public func loopback(_ i: Int) -> String { "http://127.0.0.1:\(portBase + i)" }

    /// POSTs to a control endpoint (the loopback venue's faults); the status. A busy market can
    /// keep the venue's event loops seconds behind, hence the long timeout.
    public func control(_ url: String) async throws -> Int { try await RestFetch.post(url, timeout: .seconds(60)).0 }

    /// GETs a control endpoint's body.
    public func controlGet(_ url: String) async throws -> String { try await RestFetch.get(url, timeout: .seconds(60)).1 }

    /// Creates an API key with `liqmap keys create`; returns the key.
    public func createKey(name: String, rate: Double, burst: Int) async throws -> String {
        let p = try cluster.spawn(["keys", "create", "--name", name, "--rate", String(rate), "--burst", String(burst)], log: "keys-\(name)")
        guard await p.wait(seconds: 60) == 0,
              let line = p.output.split(separator: "\n").first(where: { $0.hasPrefix("key: ") }) else {
            throw HarnessFailure(description: "liqmap keys create failed: \(p.output.suffix(1000))")
        }
        return String(line.dropFirst("key: ".count))
    }

    // MARK: Recovery probes

    /// Waits until shard `shard` has an owner with an epoch past `epoch`; records and returns the
    /// seconds since `since`. Nil (and a problem) after `timeout`.
    @discardableResult
    public func waitForTakeover(shard: Int, after epoch: Int64, since: ContinuousClock.Instant, timeout: Double = 30) async -> Double? {
        while ContinuousClock.now - since < .milliseconds(Int(timeout * 1000)) {
            if let o = try? await cluster.owners()[shard], o.epoch > epoch {
                let s = Self.seconds(ContinuousClock.now - since)
                recovered(after: s)
                return s
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
        problem("shard \(shard): no takeover within \(Int(timeout)) s of the fault")
        return nil
    }

    /// Waits until every shard has committed a batch that began after wall time `afterMs`; records
    /// and returns the seconds since `since`. Nil (and a problem) after `timeout`.
    @discardableResult
    public func waitForCommits(afterMs: Int64, since: ContinuousClock.Instant, timeout: Double = 60) async -> Double? {
        while ContinuousClock.now - since < .milliseconds(Int(timeout * 1000)) {
            let after = Double(afterMs) / 1000
            if let rows = try? await cluster.postgres().query(
                "SELECT count(*)::bigint FROM (SELECT shard FROM applied_batches GROUP BY shard HAVING max(applied_at) > to_timestamp(\(after))) s"
            ).scalar(Int64.self), rows == plan.shards {
                let s = Self.seconds(ContinuousClock.now - since)
                recovered(after: s)
                return s
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
        problem("not every shard committed within \(Int(timeout)) s of the fault")
        return nil
    }

    /// Unix milliseconds now.
    public static func wallMs() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    static func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
}

import Foundation
import LiqmapSimulator
import LiqmapTesting

/// One kind of fault, injected on purpose while a simulated market flows through a cluster.
public protocol ChaosScenario: Sendable {
    /// The name on the command line (`liqmap chaos run --scenario NAME`).
    var name: String { get }
    /// The fault, as the reliability table names it.
    var fault: String { get }
    /// How it is injected, in a few words.
    var injection: String { get }
    /// The market, the cluster and how long it runs.
    var plan: MarketPlan { get }
    /// Injects the fault (as often as the scenario does) while the market flows; measures each
    /// recovery through `run`. Returns once done or once `run.marketDone` is true.
    func inject(_ run: ChaosRun) async throws
    /// The wrapper of feed `feed`'s live collector command (default: none).
    func collectorPrefix(feed: String, run: ChaosRun) throws -> [String]
    /// The scenario's own checks once the cluster is quiescent, besides the oracle's (default: none).
    func verify(_ run: ChaosRun) async throws
}

extension ChaosScenario {
    public func collectorPrefix(feed: String, run: ChaosRun) throws -> [String] { [] }
    public func verify(_ run: ChaosRun) async throws {}
}

/// How a run's market is fed: replayed recordings, or a market served live over WebSocket.
public enum MarketMode: String, Sendable, Codable {
    case replay, live
}

/// The market and the cluster a scenario runs on.
public struct MarketPlan: Sendable {
    public var mode: MarketMode = .replay
    public var feeds = ["binance-usdm", "bybit-linear", "okx"]
    public var assets = "BTC,ETH,SOL"
    public var shards = 2
    /// Simulated duration.
    public var duration = "20m"
    /// Simulated time per wall time.
    public var speed = "60"
    /// The aggregators' `--lease-seconds`.
    public var leaseSeconds = 3
    /// Every other aggregator the supervisor starts dies at random between COMMIT and XACK with this
    /// probability per batch (0: none).
    public var commitAckFailpoint = 0.0
    /// Start a gateway too.
    public var gateway = false
    /// Run every aggregator in a network namespace of its own (``NetworkLab``), so that one can be
    /// partitioned from the servers.
    public var networkLab = false
    /// Start serving the live market just after a whole minute: it starts its venue clock at the
    /// current minute, so at ×1 its times then track the wall clock (within the collectors' connect time).
    public var liveStartsOnTheMinute = false
    /// Put Redis's data folder (its AOF) on a tmpfs of this size in a mount namespace (the full-disk fault).
    public var redisAOFTmpfs: String?

    public init() {}

    /// The market's wall-clock length: `duration` (as `liqmap simulate --duration` reads it; 20
    /// minutes when unreadable) over `speed`.
    public var wallSeconds: Double {
        let simulatedMs = SimulationConfig.parseDuration(duration) ?? 20 * 60_000
        return Double(simulatedMs) / 1000 / (Double(speed) ?? 1)
    }

    /// The live-market plan of the collector faults: the market served over WebSocket at ×30 (the
    /// served venue's event loops fall seconds behind at higher speeds on 2 cores).
    public static var live: MarketPlan {
        var p = MarketPlan()
        p.mode = .live
        p.duration = "12m"
        p.speed = "30"
        return p
    }
}

/// Scenarios by name.
public enum ChaosScenarios {
    /// Every scenario, in the order of the reliability table.
    public static let all: [any ChaosScenario] = [
        KillOwnerScenario(), PauseOwnerScenario(), LockSessionScenario(), ServerRestartScenario(service: .redis), RedisDataLossScenario(), ServerRestartScenario(service: .postgres),
        RedisDiskFullScenario(), PartitionOwnerScenario(), HostileFramesScenario(), DisconnectStormScenario(), ClockSkewScenario(), GatewayFloodScenario(),
    ]
    /// The short suite CI runs on every change.
    public static let short = ["kill9-owner", "sigstop-owner", "redis-restart", "redis-data-loss", "postgres-restart", "hostile-frames"]

    public static func named(_ name: String) -> (any ChaosScenario)? { all.first { $0.name == name } }
}

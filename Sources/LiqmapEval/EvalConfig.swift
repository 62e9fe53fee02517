import LiqmapAggregation
import LiqmapSimulator

/// One venue feed's contract on one asset: the unit the evaluation scores (one projected book, one
/// price grid, one set of true liquidations).
public struct EvalGroup: Sendable, Hashable, Comparable, Codable {
    public var feed: String
    public var asset: String

    public init(feed: String, asset: String) {
        self.feed = feed
        self.asset = asset
    }

    public static func < (a: EvalGroup, b: EvalGroup) -> Bool { (a.feed, a.asset) < (b.feed, b.asset) }
}

/// What `Evaluator.run` replays and how it scores it.
public struct EvalConfig: Sendable {
    /// The simulated market (assets, feeds, duration, seed, scales). Truth is always recorded.
    public var simulation: SimulationConfig
    /// Leads in minutes: a liquidation is judged against the latest snapshot published at least this long before it.
    public var leadsMinutes: [Int] = [0, 15, 60]
    /// The model under evaluation.
    public var parameters = ModelParameters()
    /// Price level of the scored snapshots (2 = 0.08 % rows).
    public var level = 2
    /// Share of bands that count as "top" (0.1 = top decile).
    public var topFraction = 0.1
    /// Distance-aware variant: bands within `reachSigmas` standard deviations of the price over the
    /// horizon (lead + 1 minute), the standard deviation estimated from the 1-minute log returns of
    /// the preceding `volatilityWindowMinutes` snapshots.
    public var reachSigmas = 2.0
    public var volatilityWindowMinutes = 60
    /// Event-time watermark: minute m is closed once frames received at m's end + this lateness have
    /// been read; a snapshot counts as published at that time.
    public var latenessMs: Int64 = 2_000
    /// Liquidations in the first minutes of the run are not scored (the book starts empty).
    public var warmupMinutes = 0
    /// Every this many minutes the projected density is compared with the simulator's true density
    /// of open positions' liquidation prices (`truth/density.csv`).
    public var densityEveryMinutes = 15

    public init(simulation: SimulationConfig) {
        var simulation = simulation
        simulation.recordTruth = true
        self.simulation = simulation
    }
}

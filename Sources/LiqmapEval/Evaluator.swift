import LiqmapAggregation
import LiqmapCore
import LiqmapSimulator

/// `liqmap eval`: a simulated market replayed through the collectors' parsers and the projection
/// engine, scored against the simulator's truth. Pure: no I/O, the same config gives the same report.
public enum Evaluator {
    /// Runs the simulator in process and replays every frame (see `Replay`).
    public static func replay(_ config: EvalConfig) -> ReplayResult {
        var simulator = Simulator(config: config.simulation)
        var replay = Replay(config: config, instrumentBodies: simulator.instrumentBodies())
        var steps = 0
        while simulator.advance({ frame in
            replay.frame(String(decoding: frame.bytes, as: UTF8.self), feed: frame.feed, recvTs: frame.recvTs)
        }) {
            steps += 1
            if steps % 600 == 0 { simulator.drainTruth { replay.truth($0, $1) } }
        }
        simulator.drainTruth { replay.truth($0, $1) }
        return replay.finish(endMs: config.simulation.startMs + config.simulation.durationMs)
    }

    /// Replays and scores.
    public static func run(_ config: EvalConfig) -> EvalReport {
        score(replay(config), config: config)
    }

    /// Scores a replay: per group and lead, then per feed and overall (sums of USD; correlations
    /// averaged with scored-USD weights).
    public static func score(_ result: ReplayResult, config: EvalConfig) -> EvalReport {
        let warmupEnd = config.simulation.startMs + Int64(config.warmupMinutes) * 60_000
        var rows: [EvalRow] = []
        let groups = Set(result.truth.keys).union(result.snapshots.keys).sorted()
        var perGroup: [EvalGroup: [Int: GroupScore]] = [:]
        for group in groups {
            let snapshots = result.snapshots[group] ?? []
            let all = result.truth[group] ?? []
            let truth = all.filter { $0.time >= warmupEnd }
            let early = all.filter { $0.time < warmupEnd }.reduce(0) { $0 + max($1.usd, 0) }
            let density = Scoring.densityCorrelation(
                projected: result.projectedDensity[group] ?? [:], truth: result.trueDensity[group] ?? [:],
                rangeFraction: config.parameters.snapshotRangeFraction)
            for lead in config.leadsMinutes {
                var s = Scoring.score(snapshots: snapshots, truth: truth, lead: lead, config: config)
                s.unscoredUSD += early
                s.densityCorrelation = density.mean
                s.densitySamples = density.count
                perGroup[group, default: [:]][lead] = s
            }
        }
        for lead in config.leadsMinutes {
            for group in groups { rows.append(EvalRow(feed: group.feed, asset: group.asset, leadMinutes: lead, score: perGroup[group]![lead]!)) }
            let feeds = Set(groups.map(\.feed)).sorted()
            for feed in feeds {
                let parts = groups.filter { $0.feed == feed }.map { perGroup[$0]![lead]! }
                rows.append(EvalRow(feed: feed, asset: "all", leadMinutes: lead, score: GroupScore.combine(parts)))
            }
            rows.append(EvalRow(feed: "all", asset: "all", leadMinutes: lead, score: GroupScore.combine(groups.map { perGroup[$0]![lead]! })))
        }
        return EvalReport(
            assets: config.simulation.assets.map(\.name), feeds: config.simulation.feeds.map(\.rawValue),
            durationMinutes: Int(config.simulation.durationMs / 60_000), seed: config.simulation.seed, level: config.level,
            topFraction: config.topFraction, reachSigmas: config.reachSigmas, warmupMinutes: config.warmupMinutes, frames: result.frames,
            events: result.events, malformed: result.malformed, lateEvents: result.lateEvents, rows: rows)
    }
}

import LiqmapAggregation

/// One group's (or a sum of groups') score at one lead, as USD sums so that groups add exactly.
public struct GroupScore: Sendable, Hashable {
    /// Plain metric (docs/MODEL.md §7): USD in the top bands by USD, and in as many bands nearest the price.
    public var hitUSD = 0.0
    public var baselineUSD = 0.0
    /// Distance-aware variant: the same, among the bands within the price's expected reach.
    public var reachHitUSD = 0.0
    public var reachBaselineUSD = 0.0
    public var coveredUSD = 0.0
    public var scoredUSD = 0.0
    public var unscoredUSD = 0.0
    public var scoredCount = 0
    /// Pearson correlation of expected and true liquidated USD per row (AccuracyMetrics), and the
    /// scored USD it is weighted with when groups are combined.
    public var correlation: Double?
    public var correlationWeight = 0.0
    /// Mean reach (a fraction of the price, e^r − 1) over the group's snapshots, weighted like `correlation`.
    public var meanReach: Double?
    public var reachWeight = 0.0
    /// Mean Pearson correlation of projected and true open-position liquidation density (`truth/density.csv`)
    /// over the sampled minutes, and how many minutes.
    public var densityCorrelation: Double?
    public var densitySamples = 0

    public init() {}

    /// Adds groups: USD sums, and scored-USD-weighted means of the correlations and reaches.
    public static func combine(_ parts: [GroupScore]) -> GroupScore {
        var out = GroupScore()
        var corr = 0.0, reach = 0.0, density = 0.0, densityWeight = 0.0
        for p in parts {
            out.hitUSD += p.hitUSD
            out.baselineUSD += p.baselineUSD
            out.reachHitUSD += p.reachHitUSD
            out.reachBaselineUSD += p.reachBaselineUSD
            out.coveredUSD += p.coveredUSD
            out.scoredUSD += p.scoredUSD
            out.unscoredUSD += p.unscoredUSD
            out.scoredCount += p.scoredCount
            if let c = p.correlation, p.correlationWeight > 0 {
                corr += c * p.correlationWeight
                out.correlationWeight += p.correlationWeight
            }
            if let r = p.meanReach, p.reachWeight > 0 {
                reach += r * p.reachWeight
                out.reachWeight += p.reachWeight
            }
            if let d = p.densityCorrelation, p.densitySamples > 0 {
                density += d * Double(p.densitySamples)
                densityWeight += Double(p.densitySamples)
                out.densitySamples += p.densitySamples
            }
        }
        out.correlation = out.correlationWeight > 0 ? corr / out.correlationWeight : nil
        out.meanReach = out.reachWeight > 0 ? reach / out.reachWeight : nil
        out.densityCorrelation = densityWeight > 0 ? density / densityWeight : nil
        return out
    }
}

/// The evaluation's small pure pieces.
public enum Scoring {
    /// The log distance the price may travel over `horizonMinutes`: `sigmas` × the standard deviation
    /// of the 1-minute log returns of `prices[(index − window)...index]` × √horizon; nil with fewer
    /// than two returns (no estimate: the caller does not restrict).
    public static func reach(prices: [Double], index: Int, window: Int, horizonMinutes: Double, sigmas: Double) -> Double? {
        let first = max(0, index - window)
        guard index - first >= 2 else { return nil }
        var returns: [Double] = []
        returns.reserveCapacity(index - first)
        for i in (first + 1)...index where prices[i] > 0 && prices[i - 1] > 0 { returns.append(naturalLog(prices[i] / prices[i - 1])) }
        guard returns.count >= 2 else { return nil }
        let mean = returns.reduce(0, +) / Double(returns.count)
        let variance = returns.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(returns.count - 1)
        return sigmas * variance.squareRoot() * horizonMinutes.squareRoot()
    }

    /// The snapshot's rows whose band meets `[price·e^−reach, price·e^reach]`.
    public static func restrict(_ snapshot: DensitySnapshot, reach: Double, grid: PriceGrid = .standard, level: Int) -> DensitySnapshot {
        guard let low = grid.row(price: snapshot.price * naturalExp(-reach), level: level),
            let high = grid.row(price: snapshot.price * naturalExp(reach), level: level)
        else { return snapshot }
        var out = snapshot
        out.density = snapshot.density.filter { $0.key >= low && $0.key <= high }
        return out
    }

    /// One group at one lead: the plain metric on the snapshots as they are, and the distance-aware
    /// variant on the snapshots restricted to their reach over lead + 1 minute (a snapshot is up to
    /// a minute older than the lead). Both baselines are AccuracyMetrics' nearest bands, so under the
    /// restriction the baseline gets exactly as many bands as the model.
    public static func score(snapshots: [DensitySnapshot], truth: [TrueLiquidation], lead: Int, config: EvalConfig) -> GroupScore {
        let ordered = snapshots.sorted { $0.time < $1.time }
        let leadMs = Int64(lead) * 60_000
        let plain = AccuracyMetrics.evaluate(
            snapshots: ordered, truth: truth, level: config.level, topFraction: config.topFraction, leadMilliseconds: leadMs)
        let prices = ordered.map(\.price)
        var reachSum = 0.0, reachCount = 0
        let restricted = ordered.indices.map { i -> DensitySnapshot in
            guard
                let r = reach(
                    prices: prices, index: i, window: config.volatilityWindowMinutes, horizonMinutes: Double(lead + 1), sigmas: config.reachSigmas)
            else { return ordered[i] }
            reachSum += naturalExp(r) - 1
            reachCount += 1
            return restrict(ordered[i], reach: r, level: config.level)
        }
        let near = AccuracyMetrics.evaluate(
            snapshots: restricted, truth: truth, level: config.level, topFraction: config.topFraction, leadMilliseconds: leadMs)
        var s = GroupScore()
        s.scoredUSD = plain.scoredUSD
        s.unscoredUSD = plain.unscoredUSD
        s.scoredCount = plain.scoredCount
        s.hitUSD = (plain.hitRate ?? 0) * plain.scoredUSD
        s.baselineUSD = (plain.baselineHitRate ?? 0) * plain.scoredUSD
        s.coveredUSD = (plain.coverage ?? 0) * plain.scoredUSD
        s.reachHitUSD = (near.hitRate ?? 0) * near.scoredUSD
        s.reachBaselineUSD = (near.baselineHitRate ?? 0) * near.scoredUSD
        s.correlation = plain.correlation
        s.correlationWeight = plain.correlation == nil ? 0 : plain.scoredUSD
        s.meanReach = reachCount > 0 ? reachSum / Double(reachCount) : nil
        s.reachWeight = reachCount > 0 ? max(plain.scoredUSD, 1e-9) : 0
        return s
    }

    /// Mean over the sampled minutes of the Pearson correlation between the projected USD per truth
    /// bucket and the true USD per bucket, the truth limited to buckets within `rangeFraction` of the
    /// mark (the snapshot's range).
    public static func densityCorrelation(
        projected: [Int64: DensitySample], truth: [Int64: [Int64: Double]], rangeFraction: Double
    ) -> (mean: Double?, count: Int) {
        var sum = 0.0, count = 0
        for time in projected.keys.sorted() {
            guard let sample = projected[time], let real = truth[time] else { continue }
            let low = sample.price * (1 - rangeFraction), high = sample.price * (1 + rangeFraction)
            var a: [Int32: Double] = [:], b: [Int32: Double] = [:]
            for (index, usd) in sample.buckets { a[Int32(clamping: index)] = usd }
            for (index, usd) in real {
                let mid = (Double(index) + 0.5) * sample.width
                if mid >= low && mid <= high { b[Int32(clamping: index)] = usd }
            }
            if let r = AccuracyMetrics.pearson(a, b) {
                sum += r
                count += 1
            }
        }
        return (count > 0 ? sum / Double(count) : nil, count)
    }
}

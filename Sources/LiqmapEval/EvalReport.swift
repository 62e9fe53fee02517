/// One line of the report: a feed (or `all`) and asset (or `all`) at one lead.
public struct EvalRow: Sendable, Hashable, Codable {
    public var feed: String
    public var asset: String
    public var leadMinutes: Int
    /// Plain metric: share of scored USD in the top-decile bands by USD, and in as many bands nearest the price.
    public var hitRate: Double?
    public var baselineHitRate: Double?
    /// Distance-aware variant: top decile among the bands within the expected reach, and its nearest-bands baseline.
    public var reachHitRate: Double?
    public var reachBaselineHitRate: Double?
    /// Expected vs true liquidated USD per row (Pearson; scored-USD-weighted mean over groups in aggregates).
    public var correlation: Double?
    /// Projected vs true open-position liquidation density (mean Pearson over sampled minutes; lead-independent).
    public var densityCorrelation: Double?
    public var coverage: Double?
    /// Mean reach of the distance-aware variant, as a fraction of the price.
    public var meanReach: Double?
    public var scoredUSD: Double
    public var unscoredUSD: Double
    public var scoredCount: Int

    init(feed: String, asset: String, leadMinutes: Int, score s: GroupScore) {
        self.feed = feed
        self.asset = asset
        self.leadMinutes = leadMinutes
        let scored = s.scoredUSD > 0
        hitRate = scored ? s.hitUSD / s.scoredUSD : nil
        baselineHitRate = scored ? s.baselineUSD / s.scoredUSD : nil
        reachHitRate = scored ? s.reachHitUSD / s.scoredUSD : nil
        reachBaselineHitRate = scored ? s.reachBaselineUSD / s.scoredUSD : nil
        coverage = scored ? s.coveredUSD / s.scoredUSD : nil
        correlation = s.correlation
        densityCorrelation = s.densityCorrelation
        meanReach = s.meanReach
        scoredUSD = s.scoredUSD
        unscoredUSD = s.unscoredUSD
        scoredCount = s.scoredCount
    }
}

/// What `liqmap eval` reports: the run and one row per (feed, asset), per feed and overall, per lead.
public struct EvalReport: Sendable, Hashable, Codable {
    public var assets: [String]
    public var feeds: [String]
    public var durationMinutes: Int
    public var seed: UInt64
    public var level: Int
    public var topFraction: Double
    public var reachSigmas: Double
    public var warmupMinutes: Int
    public var frames: Int
    public var events: Int
    public var malformed: Int
    public var lateEvents: Int
    public var rows: [EvalRow]

    /// The rows as a fixed-width table.
    public var table: String {
        func pct(_ v: Double?) -> String { v.map { formatFixed($0 * 100, 1) } ?? "-" }
        func num(_ v: Double?) -> String { v.map { formatFixed($0, 3) } ?? "-" }
        let header = ["feed", "asset", "lead", "hit%", "naive%", "reach-hit%", "reach-naive%", "corr", "dens-corr", "cover%", "reach±%", "scored USD", "n"]
        var lines = [header]
        for r in rows {
            lines.append([
                r.feed, r.asset, "\(r.leadMinutes)m", pct(r.hitRate), pct(r.baselineHitRate), pct(r.reachHitRate), pct(r.reachBaselineHitRate),
                num(r.correlation), num(r.densityCorrelation), pct(r.coverage), r.meanReach.map { formatFixed($0 * 100, 2) } ?? "-",
                formatFixed(r.scoredUSD, 0), "\(r.scoredCount)",
            ])
        }
        let widths = header.indices.map { c in lines.map { $0[c].count }.max() ?? 0 }
        return lines.map { line in
            line.enumerated().map { c, cell in
                let pad = String(repeating: " ", count: widths[c] - cell.count)
                return c < 2 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}

/// `value` with `decimals` digits after the point, without Foundation.
func formatFixed(_ value: Double, _ decimals: Int) -> String {
    guard value.isFinite else { return "\(value)" }
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let scaled = (abs(value) * scale).rounded()
    guard scaled < 9e18 else { return "\(value)" }
    let whole = Int64(scaled)
    let unit = Int64(scale)
    let sign = value < 0 && whole != 0 ? "-" : ""
    if decimals == 0 { return sign + "\(whole)" }
    let frac = String(whole % unit)
    return sign + "\(whole / unit)." + String(repeating: "0", count: decimals - frac.count) + frac
}

/// The projected density of one venue (or a merged view) at one time: USD per price row at the
/// evaluation's level, and the price then (the mark), which the naive baseline centres on.
public struct DensitySnapshot: Sendable, Hashable {
    public var time: Int64
    public var price: Double
    public var density: [Int32: Double]

    public init(time: Int64, price: Double, density: [Int32: Double]) {
        self.time = time
        self.price = price
        self.density = density
    }
}

/// A liquidation that really happened (the simulator's truth): time (ms), price, USD.
public struct TrueLiquidation: Sendable, Hashable {
    public var time: Int64
    public var price: Double
    public var usd: Double

    public init(time: Int64, price: Double, usd: Double) {
        self.time = time
        self.price = price
        self.usd = usd
    }
}

/// How well projected densities found the true liquidations (docs/MODEL.md, "Accuracy").
public struct AccuracyReport: Sendable, Hashable {
    /// Share of scored USD whose price row was among the snapshot's top bands.
    public var hitRate: Double?
    /// The same for the naive baseline: as many bands, the ones nearest the price.
    public var baselineHitRate: Double?
    /// Share of scored USD whose row had any projected USD at all (does the book know the level?).
    public var coverage: Double?
    /// Pearson correlation, over rows, of the expected liquidation density the snapshots imply and
    /// the true liquidated USD per row.
    public var correlation: Double?
    /// USD that had a snapshot to be judged against, and USD that had none (before the first snapshot).
    public var scoredUSD: Double
    public var unscoredUSD: Double
    /// Liquidations scored.
    public var scoredCount: Int
}

/// Hit rate, naive baseline and correlation of projected densities against true liquidations.
public enum AccuracyMetrics {
    /// Scores each true liquidation against the latest snapshot taken at least `leadMilliseconds`
    /// before it. The top bands of a snapshot are its `ceil(topFraction × n)` largest non-zero rows
    /// (at least 1; ties to the lower row); the baseline takes as many rows, those whose middle is
    /// nearest the snapshot's price in log distance. Rows are at `level` of `grid`, like the snapshots.
    public static func evaluate(
        snapshots: [DensitySnapshot], truth: [TrueLiquidation], grid: PriceGrid = .standard, level: Int,
        topFraction: Double = 0.1, leadMilliseconds: Int64 = 0
    ) -> AccuracyReport {
        let ordered = snapshots.sorted { $0.time < $1.time }
        var topSets: [Int: Set<Int32>] = [:]
        var baselineSets: [Int: Set<Int32>] = [:]
        var hit = 0.0, baselineHit = 0.0, covered = 0.0, scored = 0.0, unscored = 0.0, count = 0
        var expected: [Int32: Double] = [:]
        var actual: [Int32: Double] = [:]
        for liquidation in truth {
            guard liquidation.usd > 0, let row = grid.row(price: liquidation.price, level: level),
                let s = latest(in: ordered, atOrBefore: liquidation.time - leadMilliseconds)
            else {
                unscored += max(liquidation.usd, 0)
                continue
            }
            let snapshot = ordered[s]
            if topSets[s] == nil {
                let k = bandCount(snapshot, topFraction: topFraction)
                topSets[s] = top(snapshot, k: k)
                baselineSets[s] = nearest(snapshot, k: k, grid: grid, level: level)
            }
            scored += liquidation.usd
            count += 1
            if topSets[s]!.contains(row) { hit += liquidation.usd }
            if baselineSets[s]!.contains(row) { baselineHit += liquidation.usd }
            if (snapshot.density[row] ?? 0) > 0 { covered += liquidation.usd }
            actual[row, default: 0] += liquidation.usd
            // Summed in row order: a dictionary's iteration order differs between equal instances,
            // and a floating-point sum in that order would make equal inputs give different last bits.
            let rows = snapshot.density.sorted(by: { $0.key < $1.key })
            let total = rows.reduce(0) { $0 + max($1.value, 0) }
            if total > 0 {
                for (r, usd) in rows where usd > 0 {
                    expected[r, default: 0] += liquidation.usd * usd / total
                }
            }
        }
        return AccuracyReport(
            hitRate: scored > 0 ? hit / scored : nil, baselineHitRate: scored > 0 ? baselineHit / scored : nil,
            coverage: scored > 0 ? covered / scored : nil, correlation: pearson(expected, actual), scoredUSD: scored, unscoredUSD: unscored, scoredCount: count)
    }

    /// Pearson correlation over the union of rows (missing = 0); nil with fewer than 2 rows or no variance.
    public static func pearson(_ a: [Int32: Double], _ b: [Int32: Double]) -> Double? {
        let rows = Set(a.keys).union(b.keys).sorted()
        guard rows.count >= 2 else { return nil }
        let x = rows.map { a[$0] ?? 0 }, y = rows.map { b[$0] ?? 0 }
        let n = Double(rows.count)
        let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for i in rows.indices {
            sxy += (x[i] - mx) * (y[i] - my)
            sxx += (x[i] - mx) * (x[i] - mx)
            syy += (y[i] - my) * (y[i] - my)
        }
        guard sxx > 0, syy > 0 else { return nil }
        return sxy / (sxx * syy).squareRoot()
    }

    static func bandCount(_ snapshot: DensitySnapshot, topFraction: Double) -> Int {
        let nonZero = snapshot.density.values.filter { $0 > 0 }.count
        return max(1, Int((topFraction * Double(nonZero)).rounded(.up)))
    }

    static func top(_ snapshot: DensitySnapshot, k: Int) -> Set<Int32> {
        let ranked = snapshot.density.filter { $0.value > 0 }.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        return Set(ranked.prefix(k).map(\.key))
    }

    static func nearest(_ snapshot: DensitySnapshot, k: Int, grid: PriceGrid, level: Int) -> Set<Int32> {
        guard let center = grid.row(price: snapshot.price, level: level) else { return [] }
        let logPrice = naturalLog(snapshot.price)
        let candidates = (Int64(center) - Int64(k)...Int64(center) + Int64(k)).map { Int32($0) }
        let ranked = candidates.sorted { a, b in
            let da = abs(naturalLog(grid.mid(row: a, level: level)) - logPrice)
            let db = abs(naturalLog(grid.mid(row: b, level: level)) - logPrice)
            return da != db ? da < db : a < b
        }
        return Set(ranked.prefix(k))
    }

    static func latest(in ordered: [DensitySnapshot], atOrBefore time: Int64) -> Int? {
        var low = 0, high = ordered.count
        while low < high {
            let mid = (low + high) / 2
            if ordered[mid].time <= time { low = mid + 1 } else { high = mid }
        }
        return low == 0 ? nil : low - 1
    }
}

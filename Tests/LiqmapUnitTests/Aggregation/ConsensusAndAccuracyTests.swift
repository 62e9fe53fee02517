import LiqmapAggregation
import LiqmapCore
import Testing

@Suite("Aggregation: consensus score and accuracy metrics")
struct AggregationConsensusAccuracyTests {
    @Test("pairwise cosine: same shape 1, disjoint 0")
    func cosine() {
        #expect(ConsensusScore.meanPairwiseCosine([.binance: [1: 1, 2: 2], .okx: [1: 10, 2: 20]]).map { abs($0 - 1) < 1e-12 } == true)
        #expect(ConsensusScore.meanPairwiseCosine([.binance: [1: 1], .okx: [2: 1]]) == 0)
        #expect(ConsensusScore.meanPairwiseCosine([.binance: [1: 1]]) == nil)
    }

    static let grid = PriceGrid.standard

    static func mid(_ row: Int32) -> Double { grid.mid(row: row, level: 0) }

    @Test("hit rate, naive baseline and correlation on a hand-made case")
    func accuracy() {
        var density: [Int32: Double] = [49_000: 100, 49_100: 50, 49_200: 10]
        for r in Int32(49_300)...49_308 { density[r] = 1 }
        // 12 non-zero rows → top decile = ceil(1.2) = 2 rows: 49,000 and 49,100. The price 20,000 is
        // 0.389 into row 49,522, so the two rows nearest it are 49,522 and 49,521.
        let snapshot = DensitySnapshot(time: 0, price: 20_000, density: density)
        let truth = [
            TrueLiquidation(time: 10, price: Self.mid(49_000), usd: 600),  // top band
            TrueLiquidation(time: 20, price: Self.mid(49_100), usd: 200),  // top band
            TrueLiquidation(time: 30, price: 20_000, usd: 100),  // where the baseline looks
            TrueLiquidation(time: 40, price: Self.mid(49_300), usd: 100),  // neither
            TrueLiquidation(time: -5, price: 20_000, usd: 50),  // before any snapshot
        ]
        let report = AccuracyMetrics.evaluate(snapshots: [snapshot], truth: truth, grid: Self.grid, level: 0)
        #expect(report.hitRate == 0.8)
        #expect(report.baselineHitRate == 0.1)
        #expect(report.coverage == 0.9)  // the liquidation at 20,000 fell in a row with no projected USD
        #expect(report.scoredUSD == 1_000 && report.unscoredUSD == 50 && report.scoredCount == 4)
        // Expected density 1,000 × share of 169 vs the true USD per row, over 13 rows: 0.95537.
        #expect(report.correlation.map { abs($0 - 0.955_373_686_110_551) < 1e-9 } == true)
        // With a 15 ms lead, the first liquidation has no snapshot early enough.
        let lead = AccuracyMetrics.evaluate(snapshots: [snapshot], truth: truth, grid: Self.grid, level: 0, leadMilliseconds: 15)
        #expect(lead.unscoredUSD == 650 && lead.hitRate == 0.5)
    }

    @Test("each liquidation is judged against the latest snapshot before it")
    func latestSnapshot() {
        let early = DensitySnapshot(time: 0, price: 20_000, density: [49_000: 5])
        let late = DensitySnapshot(time: 100, price: 20_000, density: [49_100: 5])
        let truth = [TrueLiquidation(time: 99, price: Self.mid(49_000), usd: 1), TrueLiquidation(time: 100, price: Self.mid(49_000), usd: 3)]
        let report = AccuracyMetrics.evaluate(snapshots: [late, early], truth: truth, grid: Self.grid, level: 0)
        #expect(report.hitRate == 0.25)
    }

    @Test("correlation is 1 when truth follows the projection, −1 against it")
    func correlation() {
        let snapshot = DensitySnapshot(time: 0, price: 20_000, density: [10: 3, 11: 2, 12: 1])
        let p = { (row: Int32) in Self.grid.mid(row: row, level: 5) }
        let follows = [TrueLiquidation(time: 1, price: p(10), usd: 30), TrueLiquidation(time: 1, price: p(11), usd: 20), TrueLiquidation(time: 1, price: p(12), usd: 10)]
        let against = [TrueLiquidation(time: 1, price: p(10), usd: 10), TrueLiquidation(time: 1, price: p(11), usd: 20), TrueLiquidation(time: 1, price: p(12), usd: 30)]
        let a = AccuracyMetrics.evaluate(snapshots: [snapshot], truth: follows, grid: Self.grid, level: 5).correlation!
        let b = AccuracyMetrics.evaluate(snapshots: [snapshot], truth: against, grid: Self.grid, level: 5).correlation!
        #expect(abs(a - 1) < 1e-12 && abs(b + 1) < 1e-12)
        #expect(AccuracyMetrics.pearson([1: 1, 2: 1], [1: 1, 2: 2]) == nil)
        #expect(AccuracyMetrics.evaluate(snapshots: [], truth: follows, level: 5).hitRate == nil)
    }
}

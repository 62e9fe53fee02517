import LiqmapAggregation
import LiqmapCore
import LiqmapEval
import LiqmapSimulator
import Testing

@Suite("Eval: scoring pieces")
struct EvalScoringTests {
    static func config(lead: Int = 0) -> EvalConfig {
        var c = EvalConfig(simulation: try! SimulationConfig(assets: ["BTC"], feeds: [.bybitLinear], durationMs: 60_000, seed: 1))
        c.leadsMinutes = [lead]
        return c
    }

    /// A hand-built market where the right answers are known. The price alternates by 0.2 % a
    /// minute (reach over 1 minute ≈ 2 · 0.2 % ≈ 0.4 %, five rows). Every snapshot holds 1 USD in each of
    /// the seven rows around the price, 100 USD three rows above it, and a far cluster (+10 %) of
    /// five rows of 1M USD. One liquidation (1 USD) lands three rows above the price, one (3 USD) in
    /// the far cluster.
    /// * plain: 12 non-zero rows → top 2 = the lowest two far-cluster rows (ties to the lower row): the far one, in the lowest, hits → 3/4; the two nearest rows miss both → 0;
    /// * distance-aware: 7 rows within reach → top 1 = the 100 USD row: the near one hits → 1/4; nearest row misses → 0.
    /// The far liquidation is outside the reach, so the distance-aware metric fails on it: it can lose.
    @Test("hand-built case: plain and distance-aware hit rates and their baselines are exact")
    func handBuilt() {
        let grid = PriceGrid.standard, level = 2
        var snapshots: [DensitySnapshot] = []
        for i in 0..<61 {
            let price = 20_000 * (i % 2 == 0 ? 1 : 1.002)
            let center = grid.row(price: price, level: level)!
            var density: [Int32: Double] = [:]
            for d in Int32(-3)...3 { density[center + d] = 1 }
            density[center + 3] = 100
            for d in Int32(120)...124 { density[center + d] = 1_000_000 }
            snapshots.append(DensitySnapshot(time: Int64(i) * 60_000, price: price, density: density))
        }
        let last = snapshots.last!
        let center = grid.row(price: last.price, level: level)!
        let truth = [
            TrueLiquidation(time: last.time + 30_000, price: grid.mid(row: center + 3, level: level), usd: 1),
            TrueLiquidation(time: last.time + 30_000, price: grid.mid(row: center + 120, level: level), usd: 3),
        ]
        let s = Scoring.score(snapshots: snapshots, truth: truth, lead: 0, config: Self.config())
        #expect(s.scoredUSD == 4)
        #expect(s.hitUSD == 3)
        #expect(s.baselineUSD == 0)
        #expect(s.reachHitUSD == 1)
        #expect(s.reachBaselineUSD == 0)
        #expect(s.coveredUSD == 4)
        // With a 60-minute lead the liquidation is judged against the snapshot of minute 1 (its price differs),
        // so it is not the same row; the counts still add up.
        let later = Scoring.score(snapshots: snapshots, truth: truth, lead: 59, config: Self.config(lead: 59))
        #expect(later.scoredUSD == 4)
        // Before the first snapshot nothing is scored.
        let early = Scoring.score(snapshots: snapshots, truth: [TrueLiquidation(time: -1, price: 20_000, usd: 5)], lead: 0, config: Self.config())
        #expect(early.scoredUSD == 0 && early.unscoredUSD == 5)
    }

    @Test("reach: 2σ of 1-minute log returns × √horizon; none without two returns")
    func reach() {
        #expect(Scoring.reach(prices: [100, 101], index: 1, window: 60, horizonMinutes: 1, sigmas: 2) == nil)
        #expect(Scoring.reach(prices: [100, 100, 100, 100], index: 3, window: 60, horizonMinutes: 16, sigmas: 2) == 0)
        let prices = (0..<200).map { 100 * (($0 % 2 == 0) ? 1.0 : 1.01) }
        let r = Scoring.reach(prices: prices, index: 199, window: 60, horizonMinutes: 16, sigmas: 2)!
        // Returns alternate ±ln 1.01 (σ ≈ 0.00995 · √(60/59)); × 2 × √16.
        #expect(abs(r - 8 * 0.009_950_33 * (60.0 / 59).squareRoot()) < 1e-4)
        let snapshot = DensitySnapshot(time: 0, price: 100, density: [-5: 1, 0: 1, 300: 1])
        let grid = PriceGrid.standard
        let c = grid.row(price: 100, level: 2)!
        let restricted = Scoring.restrict(DensitySnapshot(time: 0, price: 100, density: [c - 20: 1, c: 2, c + 1: 3, c + 20: 4]), reach: 0.002, level: 2)
        #expect(restricted.density == [c: 2, c + 1: 3])
        #expect(Scoring.restrict(snapshot, reach: 0, level: 2).density.isEmpty)
    }

    @Test("truth CSV chunks: liquidations and sampled density rows")
    func truthCSV() {
        let liquidations = Array("""
            ts,feed,symbol,asset,position_id,side,leverage,leverage_tier,entry_price,liquidation_price,bankruptcy_price,trigger_mark,fill_price,size,qty,notional_usd,reported
            1735689660123,okx,BTC-USDT-SWAP,BTC,17,long,50,26-50,95000.0,93575.1234,93100.0,93574.0,93500.0,3,0.03,2805.000000,1

            """.utf8)
        let rows = TruthCSV.liquidations(liquidations)
        #expect(rows.count == 1)
        #expect(rows.first?.group == EvalGroup(feed: "okx", asset: "BTC"))
        #expect(rows.first?.liquidation == TrueLiquidation(time: 1_735_689_660_123, price: 93_575.1234, usd: 2_805))
        let density = Array("""
            ts,feed,asset,side,leverage_tier,price,n,qty,usd
            1735690500000,okx,BTC,long,2-5,76000,2,0.1,9500
            1735690500000,okx,BTC,short,2-5,76000,1,0.1,500
            1735690560000,okx,BTC,long,2-5,76000,1,0.1,9500

            """.utf8)
        let found = TruthCSV.density(density, everyMs: 15 * 60_000) { $0 == "BTC" ? 250 : nil }
        #expect(found == [EvalGroup(feed: "okx", asset: "BTC"): [1_735_690_500_000: [304: 10_000]]])
    }

    @Test("combining groups adds USD and weights correlations by scored USD")
    func combine() {
        var a = GroupScore(), b = GroupScore()
        a.scoredUSD = 1; a.hitUSD = 1; a.correlation = 1; a.correlationWeight = 1
        b.scoredUSD = 3; b.hitUSD = 0; b.correlation = -1; b.correlationWeight = 3
        let c = GroupScore.combine([a, b])
        #expect(c.scoredUSD == 4 && c.hitUSD == 1 && c.correlation == -0.5)
    }
}

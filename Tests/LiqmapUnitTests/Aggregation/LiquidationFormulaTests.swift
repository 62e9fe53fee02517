import LiqmapAggregation
import LiqmapCore
import Testing

@Suite("Aggregation: liquidation-price formulas")
struct AggregationFormulaTests {
    /// Binance BTCUSDT brackets of the reference (snapshot 2025-08-19).
    static let binance = MarginTable.continuous([(300_000, 0.004), (800_000, 0.005), (3_000_000, 0.0065), (12_000_000, 0.01)])

    func close(_ a: Double?, _ b: Double, tolerance: Double = 1e-6) -> Bool { a.map { abs($0 - b) < tolerance } ?? false }

    @Test("continuous deductions reproduce Binance's cum column: 0, 300, 1,500, 12,000")
    func continuousTiers() {
        #expect(zip(Self.binance.tiers.map(\.deduction), [0, 300, 1_500, 12_000]).allSatisfy { close($0, $1) })
        #expect(Self.binance.tier(forNotional: 300_000).mmr == 0.004)
        #expect(Self.binance.tier(forNotional: 300_001).mmr == 0.005)
        #expect(Self.binance.tier(forNotional: 50_000_000).mmr == 0.01)
    }

    @Test("Bybit linear: 1 BTC at 20,000, 50x, MMR 0.5 % → 19,700 (short 20,300)")
    func bybit() {
        let table = MarginTable.flat(mmr: 0.005)
        let f = LiquidationFormula.bybitLinear
        #expect(close(f.liquidationPrice(side: .long, entry: 20_000, leverage: 50, notionalUSD: 20_000, table: table), 19_700))
        #expect(close(f.liquidationPrice(side: .short, entry: 20_000, leverage: 50, notionalUSD: 20_000, table: table), 20_300))
        // mmDeduction 100 on a 1 BTC position: MM = 100 − 100 = 0 → 20,000 − 400 = 19,600.
        let deducted = MarginTable(tiers: [MarginTier(notionalCap: 1e9, mmr: 0.005, deduction: 100)])
        #expect(close(f.liquidationPrice(side: .long, entry: 20_000, leverage: 50, notionalUSD: 20_000, table: deducted), 19_600))
    }

    @Test("Binance USD-M: (Q·EP − M − cum)/(Q(1 − MMR)) and the short mirror")
    func binanceLinear() {
        let f = LiquidationFormula.binanceLinear
        // 1 BTC at 20,000, 50x, tier 1 (0.4 %, cum 0): 19,600 / 0.996 = 19,678.7149; short 20,400 / 1.004.
        #expect(close(f.liquidationPrice(side: .long, entry: 20_000, leverage: 50, notionalUSD: 20_000, table: Self.binance), 19_678.714_859_437_75))
        #expect(close(f.liquidationPrice(side: .short, entry: 20_000, leverage: 50, notionalUSD: 20_000, table: Self.binance), 20_318.725_099_601_594))
        // 20 BTC (400k, tier 2: 0.5 %, cum 300): (400,000 − 8,000 − 300) / (20 × 0.995) = 19,683.4171.
        #expect(close(f.liquidationPrice(side: .long, entry: 20_000, leverage: 50, notionalUSD: 400_000, table: Self.binance), 19_683.417_085_427_136))
        // 15.1 BTC = 302,000 (tier 2) liquidates at 19,678.53 where the notional is 297,145 (tier 1):
        // re-picked, (302,000 − 6,040) / (15.1 × 0.996) = 19,678.7149.
        #expect(close(f.liquidationPrice(side: .long, entry: 20_000, leverage: 50, notionalUSD: 302_000, table: Self.binance), 19_678.714_859_437_75))
    }

    @Test("Binance COIN-M: S(1 + MMR)/(M + cum + S/EP), short S(1 − MMR)/(S/EP − M − cum)")
    func binanceInverse() {
        let f = LiquidationFormula.binanceInverse
        let table = MarginTable.flat(mmr: 0.004)
        // 10 contracts × 100 USD at 20,000, 50x: M = 0.001 BTC; 1,004 / 0.051 and 996 / 0.049.
        #expect(close(f.liquidationPrice(side: .long, entry: 20_000, leverage: 50, notionalUSD: 1_000, table: table), 19_686.274_509_803_923))
        #expect(close(f.liquidationPrice(side: .short, entry: 20_000, leverage: 50, notionalUSD: 1_000, table: table), 20_326.530_612_244_896))
        #expect(f.isInverse)
    }

    @Test("OKX: the taker fee joins the MMR")
    func okx() {
        let f = LiquidationFormula.okxLinear
        let table = MarginTable.flat(mmr: 0.004)
        #expect(close(f.liquidationPrice(side: .long, entry: 20_000, leverage: 50, notionalUSD: 20_000, table: table, takerFee: 0.0005), 19_688.598_694_123_553))
        #expect(close(f.liquidationPrice(side: .short, entry: 20_000, leverage: 50, notionalUSD: 20_000, table: table, takerFee: 0.0005), 20_308.611_249_377_802))
    }

    @Test("generic formulas, and positions that cannot be liquidated")
    func generic() {
        let table = MarginTable.flat(mmr: 0.005)
        #expect(close(LiquidationFormula.genericLinear.liquidationPrice(side: .long, entry: 20_000, leverage: 10, notionalUSD: 1, table: table), 18_090.452_261_306_53))
        #expect(close(LiquidationFormula.genericInverse.liquidationPrice(side: .long, entry: 20_000, leverage: 10, notionalUSD: 1, table: table), 18_272.727_272_727_27))
        #expect(close(LiquidationFormula.genericInverse.liquidationPrice(side: .short, entry: 20_000, leverage: 10, notionalUSD: 1, table: table), 22_111.111_111_111_11))
        #expect(LiquidationFormula.genericLinear.liquidationPrice(side: .long, entry: 20_000, leverage: 1, notionalUSD: 1, table: table) == nil)
        #expect(LiquidationFormula.genericInverse.liquidationPrice(side: .short, entry: 20_000, leverage: 1, notionalUSD: 1, table: table) == nil)
        #expect(LiquidationFormula.bybitLinear.liquidationPrice(side: .long, entry: 0, leverage: 10, notionalUSD: 1, table: table) == nil)
        for f in LiquidationFormula.allCases {
            let long = f.liquidationPrice(side: .long, entry: 20_000, leverage: 20, notionalUSD: 10_000, table: table)!
            let short = f.liquidationPrice(side: .short, entry: 20_000, leverage: 20, notionalUSD: 10_000, table: table)!
            #expect(long < 20_000 && long > 18_900, "\(f) long \(long)")
            #expect(short > 20_000 && short < 21_100, "\(f) short \(short)")
        }
    }

    @Test("feeds map to their venue's formula")
    func feeds() {
        #expect(LiquidationFormula.of(feed: .binanceUSDM, instrument: "BTC-USDT-PERP") == .binanceLinear)
        #expect(LiquidationFormula.of(feed: .binanceCOINM, instrument: "BTC-USD-PERP") == .binanceInverse)
        #expect(LiquidationFormula.of(feed: .bybitLinear, instrument: "BTC-USDT-PERP") == .bybitLinear)
        #expect(LiquidationFormula.of(feed: .okx, instrument: "BTC-USDT-PERP") == .okxLinear)
        #expect(LiquidationFormula.of(feed: .okx, instrument: "BTC-USD-PERP") == .genericInverse)
        #expect(LiquidationFormula.of(feed: .bitmex, instrument: "BTC-USD-PERP") == .genericInverse)
        #expect(LiquidationFormula.of(feed: .hyperliquid, instrument: "BTC-USDC-PERP") == .genericLinear)
    }
}

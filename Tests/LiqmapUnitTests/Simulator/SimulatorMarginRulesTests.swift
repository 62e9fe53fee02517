import LiqmapCore
@testable import LiqmapSimulator
import Testing

/// Liquidation-price math against hand-worked examples (shared/reference/heatmap-products.md §C).
@Suite("Simulator: margin tiers and liquidation prices")
struct SimulatorMarginRulesTests {
    static let btc = AssetSpec.named("BTC")!

    static func rules(_ feed: Feed, _ asset: AssetSpec = btc) -> MarginRules {
        let profile = VenueProfile.standard(feed)
        return profile.marginRules(asset, instrument: profile.instrument(asset.name)!)
    }

    static func close(_ a: Double, _ b: Double, _ tolerance: Double = 0.005) -> Bool { abs(a - b) <= tolerance }

    @Test("Binance BTCUSDT tiers: cum is continuous (0, 300, 1,500, 12,000) and max leverage falls with notional")
    func binanceTiers() {
        let tiers = Self.rules(.binanceUSDM).tiers
        #expect(tiers.map(\.cum).prefix(4) == [0, 300, 1500, 12_000])
        #expect(tiers.map(\.mmr).prefix(4) == [0.004, 0.005, 0.0065, 0.01])
        #expect(Self.rules(.binanceUSDM).tierIndex(notional: 299_999) == 0)
        #expect(Self.rules(.binanceUSDM).tierIndex(notional: 300_000) == 1)
        #expect(Self.rules(.binanceUSDM).maxLeverage(notional: 1_000_000) == 75)
        // Maintenance margin is continuous at a boundary: 800k × 0.5% − 300 = 800k × 0.65% − 1,500 = 3,700.
        #expect(Self.close(800_000 * tiers[1].mmr - tiers[1].cum, 800_000 * tiers[2].mmr - tiers[2].cum))
    }

    @Test("Binance USD-M isolated: hand-worked liquidation prices")
    func binance() {
        let r = Self.rules(.binanceUSDM)
        // 1 BTC at 50,000, 10x: margin 5,000, tier 1 (0.4%, cum 0): (50,000 − 5,000) / (1 × 0.996) = 45,180.72.
        #expect(Self.close(r.liquidationPrice(long: true, entry: 50_000, qty: 1, leverage: 10), 45_180.7229))
        // Short: (50,000 + 5,000) / 1.004 = 54,780.88.
        #expect(Self.close(r.liquidationPrice(long: false, entry: 50_000, qty: 1, leverage: 10), 54_780.8765))
        // 10 BTC at 50,000 (500k, tier 2: 0.5%, cum 300), 20x: margin 25,000:
        // long (500,000 − 25,000 − 300) / (10 × 0.995) = 47,708.54; short (500,000 + 25,000 + 300) / (10 × 1.005) = 52,268.66.
        #expect(Self.close(r.liquidationPrice(long: true, entry: 50_000, qty: 10, leverage: 20), 47_708.5427))
        #expect(Self.close(r.liquidationPrice(long: false, entry: 50_000, qty: 10, leverage: 20), 52_268.6567))
        // Re-picked tier: 3.1 BTC at 100,000 (310k, tier 2), 20x, margin 15,500. Tier 2 gives 95,380.10, where
        // the notional (295.7k) is in tier 1, so Binance uses tier 1: (310,000 − 15,500) / (3.1 × 0.996) = 95,381.53.
        #expect(Self.close(r.liquidationPrice(long: true, entry: 100_000, qty: 3.1, leverage: 20), 95_381.5258))
    }

    @Test("Bybit linear: the worked example 1 BTC at 20,000, 50x, MMR 0.5% → 19,700")
    func bybit() {
        let r = Self.rules(.bybitLinear)
        #expect(Self.close(r.liquidationPrice(long: true, entry: 20_000, qty: 1, leverage: 50), 19_700))
        #expect(Self.close(r.liquidationPrice(long: false, entry: 20_000, qty: 1, leverage: 50), 20_300))
        // Tier 2 (1%, mmDeduction 2M × 0.5% = 10,000): 100 BTC at 50,000 = 5M, 20x: IM 250,000,
        // MM 50,000 − 10,000 = 40,000 → long 50,000 − 210,000/100 = 47,900.
        #expect(r.tiers[1].cum == 10_000)
        #expect(Self.close(r.liquidationPrice(long: true, entry: 50_000, qty: 100, leverage: 20), 47_900))
    }

    @Test("OKX swap: (Q·EP − M) / (Q·(1 − MMR − taker fee))")
    func okx() {
        let r = Self.rules(.okx)
        // 1 BTC at 50,000, 10x: 45,000 / (1 − 0.004 − 0.0005) = 45,203.42; short 55,000 / 1.0045 = 54,753.61.
        #expect(Self.close(r.liquidationPrice(long: true, entry: 50_000, qty: 1, leverage: 10), 45_203.4154))
        #expect(Self.close(r.liquidationPrice(long: false, entry: 50_000, qty: 1, leverage: 10), 54_753.6088))
    }

    @Test("inverse (COIN-M formula): S·(1 + MMR) / (S/EP + S/(EP·L) + cum)")
    func inverse() {
        let r = MarginRules(formula: .inverse, tiers: [MarginTier(floor: 0, cap: .infinity, mmr: 0.005, cum: 0, maxLeverage: 125)])
        // 10,000 USD at 50,000 = 0.2 BTC, 10x: margin 0.02 BTC. Long 10,050 / 0.22 = 45,681.82; short 9,950 / 0.18 = 55,277.78.
        #expect(Self.close(r.liquidationPrice(long: true, entry: 50_000, qty: 10_000, leverage: 10), 45_681.8182))
        #expect(Self.close(r.liquidationPrice(long: false, entry: 50_000, qty: 10_000, leverage: 10), 55_277.7778))
        // Bankruptcy: EP·L/(L ± 1).
        #expect(Self.close(r.bankruptcyPrice(long: true, entry: 50_000, leverage: 10), 45_454.5455))
        #expect(Self.close(r.bankruptcyPrice(long: false, entry: 50_000, leverage: 10), 55_555.5556))
        // Venue tiers are in coin at the start price: Binance COIN-M BTC tier 1 ends at 500k / 95,000 coins.
        #expect(Self.close(Self.rules(.binanceCOINM).tiers[0].cap, 500_000 / 95_000, 1e-9))
    }

    @Test("Hyperliquid: maintenance = half the initial margin at max leverage (BTC 40x → 1.25%)")
    func hyperliquid() {
        let r = Self.rules(.hyperliquid)
        #expect(r.tiers.count == 1 && r.tiers[0].mmr == 0.0125 && r.tiers[0].maxLeverage == 40)
        // 1 BTC at 50,000, 20x: (50,000 − 2,500) / 0.9875 = 48,101.27.
        #expect(Self.close(r.liquidationPrice(long: true, entry: 50_000, qty: 1, leverage: 20), 48_101.2658))
        #expect(Self.rules(.hyperliquid, AssetSpec.named("SOL")!).tiers[0].maxLeverage == 20)
    }

    @Test("linear bankruptcy price: EP·(1 ∓ 1/L); the liquidation price lies between entry and bankruptcy")
    func bankruptcy() {
        for feed in [Feed.binanceUSDM, .bybitLinear, .okx] {
            let r = Self.rules(feed)
            #expect(Self.close(r.bankruptcyPrice(long: true, entry: 50_000, leverage: 10), 45_000))
            #expect(Self.close(r.bankruptcyPrice(long: false, entry: 50_000, leverage: 10), 55_000))
            for leverage in [2.0, 5, 10, 25, 50, 100] {
                let long = r.liquidationPrice(long: true, entry: 50_000, qty: 1, leverage: leverage)
                let short = r.liquidationPrice(long: false, entry: 50_000, qty: 1, leverage: leverage)
                #expect(long < 50_000 && long > r.bankruptcyPrice(long: true, entry: 50_000, leverage: leverage), "\(feed) \(leverage)x")
                #expect(short > 50_000 && short < r.bankruptcyPrice(long: false, entry: 50_000, leverage: leverage), "\(feed) \(leverage)x")
            }
        }
    }
}

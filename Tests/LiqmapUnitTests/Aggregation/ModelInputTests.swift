import Foundation
import LiqmapAggregation
import LiqmapCore
import Testing

@Suite("Aggregation: model parameters and minute summaries")
struct AggregationModelInputTests {
    typealias F = AggregationFixtures

    @Test("parameters decode with defaults for missing keys and round-trip")
    func parameters() throws {
        let defaults = try JSONDecoder().decode(ModelParameters.self, from: Data("{}".utf8))
        #expect(defaults == ModelParameters())
        #expect(defaults.leverageTiers.map(\.leverage) == [5, 10, 25, 50, 100])
        #expect(defaults.problems.isEmpty)
        let partial = try JSONDecoder().decode(ModelParameters.self, from: Data(#"""
            {"taker_flow_weight": 0.5, "leverage_tiers": [{"leverage": 20, "weight": 2}], "decay_half_life_minutes": 1440,
             "fallback_margin_table": {"tiers": [{"notional_cap": 1e6, "mmr": 0.01, "deduction": 0}]}}
            """#.utf8))
        #expect(partial.takerFlowWeight == 0.5 && partial.decayHalfLifeMinutes == 1_440)
        #expect(partial.normalizedTierWeights == [1])
        #expect(partial.fallbackMarginTable.tiers == [MarginTier(notionalCap: 1e6, mmr: 0.01)])
        #expect(partial.typicalPositionUSD == 10_000)
        let again = try JSONDecoder().decode(ModelParameters.self, from: JSONEncoder().encode(partial))
        #expect(again == partial)
        #expect(try JSONDecoder().decode(ModelParameters.self, from: JSONEncoder().encode(ModelParameters())) == ModelParameters())
    }

    @Test("bad parameters are named")
    func problems() {
        var p = ModelParameters()
        p.leverageTiers = [.init(leverage: 0.5, weight: 1)]
        p.takerFlowWeight = 2
        p.decayHalfLifeMinutes = 0
        #expect(p.problems.count == 3)
        p = ModelParameters()
        p.entryOffsets = []
        #expect(!p.problems.isEmpty)
    }

    func mark(_ ts: Int64, _ price: Double) -> NormalizedEvent {
        NormalizedEvent(venue: .binance, feed: .binanceUSDM, symbol: "BTCUSDT", instrument: "BTC-USDT-PERP", ts: ts, recvTs: nil,
                        body: .markPrice(MarkPrice(price: price, indexPrice: nil, fundingRate: nil)))
    }

    func oi(_ ts: Int64, _ qty: Double) -> NormalizedEvent {
        NormalizedEvent(venue: .binance, feed: .binanceUSDM, symbol: "BTCUSDT", instrument: "BTC-USDT-PERP", ts: ts, recvTs: nil,
                        body: .openInterest(OpenInterest(oiQty: qty, oiUSD: qty * 20_000)))
    }

    @Test("events fold into minute summaries; closed minutes are handed out once")
    func builder() {
        var b = MinuteSummaryBuilder()
        b.add(F.trade(ts: 60_000, side: .buy, price: 20_000, qty: 1))
        b.add(F.trade(ts: 60_500, side: .sell, price: 20_300, qty: 2))
        b.add(mark(60_100, 20_050))
        b.add(mark(60_900, 20_010))
        b.add(mark(60_200, 20_100))
        b.add(oi(60_800, 101))
        b.add(oi(60_700, 99))  // older: loses to ts 60,800
        b.add(F.trade(ts: 120_000, side: .buy, price: 20_500, qty: 1))  // minute 2
        b.add(F.liquidation(ts: 60_000, side: .long, price: 1, usd: 1))  // ignored
        let first = b.close(before: 2)
        #expect(first.count == 1)
        let s = first[0]
        #expect(s.minute == 1 && s.openInterestBase == 101 && s.openInterestUSD == 2_020_000)
        #expect(s.takerBuyUSD == 20_000 && s.takerSellUSD == 40_600)
        #expect(abs(s.vwap! - 60_600.0 / 3) < 1e-9)  // (20,000 + 2 × 20,300) / 3
        #expect(s.markHigh == 20_100 && s.markLow == 20_010 && s.markClose == 20_010)
        #expect(abs(s.takerBuyShare! - 20_000 / 60_600.0) < 1e-12)
        b.add(F.trade(ts: 60_001, side: .buy, price: 1, qty: 1))  // minute 1 is closed
        #expect(b.late == 1)
        let second = b.close(before: 3)
        // No mark price in minute 2: the trade range stands in.
        #expect(second == [MinuteSummary(minute: 2, takerBuyUSD: 20_500, vwap: 20_500, markHigh: 20_500, markLow: 20_500, markClose: 20_500)])
        #expect(b.close(before: 3).isEmpty)
    }
}

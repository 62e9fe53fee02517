import LiqmapAggregation
import LiqmapCore
import Testing

@Suite("Aggregation: realized layer")
struct AggregationRealizedTests {
    typealias F = AggregationFixtures

    @Test("a liquidation lands in one cell per resolution; other events are ignored")
    func placement() {
        var acc = RealizedAccumulator(resolutions: [.m1, .h1])
        let ts: Int64 = 1_700_000_000_000  // minute 28,333,333; hour 472,222
        #expect(acc.add(F.liquidation(ts: ts, side: .long, price: 20_000, usd: 1_234.5678915)) == .added)
        #expect(acc.add(F.liquidation(ts: ts + 1, side: .short, price: 20_001, usd: 10)) == .added)
        #expect(acc.add(F.trade(ts: ts, side: .buy, price: 20_000, qty: 1)) == .ignored)
        let deltas = acc.take()
        #expect(deltas.count == 2)
        let m1 = TileKey(venue: .binance, instrument: "BTC-USDT-PERP", layer: .realized, resolution: .m1, tile: 110_677)
        // 28,333,333 = 110,677 × 256 + 21; row of 20,000 and 20,001 at level 0: 49,522.
        let cell = deltas[m1]?[CellKey(column: 21, row: 49_522)]
        #expect(cell == CellValue(longUSD: MicroUSD(micros: 1_234_567_892), shortUSD: MicroUSD(micros: 10_000_000), longCount: 1, shortCount: 1))
        let h1 = TileKey(venue: .binance, instrument: "BTC-USDT-PERP", layer: .realized, resolution: .h1, tile: 1_844)
        #expect(deltas[h1]?[CellKey(column: 158, row: 6_190)].longCount == 1)
        #expect(acc.take().isEmpty)
    }

    @Test("liquidations that cannot be placed are refused and counted")
    func rejections() {
        var acc = RealizedAccumulator()
        #expect(acc.add(F.liquidation(ts: nil, side: .long, price: 1, usd: 1)) == .rejected(.noTime))
        #expect(acc.add(F.liquidation(ts: 1, side: .long, price: 0, usd: 1)) == .rejected(.badPrice))
        #expect(acc.add(F.liquidation(ts: 1, side: .long, price: 1, usd: .nan)) == .rejected(.badUSD))
        #expect(acc.add(F.liquidation(ts: 1, side: .long, price: 1, usd: -1)) == .rejected(.badUSD))
        #expect(acc.rejected == [.noTime: 1, .badPrice: 1, .badUSD: 2])
        #expect(acc.take().isEmpty)
    }

    @Test("totals per venue and side equal the sum of the events' rounded values exactly")
    func exactTotals() {
        let events = F.randomLiquidations(count: 5_000, seed: 7)
        var acc = RealizedAccumulator(resolutions: [.m1, .h12])
        acc.add(contentsOf: events)
        let deltas = acc.take()
        for venue in [Venue.binance, .bybit] {
            for res in [TimeResolution.m1, .h12] {
                var total = CellValue.zero
                for (key, delta) in deltas where key.venue == venue && key.resolution == res { total += delta.total }
                var expected = CellValue.zero
                for event in events where event.venue == venue {
                    guard case .liquidation(let l) = event.body else { continue }
                    let usd = MicroUSD(usd: l.notionalUSD)!
                    expected += l.side == .long ? CellValue(longUSD: usd, longCount: 1) : CellValue(shortUSD: usd, shortCount: 1)
                }
                #expect(total == expected)
                #expect(total.longCount + total.shortCount > 2_000)
            }
        }
    }

    @Test("merging deltas is associative and commutative; zero cells vanish")
    func mergeLaws() {
        func deltas(_ range: Range<Int>) -> TileDeltas {
            var acc = RealizedAccumulator(resolutions: [.m5])
            acc.add(contentsOf: F.randomLiquidations(count: 3_000, seed: 11)[range])
            return acc.take()
        }
        let a = deltas(0..<1_000), b = deltas(1_000..<2_000), c = deltas(2_000..<3_000)
        var ab = a
        ab.merge(deltas: b)
        var abc1 = ab
        abc1.merge(deltas: c)  // (a + b) + c
        var bc = b
        bc.merge(deltas: c)
        var abc2 = a
        abc2.merge(deltas: bc)  // a + (b + c)
        var cba = c
        cba.merge(deltas: b)
        cba.merge(deltas: a)  // c + b + a
        #expect(abc1 == abc2)
        #expect(abc1 == cba)
        #expect(abc1 == deltas(0..<3_000))  // one batch or three: the same tiles

        var cell = TileDelta()
        cell.add(CellValue(longUSD: MicroUSD(micros: 5), longCount: 1), at: CellKey(column: 1, row: 2))
        cell.merge(TileDelta([(CellKey(column: 1, row: 2), CellValue(longUSD: MicroUSD(micros: -5), longCount: 0))]))
        #expect(cell[CellKey(column: 1, row: 2)] == CellValue(longCount: 1))
        cell.add(CellValue(longCount: 0), at: CellKey(column: 9, row: 9))
        #expect(cell.count == 1)
    }

    @Test("rolling 1m cells up gives the tiles that aggregating at the coarse resolution gives", arguments: [
        (TimeResolution.m1, TimeResolution.h1), (.m1, .m3), (.m1, .h12), (.m5, .m15), (.m15, .h4), (.h4, .h12),
    ])
    func rollup(fine: TimeResolution, coarse: TimeResolution) {
        let events = F.randomLiquidations(count: 4_000, seed: 3)
        var fineAcc = RealizedAccumulator(resolutions: [fine])
        fineAcc.add(contentsOf: events)
        var coarseAcc = RealizedAccumulator(resolutions: [coarse])
        coarseAcc.add(contentsOf: events)
        let direct = coarseAcc.take()
        let rolled = Rollup.rollUp(fineAcc.take(), to: coarse, from: fine)
        #expect(rolled == direct)
        #expect(!direct.isEmpty)
    }

    @Test("rollup needs a whole multiple")
    func rollupMultiples() {
        #expect(Rollup.canRollUp(from: .m1, to: .m5))
        #expect(!Rollup.canRollUp(from: .m3, to: .m5))
        #expect(!Rollup.canRollUp(from: .h1, to: .m15))
    }
}

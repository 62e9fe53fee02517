import Foundation
import LiqmapAggregation
import LiqmapCore
import Testing

@Suite("Aggregation: projected book")
struct AggregationBookTests {
    /// One 10x tier, generic linear formula, 0.5 % MMR: long levels at EP·0.9/0.995, short at EP·1.1/1.005.
    static func oneTier(_ change: (inout ModelParameters) -> Void = { _ in }) -> LiquidationBook {
        var p = ModelParameters()
        p.leverageTiers = [.init(leverage: 10, weight: 1)]
        change(&p)
        return LiquidationBook(venue: .binance, instrument: "BTC-USDT-PERP", formula: .genericLinear, marginTable: .flat(mmr: 0.005), parameters: p)
    }

    func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-6 * max(1, abs(b)) }

    @Test("new open interest is split by taker flow and placed at each side's liquidation price")
    func opening() {
        var book = Self.oneTier()
        #expect(book.advance(MinuteSummary(minute: 0, openInterestBase: 100, vwap: 20_000)).openedLongUSD == 0)  // baseline only
        // +10 BTC at VWAP 20,000 = 200,000 USD; taker buys 300 of 400 → 75 % long.
        let step = book.advance(MinuteSummary(minute: 1, openInterestBase: 110, takerBuyUSD: 300, takerSellUSD: 100, vwap: 20_000, markHigh: 20_010, markLow: 19_990, markClose: 20_000))
        #expect(close(step.openedLongUSD, 150_000) && close(step.openedShortUSD, 50_000))
        let long = book.tiers[0].long, short = book.tiers[0].short
        #expect(long.count == 1 && short.count == 1)
        #expect(close(long[0].price, 18_090.452_261_306_53) && long[0].row == 49_020)
        #expect(close(short[0].price, 21_890.547_263_681_594) && short[0].row == 49_974)
        #expect(close(long[0].oi, 7.5) && close(short[0].oi, 2.5))
    }

    @Test("decreases shrink proportionally; triggered levels are removed and credited against the decrease")
    func shrinkAndTrigger() {
        var book = Self.oneTier()
        book.advance(MinuteSummary(minute: 0, openInterestBase: 100, vwap: 20_000))
        book.advance(MinuteSummary(minute: 1, openInterestBase: 110, takerBuyUSD: 3, takerSellUSD: 1, vwap: 20_000))
        // −11 BTC of 110: every level loses 10 %.
        let shrink = book.advance(MinuteSummary(minute: 2, openInterestBase: 99, vwap: 20_000, markHigh: 20_100, markLow: 19_900))
        #expect(close(shrink.shrinkFraction, 0.1))
        #expect(close(book.totalUSD.long, 135_000) && close(book.totalUSD.short, 45_000))
        // The high reaches the short level at 21,890.55: 45,000 USD (2.25 BTC) triggered; OI falls by
        // exactly those 2.25 BTC, which is credited, so the long side does not shrink.
        let up = book.advance(MinuteSummary(minute: 3, openInterestBase: 96.75, vwap: 21_000, markHigh: 22_000, markLow: 20_500))
        #expect(close(up.triggeredShortUSD, 45_000) && up.triggeredLongUSD == 0)
        #expect(up.shrinkFraction == 0)
        #expect(close(book.totalUSD.long, 135_000) && book.totalUSD.short == 0)
        // A low exactly at the long level's price triggers it (inclusive).
        let level = book.tiers[0].long[0].price
        let down = book.advance(MinuteSummary(minute: 4, markHigh: 20_000, markLow: level))
        #expect(close(down.triggeredLongUSD, 135_000))
        #expect(book.levelCount == 0)
    }

    @Test("the credit also reveals positions opened during a cascade")
    func creditOnIncrease() {
        var book = Self.oneTier()
        book.advance(MinuteSummary(minute: 0, openInterestBase: 100, vwap: 20_000))
        book.advance(MinuteSummary(minute: 1, openInterestBase: 110, takerBuyUSD: 3, takerSellUSD: 1, vwap: 20_000))
        // 2.5 BTC of shorts triggered while OI stayed at 110: 2.5 BTC were opened meanwhile.
        let step = book.advance(MinuteSummary(minute: 2, openInterestBase: 110, vwap: 22_000, markHigh: 22_000, markLow: 21_500))
        #expect(close(step.triggeredShortUSD, 50_000))
        #expect(close(step.openedLongUSD + step.openedShortUSD, 2.5 * 22_000))
    }

    @Test("without the credit, a cascade also shrinks the rest of the book")
    func noCredit() {
        var book = Self.oneTier { $0.creditTriggered = false }
        book.advance(MinuteSummary(minute: 0, openInterestBase: 100, vwap: 20_000))
        book.advance(MinuteSummary(minute: 1, openInterestBase: 110, takerBuyUSD: 3, takerSellUSD: 1, vwap: 20_000))
        let up = book.advance(MinuteSummary(minute: 2, openInterestBase: 107.5, markHigh: 22_000, markLow: 20_500))
        #expect(close(up.shrinkFraction, 2.5 / 110))
        #expect(close(book.totalUSD.long, 150_000 * (1 - 2.5 / 110)))
    }

    @Test("shrinking against the book's own total")
    func shrinkAgainstBook() {
        var book = Self.oneTier { $0.shrinkReference = .book }
        book.advance(MinuteSummary(minute: 0, openInterestBase: 100, vwap: 20_000))
        book.advance(MinuteSummary(minute: 1, openInterestBase: 110, vwap: 20_000))  // no volume: 50/50
        #expect(close(book.totalUSD.long, 100_000) && close(book.totalUSD.short, 100_000))
        let step = book.advance(MinuteSummary(minute: 2, openInterestBase: 105, vwap: 20_000))  // −5 of the book's 10 BTC
        #expect(close(step.shrinkFraction, 0.5))
        #expect(close(book.totalUSD.long, 50_000))
    }

    @Test("an unbelievable jump leaves the book alone and resets the baseline")
    func glitch() {
        var book = Self.oneTier()
        book.advance(MinuteSummary(minute: 0, openInterestBase: 100, vwap: 20_000))
        let jump = book.advance(MinuteSummary(minute: 1, openInterestBase: 200, vwap: 20_000))
        #expect(jump.oiGlitch && book.levelCount == 0)
        #expect(book.openInterest == 200)
        let next = book.advance(MinuteSummary(minute: 2, openInterestBase: 201, vwap: 20_000))
        #expect(!next.oiGlitch && close(next.openedLongUSD + next.openedShortUSD, 20_000))
    }

    @Test("age decay halves a level every half-life; stale minutes are ignored")
    func decay() {
        var book = Self.oneTier { $0.decayHalfLifeMinutes = 10 }
        book.advance(MinuteSummary(minute: 0, openInterestBase: 100, vwap: 20_000))
        book.advance(MinuteSummary(minute: 1, openInterestBase: 101, vwap: 20_000))
        let later = book.advance(MinuteSummary(minute: 11))
        #expect(close(later.decayFactor, 0.5))
        #expect(close(book.totalUSD.long, 5_000))
        let stale = book.advance(MinuteSummary(minute: 11, openInterestBase: 150, vwap: 20_000))
        #expect(stale.stale && book.minute == 11 && book.openInterest == 101)
    }

    @Test("tier weights and entry offsets spread new positions; a tier that cannot be liquidated is counted")
    func spreading() {
        var p = ModelParameters()
        p.leverageTiers = [.init(leverage: 1, weight: 1), .init(leverage: 10, weight: 3)]
        p.entryOffsets = [.init(offset: -0.01, weight: 1), .init(offset: 0.01, weight: 1)]
        var book = LiquidationBook(venue: .okx, instrument: "BTC-USDT-PERP", formula: .genericLinear, marginTable: .flat(mmr: 0.005), parameters: p)
        book.advance(MinuteSummary(minute: 0, openInterestBase: 100, vwap: 20_000))
        // +1 BTC = 20,000 USD, no volume → 10,000 a side; 1x gets ¼, 10x ¾; each offset ½.
        let step = book.advance(MinuteSummary(minute: 1, openInterestBase: 101, vwap: 20_000))
        #expect(close(step.unplacedUSD, 2_500))  // 1x longs never liquidate
        #expect(close(step.openedLongUSD, 7_500) && close(step.openedShortUSD, 10_000))
        #expect(book.tiers[0].long.isEmpty && book.tiers[0].short.count == 2)
        // 1x short from 19,800: 19,800 × 2 / 1.005.
        #expect(close(book.tiers[0].short[0].price, 39_402.985_074_626_87))
        #expect(book.tiers[1].long.count == 2)
        #expect(close(book.tiers[1].long.map(\.usd).reduce(0, +), 7_500))
    }

    @Test("inverse books count open interest in USD")
    func inverse() {
        var book = LiquidationBook(feed: .binanceCOINM, instrument: "BTC-USD-PERP", marginTable: .flat(mmr: 0.004))
        #expect(book.formula == .binanceInverse)
        book.advance(MinuteSummary(minute: 0, openInterestBase: 50, openInterestUSD: 1_000_000, vwap: 20_000))
        let step = book.advance(MinuteSummary(minute: 1, openInterestBase: 52, openInterestUSD: 1_020_000, takerBuyUSD: 1, takerSellUSD: 1, vwap: 20_400))
        #expect(close(step.openedLongUSD + step.openedShortUSD, 20_000))  // the USD change, not ΔBTC × price
        let oi = book.tiers.flatMap { $0.long + $0.short }.map(\.oi).reduce(0, +)
        #expect(close(oi, 20_000))
    }

    @Test("the same summaries give the same book, and a checkpoint restores it exactly")
    func determinism() throws {
        var rng = AggregationFixtures.SplitMix(state: 99)
        var summaries: [MinuteSummary] = []
        var oi = 1_000.0, price = 20_000.0
        for minute in Int64(0)..<600 {
            oi *= 1 + Double.random(in: -0.01...0.012, using: &rng)
            price *= 1 + Double.random(in: -0.003...0.003, using: &rng)
            summaries.append(MinuteSummary(
                minute: minute, openInterestBase: oi, takerBuyUSD: .random(in: 0...1e6, using: &rng), takerSellUSD: .random(in: 0...1e6, using: &rng),
                vwap: price, markHigh: price * 1.002, markLow: price * 0.998, markClose: price))
        }
        var a = LiquidationBook(feed: .bybitLinear, instrument: "BTC-USDT-PERP")
        var b = a
        var triggered = 0.0
        for s in summaries { triggered += a.advance(s).triggeredLongUSD }
        for s in summaries[..<300] { b.advance(s) }
        let checkpoint = try JSONEncoder().encode(b)
        var restored = try JSONDecoder().decode(LiquidationBook.self, from: checkpoint)
        for s in summaries[300...] { restored.advance(s) }
        #expect(restored == a)
        #expect(a.levelCount > 10 && triggered > 0)
    }

    @Test("snapshots band the levels near the mark, per tier, with their leverage filter")
    func snapshot() {
        var p = ModelParameters()
        p.leverageTiers = [.init(leverage: 2, weight: 1), .init(leverage: 10, weight: 1)]
        var book = LiquidationBook(venue: .binance, instrument: "BTC-USDT-PERP", formula: .genericLinear, marginTable: .flat(mmr: 0.005), parameters: p)
        book.advance(MinuteSummary(minute: 0, openInterestBase: 100, vwap: 20_000))
        book.advance(MinuteSummary(minute: 1, openInterestBase: 110, takerBuyUSD: 3, takerSellUSD: 1, vwap: 20_000, markClose: 20_000))
        // 2x: long 10,050.25 (−49.7 %) is outside ±30 %; short 20,000 × 1.5 / 1.005 = 29,850.7 (+49 %) too.
        let snap = book.snapshot(level: 2)
        #expect(snap.bands.map(\.row) == [12_255, 12_493])  // 10x long and short, rows at level 2
        #expect(close(snap.bands[0].longUSD, 75_000) && snap.bands[0].longUSDByTier == [0, 75_000])
        #expect(close(snap.bands[1].shortUSD, 25_000) && snap.bands[1].shortUSDByTier == [0, 25_000])
        #expect(snap.bands[0].low <= 18_090.45 && 18_090.45 < snap.bands[0].high)
        #expect(snap.leverages == [2, 10] && snap.markPrice == 20_000 && snap.minute == 1)
        #expect(book.snapshot(level: 2, tiers: [0]).bands.isEmpty)
        #expect(close(snap.density[12_255] ?? 0, 75_000))
    }

    @Test("projected columns carry the snapshot at each resolution's level, tiers from 1")
    func projectedColumns() throws {
        var book = Self.oneTier()
        book.advance(MinuteSummary(minute: 28_333_330, openInterestBase: 100, vwap: 20_000))
        book.advance(MinuteSummary(minute: 28_333_333, openInterestBase: 110, takerBuyUSD: 3, takerSellUSD: 1, vwap: 20_000, markClose: 20_000))
        let columns = book.projectedColumns(resolutions: [.m1, .h1])
        #expect(columns.count == 2)
        #expect(columns[0].key == TileKey(venue: .binance, instrument: "BTC-USDT-PERP", layer: .projected, resolution: .m1, tile: 110_677))
        #expect(columns[0].column == 21)
        #expect(columns[0].cells[CellKey(column: 21, row: 49_020, tier: 1)] == CellValue(longUSD: MicroUSD(micros: 150_000_000_000)))
        #expect(columns[0].cells[CellKey(column: 21, row: 49_974, tier: 1)] == CellValue(shortUSD: MicroUSD(micros: 50_000_000_000)))
        #expect(columns[1].key.tile == 1_844 && columns[1].column == 158)
        #expect(columns[1].cells[CellKey(column: 158, row: 49_020 >> 3, tier: 1)].longUSD.micros == 150_000_000_000)
        let stored = try TileCodec.replaceColumn(columns[1], in: nil)
        #expect(try TileCodec.decode(stored).cells == columns[1].cells)
        #expect(LiquidationBook(feed: .okx, instrument: "BTC-USDT-PERP").projectedColumns().isEmpty)
    }
}

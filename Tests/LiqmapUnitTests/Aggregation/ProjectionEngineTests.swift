import Foundation
import LiqmapAggregation
import LiqmapCore
import Testing

@Suite("Aggregation: projection engine")
struct AggregationEngineTests {
    static func event(_ venue: Venue, _ ts: Int64, _ body: NormalizedEvent.Body) -> NormalizedEvent {
        NormalizedEvent(
            venue: venue, feed: venue == .binance ? .binanceUSDM : .bybitLinear, symbol: "BTCUSDT", instrument: "BTC-USDT-PERP", ts: ts,
            recvTs: nil, body: body)
    }

    /// Minute m: a buy and a sell trade, a mark, and open interest 100 + m (Binance) or 50 + 2m (Bybit).
    static func minute(_ m: Int64) -> [NormalizedEvent] {
        let t = m * 60_000
        let price = 20_000 + Double(m) * 10
        return [Venue.binance, .bybit].flatMap { venue in
            [
                event(venue, t + 1_000, .trade(Trade(id: "\(m)b", side: .buy, price: price, qty: 2, notionalUSD: price * 2))),
                event(venue, t + 2_000, .trade(Trade(id: "\(m)s", side: .sell, price: price, qty: 1, notionalUSD: price))),
                event(venue, t + 3_000, .markPrice(MarkPrice(price: price, indexPrice: nil, fundingRate: nil))),
                event(venue, t + 4_000, .openInterest(OpenInterest(oiQty: venue == .binance ? 100 + Double(m) : 50 + 2 * Double(m), oiUSD: nil))),
            ]
        }
    }

    @Test("books follow the same summaries a hand-driven book gets; columns are one per tile column")
    func matchesBooks() {
        var engine = ProjectionEngine(resolutions: [.m1, .h1])
        for m in Int64(0)..<3 { for e in Self.minute(m) { engine.add(e) } }
        let updates = engine.advance(before: 3)
        #expect(updates.map(\.key.venue) == [.binance, .bybit])
        #expect(updates[0].steps.map(\.minute) == [0, 1, 2])
        var builder = MinuteSummaryBuilder()
        var book = LiquidationBook(feed: .binanceUSDM, instrument: "BTC-USDT-PERP")
        for e in (0..<3).flatMap(Self.minute) where e.venue == .binance { builder.add(e) }
        for s in builder.close(before: 3) { book.advance(s) }
        #expect(engine.books[InstrumentKey(venue: .binance, instrument: "BTC-USDT-PERP")] == book)
        #expect(book.levelCount > 0)
        // Three 1m columns (one per minute) and one 1h column holding the latest snapshot.
        let columns = updates[0].columns
        #expect(columns.filter { $0.key.resolution == .m1 }.map(\.column) == [0, 1, 2])
        #expect(columns.filter { $0.key.resolution == .h1 }.count == 1)
        #expect(columns.first { $0.key.resolution == .h1 }?.cells == book.projectedColumns(resolutions: [.h1])[0].cells)
        #expect(engine.advance(before: 3).isEmpty)
    }

    @Test("minutes without events are advanced with empty summaries; late events are counted")
    func gapsAndLate() {
        var engine = ProjectionEngine(resolutions: [.m1])
        for e in Self.minute(0) + Self.minute(4) { engine.add(e) }
        let updates = engine.advance(before: 5)
        #expect(updates[0].steps.map(\.minute) == [0, 1, 2, 3, 4])
        #expect(updates[0].steps[1].openedLongUSD == 0)
        for e in Self.minute(2) { engine.add(e) }
        #expect(engine.lateEvents == 8)
    }

    @Test("a checkpoint taken with minutes still open continues exactly")
    func checkpoint() throws {
        let events = (0..<6).flatMap(Self.minute)
        var straight = ProjectionEngine()
        for e in events { straight.add(e) }
        _ = straight.advance(before: 2)
        _ = straight.advance(before: 6)

        var first = ProjectionEngine()
        for e in events[..<20] { first.add(e) }  // minutes 0–2 partly
        _ = first.advance(before: 2)
        var resumed = try JSONDecoder().decode(ProjectionEngine.self, from: JSONEncoder().encode(first))
        for e in events[20...] { resumed.add(e) }
        _ = resumed.advance(before: 6)
        #expect(resumed == straight)
    }
}

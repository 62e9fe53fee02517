import LiqmapAggregation
import LiqmapCore
import Testing

@Suite("Projection engine: watermark jumps")
struct ProjectionCatchUpTests {
    static func mark(_ minute: Int64) -> NormalizedEvent {
        NormalizedEvent(venue: .okx, feed: .okx, symbol: "BTC-USDT-SWAP", instrument: "BTC-USDT-PERP", ts: minute * 60_000 + 1, recvTs: nil,
                        body: .markPrice(MarkPrice(price: 50_000, indexPrice: nil, fundingRate: nil)))
    }

    @Test("a jump of ten days steps through an hour of minutes, not 14,400")
    func jumpIsCapped() {
        var engine = ProjectionEngine()
        engine.add(Self.mark(0))
        _ = engine.advance(before: 1)
        engine.add(Self.mark(14_400))
        let updates = engine.advance(before: 14_401)
        let steps = updates.reduce(0) { $0 + $1.steps.count }
        #expect(steps == Int(ProjectionEngine.maxCatchUpMinutes), "\(steps)")
        #expect(engine.books.values.first?.minute == 14_400)
    }
}

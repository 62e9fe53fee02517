import LiqmapAggregation
import LiqmapCore

/// Small builders shared by the aggregation tests.
enum AggregationFixtures {
    static func liquidation(
        venue: Venue = .binance, instrument: String = "BTC-USDT-PERP", ts: Int64?, side: PositionSide, price: Double, usd: Double
    ) -> NormalizedEvent {
        NormalizedEvent(
            venue: venue, feed: venue == .binance ? .binanceUSDM : .bybitLinear, symbol: "BTCUSDT", instrument: instrument, ts: ts,
            recvTs: nil, body: .liquidation(Liquidation(side: side, price: price, qty: usd / price, notionalUSD: usd)))
    }

    static func trade(ts: Int64, side: TakerSide, price: Double, qty: Double) -> NormalizedEvent {
        NormalizedEvent(
            venue: .binance, feed: .binanceUSDM, symbol: "BTCUSDT", instrument: "BTC-USDT-PERP", ts: ts, recvTs: nil,
            body: .trade(Trade(id: "\(ts)", side: side, price: price, qty: qty, notionalUSD: price * qty)))
    }

    /// A deterministic pseudo-random generator (SplitMix64), so randomized tests replay exactly.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// `count` liquidations spread over two days around 20,000 on two venues, from a seed.
    static func randomLiquidations(count: Int, seed: UInt64) -> [NormalizedEvent] {
        var rng = SplitMix(state: seed)
        return (0..<count).map { _ in
            liquidation(
                venue: Bool.random(using: &rng) ? .binance : .bybit,
                ts: 1_700_000_000_000 + Int64.random(in: 0..<(2 * 86_400_000), using: &rng),
                side: Bool.random(using: &rng) ? .long : .short,
                price: Double.random(in: 18_000...22_000, using: &rng),
                usd: Double.random(in: 0.01...250_000, using: &rng))
        }
    }
}

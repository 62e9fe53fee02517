/// One collector feed: a venue's market segment with its own wire format (the `--feed` values).
public enum Feed: String, Sendable, Hashable, Codable, CaseIterable {
    case binanceUSDM = "binance-usdm"
    case binanceCOINM = "binance-coinm"
    case bybitLinear = "bybit-linear"
    case bybitInverse = "bybit-inverse"
    case okx
    case deribit
    case bitmex
    case hyperliquid

    /// The venue the feed belongs to.
    public var venue: Venue {
        switch self {
        case .binanceUSDM, .binanceCOINM: .binance
        case .bybitLinear, .bybitInverse: .bybit
        case .okx: .okx
        case .deribit: .deribit
        case .bitmex: .bitmex
        case .hyperliquid: .hyperliquid
        }
    }
}

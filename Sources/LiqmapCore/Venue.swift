/// An exchange, as named in normalized events (`venue` field).
public enum Venue: String, Sendable, Hashable, Codable, CaseIterable {
    case binance, bybit, okx, deribit, bitmex, hyperliquid
}

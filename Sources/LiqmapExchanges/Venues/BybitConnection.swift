import LiqmapCore

/// Bybit v5 public connections: one per feed, `publicTrade`, `allLiquidation` and `tickers` topics
/// for each symbol (subscribed 10 topics per request); the client sends `{"op":"ping"}` every 20 s.
/// The trade stream has no per-symbol sequence (`seq` is the cross sequence, shared and not
/// consecutive), so gaps cannot be seen: after every reconnect the collector reads the last 1,000
/// trades per symbol from `/v5/market/recent-trade` instead.
public struct BybitConnection: FeedConnectionSpec {
    public let feed: Feed

    public init(feed: Feed) { self.feed = feed }
    var category: String { feed == .bybitLinear ? "linear" : "inverse" }

    public var defaultSymbols: [String] { feed == .bybitLinear ? ["BTCUSDT", "ETHUSDT", "SOLUSDT"] : ["BTCUSD", "ETHUSD"] }

    public func plans(symbols: [String], ws: String?) -> [ConnectionPlan] {
        let topics = symbols.flatMap { ["publicTrade.\($0)", "allLiquidation.\($0)", "tickers.\($0)"] }
        let requests = FeedConnections.chunks(topics, 10).enumerated().map { i, group in
            "{\"req_id\":\"sub-\(i)\",\"op\":\"subscribe\",\"args\":[\(group.map(FeedConnections.quote).joined(separator: ","))]}"
        }
        return [ConnectionPlan(url: FeedConnections.rebase("wss://stream.bybit.com/v5/public/\(category)", ws), subscribe: requests)]
    }

    public var keepalive: Keepalive { .send(message: #"{"req_id":"ping","op":"ping"}"#, seconds: 20) }

    public func recoveryURLs(symbols: [String], rest: String?) -> [(symbol: String, url: String)] {
        symbols.map { ($0, FeedConnections.rebase("https://api.bybit.com/v5/market/recent-trade?category=\(category)&symbol=\($0)&limit=1000", rest)) }
    }

    public func instrumentURLs(rest: String?) -> [String] {
        [FeedConnections.rebase("https://api.bybit.com/v5/market/instruments-info?category=\(category)&limit=1000", rest)]
    }
}

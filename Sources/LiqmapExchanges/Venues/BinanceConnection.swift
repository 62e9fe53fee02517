import LiqmapCore

/// Binance futures connections: combined streams on `/market/stream` (aggTrade, forceOrder,
/// markPrice@1s per symbol; at most 1024 streams per connection, so 300 symbols per connection);
/// the server pings every 3 minutes and the client library answers; connections live at most 24 h;
/// open interest has no stream and is polled over REST every 10 s per symbol.
public struct BinanceConnection: FeedConnectionSpec {
    public let feed: Feed

    public init(feed: Feed) { self.feed = feed }
    var wsHost: String { feed == .binanceUSDM ? "wss://fstream.binance.com" : "wss://dstream.binance.com" }
    var restHost: String { feed == .binanceUSDM ? "https://fapi.binance.com" : "https://dapi.binance.com" }
    var api: String { feed == .binanceUSDM ? "/fapi/v1" : "/dapi/v1" }

    public var defaultSymbols: [String] {
        feed == .binanceUSDM ? ["BTCUSDT", "ETHUSDT", "SOLUSDT"] : ["BTCUSD_PERP", "ETHUSD_PERP", "SOLUSD_PERP"]
    }

    public func plans(symbols: [String], ws: String?) -> [ConnectionPlan] {
        FeedConnections.chunks(symbols, 300).map { group in
            let streams = group.flatMap { s -> [String] in
                let l = s.lowercased()
                return ["\(l)@aggTrade", "\(l)@forceOrder", "\(l)@markPrice@1s"]
            }
            return ConnectionPlan(url: FeedConnections.rebase("\(wsHost)/market/stream?streams=\(streams.joined(separator: "/"))", ws), subscribe: [])
        }
    }

    public var keepalive: Keepalive { .serverPings }
    public var maxConnectionLifetime: Double? { 24 * 3600 - 10 * 60 }

    public func restPolls(symbols: [String], rest: String?) -> [RestPoll] {
        symbols.map { RestPoll(url: FeedConnections.rebase("\(restHost)\(api)/openInterest?symbol=\($0)", rest), seconds: 10) }
    }

    /// `aggTrades?symbol=&fromId=&limit=` (at most 1000 rows a request; larger gaps are fetched in part
    /// and the rest counted as lost).
    public func backfillURL(for gap: SequenceGap, rest: String?) -> String? {
        FeedConnections.rebase("\(restHost)\(api)/aggTrades?symbol=\(gap.symbol)&fromId=\(gap.from)&limit=\(min(1000, gap.count))", rest)
    }

    public func instrumentURLs(rest: String?) -> [String] { [FeedConnections.rebase("\(restHost)\(api)/exchangeInfo", rest)] }
}

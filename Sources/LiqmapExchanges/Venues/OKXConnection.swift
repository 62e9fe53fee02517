import LiqmapCore

/// OKX v5 public connection: trades, open-interest, mark-price and funding-rate per instrument, and
/// liquidation orders for all SWAP and FUTURES instruments (the channel takes an instType only);
/// the client sends the text `ping` every 20 s (OKX closes connections idle for 30 s).
public struct OKXConnection: FeedConnectionSpec {
    public let feed = Feed.okx

    public init() {}
    public var defaultSymbols: [String] { ["BTC-USDT-SWAP", "ETH-USDT-SWAP", "SOL-USDT-SWAP", "BTC-USD-SWAP"] }

    public func plans(symbols: [String], ws: String?) -> [ConnectionPlan] {
        var args = symbols.flatMap { s in
            ["trades", "open-interest", "mark-price", "funding-rate"].map { "{\"channel\":\"\($0)\",\"instId\":\(FeedConnections.quote(s))}" }
        }
        args += [#"{"channel":"liquidation-orders","instType":"SWAP"}"#, #"{"channel":"liquidation-orders","instType":"FUTURES"}"#]
        let requests = FeedConnections.chunks(args, 50).map { "{\"op\":\"subscribe\",\"args\":[\($0.joined(separator: ","))]}" }
        return [ConnectionPlan(url: FeedConnections.rebase("wss://ws.okx.com:8443/ws/v5/public", ws), subscribe: requests)]
    }

    public var keepalive: Keepalive { .send(message: "ping", seconds: 20) }

    public func instrumentURLs(rest: String?) -> [String] {
        ["SWAP", "FUTURES"].map { FeedConnections.rebase("https://www.okx.com/api/v5/public/instruments?instType=\($0)", rest) }
    }
}

import LiqmapCore

/// Hyperliquid connection: `trades` and `activeAssetCtx` per coin; the client sends
/// `{"method":"ping"}` every 50 s (the server drops connections silent for 60 s). No instrument
/// metadata is needed: every coin is a USDC perpetual sized in base units.
public struct HyperliquidConnection: FeedConnectionSpec {
    public let feed = Feed.hyperliquid

    public init() {}
    public var defaultSymbols: [String] { ["BTC", "ETH", "SOL"] }

    public func plans(symbols: [String], ws: String?) -> [ConnectionPlan] {
        let subs = symbols.flatMap { coin in
            ["trades", "activeAssetCtx"].map { "{\"method\":\"subscribe\",\"subscription\":{\"type\":\"\($0)\",\"coin\":\(FeedConnections.quote(coin))}}" }
        }
        return [ConnectionPlan(url: FeedConnections.rebase("wss://api.hyperliquid.xyz/ws", ws), subscribe: subs)]
    }

    public var keepalive: Keepalive { .send(message: #"{"method":"ping"}"#, seconds: 50) }

    public func instrumentURLs(rest: String?) -> [String] { [] }
}

import LiqmapCore

/// Deribit JSON-RPC connection: `trades.<inst>.100ms` and `ticker.<inst>.100ms` per instrument,
/// `public/set_heartbeat` every 10 s, and an answer (`public/test`) to every `test_request`.
public struct DeribitConnection: FeedConnectionSpec {
    public let feed = Feed.deribit

    public init() {}
    public var defaultSymbols: [String] { ["BTC-PERPETUAL", "ETH-PERPETUAL"] }

    public func plans(symbols: [String], ws: String?) -> [ConnectionPlan] {
        let channels = symbols.flatMap { ["trades.\($0).100ms", "ticker.\($0).100ms"] }.map(FeedConnections.quote)
        return [ConnectionPlan(url: FeedConnections.rebase("wss://www.deribit.com/ws/api/v2", ws), subscribe: [
            #"{"jsonrpc":"2.0","id":1,"method":"public/set_heartbeat","params":{"interval":10}}"#,
            "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"public/subscribe\",\"params\":{\"channels\":[\(channels.joined(separator: ","))]}}",
        ])]
    }

    public var keepalive: Keepalive { .serverPings }

    public func reply(to frame: String) -> String? {
        guard frame.contains("test_request"), let json = try? JSON.parse(frame), json["method"]?.string == "heartbeat",
              json["params"]?["type"]?.string == "test_request" else { return nil }
        return #"{"jsonrpc":"2.0","id":3,"method":"public/test","params":{}}"#
    }

    public func instrumentURLs(rest: String?) -> [String] {
        ["BTC", "ETH", "USDC"].map { FeedConnections.rebase("https://www.deribit.com/api/v2/public/get_instruments?currency=\($0)&kind=future", rest) }
    }
}

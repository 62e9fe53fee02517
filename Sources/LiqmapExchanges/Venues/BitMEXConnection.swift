import LiqmapCore

/// BitMEX realtime connection: `liquidation` for all symbols plus `trade` and `instrument` per
/// symbol, and always `instrument:XBTUSD` (its price values the quanto contracts whose liquidations
/// the all-symbol table delivers); the client sends the text `ping` (BitMEX wants one after 5 s of silence; every 5 s is
/// simplest and allowed).
public struct BitMEXConnection: FeedConnectionSpec {
    public let feed = Feed.bitmex

    public init() {}
    public var defaultSymbols: [String] { ["XBTUSD", "XBTUSDT"] }

    public func plans(symbols: [String], ws: String?) -> [ConnectionPlan] {
        var args = ["liquidation"] + symbols.flatMap { ["trade:\($0)", "instrument:\($0)"] }
        if !symbols.contains("XBTUSD") { args.append("instrument:XBTUSD") }
        return [ConnectionPlan(url: FeedConnections.rebase("wss://ws.bitmex.com/realtime", ws),
                               subscribe: ["{\"op\":\"subscribe\",\"args\":[\(args.map(FeedConnections.quote).joined(separator: ","))]}"])]
    }

    public var keepalive: Keepalive { .send(message: "ping", seconds: 5) }

    public func instrumentURLs(rest: String?) -> [String] { [FeedConnections.rebase("https://www.bitmex.com/api/v1/instrument/active", rest)] }
}

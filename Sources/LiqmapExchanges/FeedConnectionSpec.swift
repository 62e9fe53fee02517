import Foundation
import LiqmapCore

/// One WebSocket connection to open: its URL and the text frames to send once it is up.
public struct ConnectionPlan: Sendable, Hashable {
    public var url: String
    public var subscribe: [String]
    public init(url: String, subscribe: [String]) {
        self.url = url
        self.subscribe = subscribe
    }
}

/// How a connection is kept alive.
public enum Keepalive: Sendable, Hashable {
    /// The server pings with WebSocket ping frames; the client library answers with pongs.
    case serverPings
    /// The client sends `message` (a text frame) every `seconds`.
    case send(message: String, seconds: Double)
}

/// A REST endpoint polled for data the venue does not stream (Binance open interest).
public struct RestPoll: Sendable, Hashable {
    public var url: String
    public var seconds: Double
    public init(url: String, seconds: Double) {
        self.url = url
        self.seconds = seconds
    }
}

/// What a live collector needs to know about a venue's connections (pure; no sockets): where to
/// connect, what to subscribe, how to keep the connection alive, what to answer, what to poll.
/// `ws` / `rest` override the venue's hosts (`ws://127.0.0.1:9000`), for the loopback exchange and
/// the simulator.
public protocol FeedConnectionSpec: Sendable {
    var feed: Feed { get }
    /// Symbols collected when `--symbols` is not given: the majors.
    var defaultSymbols: [String] { get }
    func plans(symbols: [String], ws: String?) -> [ConnectionPlan]
    var keepalive: Keepalive { get }
    /// The venue closes connections after this long; the collector opens the next one first.
    var maxConnectionLifetime: Double? { get }
    /// A frame to send back for a control frame (Deribit's `test_request`), nil for everything else.
    func reply(to frame: String) -> String?
    /// The server's answer to our text keepalive (`pong`): consumed by the connection, never parsed.
    func isKeepaliveAnswer(_ frame: String) -> Bool
    func restPolls(symbols: [String], rest: String?) -> [RestPoll]
    /// REST bodies with instrument metadata (loaded into the ``InstrumentRegistry`` at start).
    func instrumentURLs(rest: String?) -> [String]
    /// Where to fetch the missing part of `gap` (nil where the venue has no such endpoint).
    func backfillURL(for gap: SequenceGap, rest: String?) -> String?
    /// The latest trades per symbol over REST, fetched once a reconnected stream is live again, for
    /// venues whose trade stream has no sequence to find gaps with (Bybit): what the outage hid is in
    /// there, and what was already seen is dropped as a duplicate.
    func recoveryURLs(symbols: [String], rest: String?) -> [(symbol: String, url: String)]
}

extension FeedConnectionSpec {
    public var maxConnectionLifetime: Double? { nil }
    public func reply(to frame: String) -> String? { nil }
    public func isKeepaliveAnswer(_ frame: String) -> Bool { frame == "pong" }
    public func backfillURL(for gap: SequenceGap, rest: String?) -> String? { nil }
    public func recoveryURLs(symbols: [String], rest: String?) -> [(symbol: String, url: String)] { [] }
    public func restPolls(symbols: [String], rest: String?) -> [RestPoll] { [] }
}

/// The connection spec of every feed.
public enum FeedConnections {
    public static func spec(_ feed: Feed) -> any FeedConnectionSpec {
        switch feed {
        case .binanceUSDM, .binanceCOINM: BinanceConnection(feed: feed)
        case .bybitLinear, .bybitInverse: BybitConnection(feed: feed)
        case .okx: OKXConnection()
        case .deribit: DeribitConnection()
        case .bitmex: BitMEXConnection()
        case .hyperliquid: HyperliquidConnection()
        }
    }

    /// `url` with its scheme and host replaced by `base` (`wss://fstream.binance.com/x` + `ws://127.0.0.1:9` → `ws://127.0.0.1:9/x`).
    static func rebase(_ url: String, _ base: String?) -> String {
        guard let base, url.contains("://") else { return url }
        let afterHost = pathAndQuery(of: url)
        return base.hasSuffix("/") ? String(base.dropLast()) + afterHost : base + afterHost
    }

    /// What follows the host of a URL: `https://h/a/b?c=d` → `/a/b?c=d` (empty without a path).
    public static func pathAndQuery(of url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        return url[schemeEnd.upperBound...].firstIndex(of: "/").map { String(url[$0...]) } ?? ""
    }

    /// Splits `items` into chunks of at most `size`.
    static func chunks<T>(_ items: [T], _ size: Int) -> [[T]] {
        stride(from: 0, to: items.count, by: size).map { Array(items[$0..<min($0 + size, items.count)]) }
    }

    /// A JSON string literal (quotes and escapes) for building subscription messages.
    static func quote(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default:
                if c.value < 0x20 { out += String(format0x: c.value) } else { out.unicodeScalars.append(c) }
            }
        }
        return out + "\""
    }
}

extension String {
    init(format0x value: UInt32) {
        let hex = String(value, radix: 16)
        self = "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
    }
}

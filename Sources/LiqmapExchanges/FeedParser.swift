import LiqmapCore

/// Turns one exchange frame into normalized events. One implementation per venue, pure (no I/O);
/// stateful where the venue sends deltas (Bybit tickers), hence `mutating`.
public protocol FeedParser: Sendable {
    /// The feed this parser reads.
    var feed: Feed { get }
    /// The instrument metadata it sizes events with (replaceable when the collector refreshes it,
    /// without losing the parser's other state).
    var instruments: InstrumentRegistry { get set }
    /// The events of one frame: empty for acks, pongs and unrelated channels; throws for a frame
    /// that cannot be read (counted and quarantined by the caller, never fatal).
    mutating func parse(_ frame: String, recvTs: Int64?) throws(MalformedFrame) -> [NormalizedEvent]
    /// Gaps in the venue's per-instrument sequence seen since the last call (Binance aggTrade `a`,
    /// Deribit `trade_seq`); empty for venues without one.
    mutating func takeGaps() -> [SequenceGap]
    /// The events of a REST backfill body for `symbol` (Binance `aggTrades`); empty where the venue
    /// offers no backfill.
    mutating func parseBackfill(_ body: String, symbol: String, recvTs: Int64?) throws(MalformedFrame) -> [NormalizedEvent]
}

extension FeedParser {
    public mutating func takeGaps() -> [SequenceGap] { [] }
    public mutating func parseBackfill(_ body: String, symbol: String, recvTs: Int64?) throws(MalformedFrame) -> [NormalizedEvent] { [] }
}

/// Sequence numbers that never arrived: `from...to`, inclusive, for one venue symbol.
public struct SequenceGap: Sendable, Hashable {
    public let symbol: String
    public let from: Int64
    public let to: Int64
    public init(symbol: String, from: Int64, to: Int64) {
        self.symbol = symbol
        self.from = from
        self.to = to
    }
    public var count: Int64 { to - from + 1 }
}

/// Tracks a per-key sequence and records the holes (pure). The key seen last is kept outside the
/// dictionary: a feed sends runs of the same symbol, and this runs once per trade.
struct SequenceTracker: Sendable {
    private var last: [String: Int64] = [:]
    private var currentKey = ""
    private var current: Int64?
    private(set) var gaps: [SequenceGap] = []

    /// Notes `value` for `key`; a jump past `last + 1` is a gap. Older or repeated values change nothing.
    mutating func see(_ value: Int64, for key: String) {
        if key != currentKey {
            if let current { last[currentKey] = current }
            currentKey = key
            current = last[key]
        }
        if let previous = current {
            guard value > previous else { return }
            if value > previous + 1 { gaps.append(SequenceGap(symbol: key, from: previous + 1, to: value - 1)) }
        }
        current = value
    }

    mutating func take() -> [SequenceGap] {
        defer { gaps.removeAll() }
        return gaps
    }
}

/// A frame that cannot be read, with the reason (reported on stderr and in the quarantine stream).
public struct MalformedFrame: Error, Sendable, Hashable, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// The parser for each feed, over one instrument registry.
public enum FeedParsers {
    public static func make(_ feed: Feed, instruments: InstrumentRegistry) -> any FeedParser {
        switch feed {
        case .binanceUSDM, .binanceCOINM: BinanceParser(feed: feed, instruments: instruments)
        case .bybitLinear, .bybitInverse: BybitParser(feed: feed, instruments: instruments)
        case .okx: OKXParser(instruments: instruments)
        case .deribit: DeribitParser(instruments: instruments)
        case .bitmex: BitMEXParser(instruments: instruments)
        case .hyperliquid: HyperliquidParser(instruments: instruments)
        }
    }
}

/// Small helpers the venue parsers share, over a frame read into a `JSONNode`.
enum Field {
    /// Reads `frame` as JSON and runs `body` on its root; text that is not JSON is malformed.
    static func read<R>(_ frame: String, _ body: (JSONNode) throws(MalformedFrame) -> R) throws(MalformedFrame) -> R {
        try JSONNode.read(frame, onError: { MalformedFrame($0.description) }, body)
    }

    /// The member as a finite Double, or a malformed-frame error naming it.
    static func double(_ json: JSONNode, _ key: StaticString) throws(MalformedFrame) -> Double {
        guard let value = json[key] else { throw MalformedFrame("missing '\(key)'") }
        guard let d = value.double, d.isFinite else { throw MalformedFrame("'\(key)' is not a number") }
        return d
    }

    /// Like `double`, and > 0 (sizes and prices).
    static func positive(_ json: JSONNode, _ key: StaticString) throws(MalformedFrame) -> Double {
        let d = try double(json, key)
        guard d > 0 else { throw MalformedFrame("'\(key)' is not positive") }
        return d
    }

    /// An optional number: absent, null or "" give nil; anything else must be a finite number.
    static func optionalDouble(_ json: JSONNode, _ key: StaticString) throws(MalformedFrame) -> Double? {
        guard let value = json[key] else { return nil }
        return try optionalNumber(value, named: key)
    }

    /// A value that may be null or "": nil then; anything else must be a finite number.
    static func optionalNumber(_ value: JSONNode, named key: StaticString) throws(MalformedFrame) -> Double? {
        if value.isNull || value.isString("") { return nil }
        guard let d = value.double, d.isFinite else { throw MalformedFrame("'\(key)' is not a number") }
        return d
    }

    static func int64(_ json: JSONNode, _ key: StaticString) throws(MalformedFrame) -> Int64 {
        guard let value = json[key] else { throw MalformedFrame("missing '\(key)'") }
        guard let n = value.int64, n >= 0 else { throw MalformedFrame("'\(key)' is not a time/number") }
        return n
    }

    static func string(_ json: JSONNode, _ key: StaticString) throws(MalformedFrame) -> String {
        guard let value = json[key]?.text, !value.isEmpty else { throw MalformedFrame("missing '\(key)'") }
        return value
    }

    static func array(_ json: JSONNode, _ key: StaticString) throws(MalformedFrame) -> JSONElements {
        guard let value = json[key]?.array else { throw MalformedFrame("missing array '\(key)'") }
        return value
    }

    /// A whole JSON tree (for metadata bodies read once, not for frames).
    static func parse(_ frame: String) throws(MalformedFrame) -> JSON {
        do { return try JSON.parse(frame) } catch { throw MalformedFrame(error.description) }
    }
}

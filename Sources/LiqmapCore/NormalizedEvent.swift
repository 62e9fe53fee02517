/// What a collector makes of one exchange frame: the normalized event format v1
/// (`Protocols/events/normalized-event.v1.schema.json`; contract in shared/contracts/normalized-events.md).
///
/// Units: `qty` and `oiQty` are base-asset units (never contracts); `notionalUSD` and `oiUSD` are USD
/// (USDT and USDC count as USD); times are Unix milliseconds.
public struct NormalizedEvent: Sendable, Hashable {
    /// Common to every event.
    public var venue: Venue
    public var feed: Feed
    /// The venue's own instrument name, as in the frame (`BTCUSDT`, `XBTUSD`).
    public var symbol: String
    /// Canonical id: `BASE-QUOTE-PERP` or `BASE-QUOTE-YYYYMMDD`.
    public var instrument: String
    /// The venue's event time (ms); nil only when neither the venue nor the recording gave a time.
    public var ts: Int64?
    /// The receive time from the recording line (ms), when given.
    public var recvTs: Int64?
    /// What happened.
    public var body: Body

    /// The kind-specific part of an event.
    public enum Body: Sendable, Hashable {
        case trade(Trade)
        case liquidation(Liquidation)
        case openInterest(OpenInterest)
        case markPrice(MarkPrice)
    }

    public init(venue: Venue, feed: Feed, symbol: String, instrument: String, ts: Int64?, recvTs: Int64?, body: Body) {
        self.venue = venue
        self.feed = feed
        self.symbol = symbol
        self.instrument = instrument
        self.ts = ts
        self.recvTs = recvTs
        self.body = body
    }

    /// The `kind` field's value.
    public var kind: EventKind {
        switch body {
        case .trade: .trade
        case .liquidation: .liquidation
        case .openInterest: .openInterest
        case .markPrice: .markPrice
        }
    }
}

/// The `kind` field of a normalized event.
public enum EventKind: String, Sendable, Hashable, Codable, CaseIterable {
    case trade, liquidation
    case openInterest = "open_interest"
    case markPrice = "mark_price"
}

/// The taker side of a trade.
public enum TakerSide: String, Sendable, Hashable, Codable { case buy, sell }

/// The side of the position that was liquidated (`long`: a long was force-closed by a sell order).
public enum PositionSide: String, Sendable, Hashable, Codable { case long, short }

/// A trade: `id` is the venue's trade id, `side` the taker side.
public struct Trade: Sendable, Hashable {
    public var id: String
    public var side: TakerSide
    public var price: Double
    public var qty: Double
    public var notionalUSD: Double
    public init(id: String, side: TakerSide, price: Double, qty: Double, notionalUSD: Double) {
        self.id = id
        self.side = side
        self.price = price
        self.qty = qty
        self.notionalUSD = notionalUSD
    }
}

/// A forced close of one position (or the venue's aggregate of several).
public struct Liquidation: Sendable, Hashable {
    public var side: PositionSide
    public var price: Double
    public var qty: Double
    public var notionalUSD: Double
    public init(side: PositionSide, price: Double, qty: Double, notionalUSD: Double) {
        self.side = side
        self.price = price
        self.qty = qty
        self.notionalUSD = notionalUSD
    }
}

/// Open interest: one side, in base units, and in USD when known.
public struct OpenInterest: Sendable, Hashable {
    public var oiQty: Double
    public var oiUSD: Double?
    public init(oiQty: Double, oiUSD: Double?) {
        self.oiQty = oiQty
        self.oiUSD = oiUSD
    }
}

/// Mark price with index price and funding rate where the frame carries them.
public struct MarkPrice: Sendable, Hashable {
    public var price: Double
    public var indexPrice: Double?
    public var fundingRate: Double?
    public init(price: Double, indexPrice: Double?, fundingRate: Double?) {
        self.price = price
        self.indexPrice = indexPrice
        self.fundingRate = fundingRate
    }
}

extension NormalizedEvent {
    /// The identity of an event for duplicate detection: the venue trade id for trades; the full
    /// content of liquidations (venues give them no id); kind, time and value for open interest and
    /// marks. Collectors (`RecentKeys`) and aggregators (`realized_liquidations.event_key`) share it.
    public var identityKey: String {
        let head = "\(feed.rawValue)|\(symbol)|"
        switch body {
        case .trade(let t): return head + "t|\(t.id)"
        case .liquidation(let l): return head + "l|\(l.side.rawValue)|\(ts ?? -1)|\(l.price)|\(l.qty)"
        case .openInterest(let o): return head + "o|\(ts ?? -1)|\(o.oiQty)"
        case .markPrice(let m): return head + "m|\(ts ?? -1)|\(m.price)|\(m.fundingRate ?? 0)"
        }
    }
}

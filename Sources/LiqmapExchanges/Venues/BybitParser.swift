import LiqmapCore

/// Bybit v5 public streams, linear and inverse.
///
/// * `publicTrade.<sym>`: `S` is the **taker** side, `v` the size (linear: base; inverse: USD), `i` the
///   trade id, `T` the fill time.
/// * `allLiquidation.<sym>` (and the older `liquidation.<sym>`): `S`/`side` is the **position** side:
///   `Buy` means a **long** was liquidated (the opposite of Binance's order side); `p` is the
///   bankruptcy price; `T`/`updatedTime` the time.
/// * `tickers.<sym>`: a snapshot, then deltas that carry only changed fields; this parser keeps the
///   merged state per symbol and emits `mark_price` when a mark/index/funding field arrives and
///   `open_interest` when an open-interest field arrives. `singleOpenInterest` (one side, 2026 API)
///   is preferred over `openInterest` (both sides since 2026-06). Linear OI is base units with
///   `openInterestValue` in USD; inverse OI is USD, so `oi_qty` = USD / mark price.
/// * Acks and pongs (`"op":…`) give nothing; pre-v5 topics (`trade.`, `instrument_info.`) and v2 REST
///   bodies are malformed with a reason that says so.
public struct BybitParser: FeedParser {
    public let feed: Feed
    public var instruments: InstrumentRegistry {
        get { lookup.registry }
        set { lookup = InstrumentLookup(registry: newValue, feed: feed) }
    }
    var lookup: InstrumentLookup
    /// Merged ticker fields per symbol.
    var tickers: [String: TickerState] = [:]

    /// The ticker fields this parser uses, merged over the snapshot and its deltas (nil: not sent, or
    /// sent null/empty).
    struct TickerState: Sendable {
        var markPrice: Double?
        var indexPrice: Double?
        var fundingRate: Double?
        var openInterest: Double?
        var singleOpenInterest: Double?
        var openInterestValue: Double?
        var singleOpenInterestValue: Double?
    }

    public init(feed: Feed, instruments: InstrumentRegistry) {
        precondition(feed == .bybitLinear || feed == .bybitInverse)
        self.feed = feed
        self.lookup = InstrumentLookup(registry: instruments, feed: feed)
    }

    public mutating func parse(_ frame: String, recvTs: Int64?) throws(MalformedFrame) -> [NormalizedEvent] {
        try Field.read(frame) { json throws(MalformedFrame) in try parse(json, recvTs: recvTs) }
    }

    mutating func parse(_ json: JSONNode, recvTs: Int64?) throws(MalformedFrame) -> [NormalizedEvent] {
        if json["op"] != nil { return [] }  // subscribe acks, pongs
        if json["ret_code"] != nil { throw MalformedFrame("legacy Bybit v2 REST body (v5 is /v5/market/…)") }
        if json["retCode"] != nil { return try restOpenInterest(json, recvTs: recvTs) }
        guard let topic = json["topic"], topic.isString else { return [] }
        if topic.hasPrefix("publicTrade.") {
            var events: [NormalizedEvent] = []
            for d in try Field.array(json, "data") {
                let inst = try instrument(d, "s")
                let price = try Field.positive(d, "p")
                let (qty, usd) = inst.amounts(size: try Field.positive(d, "v"), price: price)
                let side: TakerSide
                if d["S"]?.isString("Buy") == true {
                    side = .buy
                } else if d["S"]?.isString("Sell") == true {
                    side = .sell
                } else {
                    throw MalformedFrame("'S' is not Buy or Sell")
                }
                events.append(event(inst, ts: try Field.int64(d, "T"), recvTs: recvTs,
                                    .trade(Trade(id: try Field.string(d, "i"), side: side, price: price, qty: qty, notionalUSD: usd))))
            }
            return events
        }
        let channel = topic.string?.prefix(while: { $0 != "." }) ?? ""
        switch channel {
        case "allLiquidation":
            var events: [NormalizedEvent] = []
            for d in try Field.array(json, "data") {
                events.append(try liquidation(symbol: try Field.string(d, "s"), side: d["S"], size: try Field.positive(d, "v"),
                                              price: try Field.positive(d, "p"), ts: try Field.int64(d, "T"), recvTs: recvTs))
            }
            return events
        case "liquidation":
            guard let d = json["data"] else { throw MalformedFrame("missing 'data'") }
            return [try liquidation(symbol: try Field.string(d, "symbol"), side: d["side"], size: try Field.positive(d, "size"),
                                    price: try Field.positive(d, "price"), ts: try Field.int64(d, "updatedTime"), recvTs: recvTs)]
        case "tickers":
            return try ticker(json, recvTs: recvTs)
        case "trade", "instrument_info", "orderBookL2_25", "klineV2":
            throw MalformedFrame("legacy Bybit v2 topic '\(channel)' is not supported (v5: publicTrade, tickers, allLiquidation)")
        default:
            return []
        }
    }

    /// `GET /v5/market/recent-trade` bodies (after a reconnect): `execId` is the stream's `i`, `side`
    /// the taker side, `size` as the stream's `v`, `time` ms as a string.
    public mutating func parseBackfill(_ body: String, symbol: String, recvTs: Int64?) throws(MalformedFrame) -> [NormalizedEvent] {
        try Field.read(body) { json throws(MalformedFrame) in
            guard json["retCode"]?.int64 == 0 else { throw MalformedFrame("recent-trade error retCode \(json["retCode"]?.text ?? "missing")") }
            guard let list = json["result"]?["list"]?.array else { throw MalformedFrame("recent-trade body without result.list") }
            var events: [NormalizedEvent] = []
            for d in list {
                let inst = try instrument(d, "symbol")
                let price = try Field.positive(d, "price")
                let (qty, usd) = inst.amounts(size: try Field.positive(d, "size"), price: price)
                let side: TakerSide
                if d["side"]?.isString("Buy") == true {
                    side = .buy
                } else if d["side"]?.isString("Sell") == true {
                    side = .sell
                } else {
                    throw MalformedFrame("'side' is not Buy or Sell")
                }
                events.append(event(inst, ts: try Field.int64(d, "time"), recvTs: recvTs,
                                    .trade(Trade(id: try Field.string(d, "execId"), side: side, price: price, qty: qty, notionalUSD: usd))))
            }
            return events
        }
    }

    mutating func liquidation(symbol: String, side: JSONNode?, size: Double, price: Double, ts: Int64, recvTs: Int64?) throws(MalformedFrame) -> NormalizedEvent {
        let inst = try instrument(symbol)
        let position: PositionSide
        if side?.isString("Buy") == true {
            position = .long  // Bybit: "Buy" = a long position was liquidated
        } else if side?.isString("Sell") == true {
            position = .short
        } else {
            throw MalformedFrame("side is not Buy or Sell")
        }
        let (qty, usd) = inst.amounts(size: size, price: price)
        return event(inst, ts: ts, recvTs: recvTs, .liquidation(Liquidation(side: position, price: price, qty: qty, notionalUSD: usd)))
    }

    mutating func ticker(_ json: JSONNode, recvTs: Int64?) throws(MalformedFrame) -> [NormalizedEvent] {
        guard let data = json["data"], data.isObject else { throw MalformedFrame("missing 'data'") }
        let symbol = try Field.string(data, "symbol")
        let inst = try instrument(symbol)
        let snapshot = json["type"]?.isString("snapshot") == true
        if !snapshot && tickers[symbol] == nil { throw MalformedFrame("ticker delta for \(symbol) before its snapshot") }
        var state = snapshot ? TickerState() : tickers[symbol]!
        var markChanged = false, oiChanged = false
        func merge(_ key: StaticString, _ field: inout Double?, _ changed: inout Bool) throws(MalformedFrame) {
            guard let value = data[key] else { return }
            field = try Field.optionalNumber(value, named: key)
            changed = true
        }
        try merge("markPrice", &state.markPrice, &markChanged)
        try merge("indexPrice", &state.indexPrice, &markChanged)
        try merge("fundingRate", &state.fundingRate, &markChanged)
        try merge("openInterest", &state.openInterest, &oiChanged)
        try merge("singleOpenInterest", &state.singleOpenInterest, &oiChanged)
        try merge("openInterestValue", &state.openInterestValue, &oiChanged)
        try merge("singleOpenInterestValue", &state.singleOpenInterestValue, &oiChanged)
        tickers[symbol] = state
        let ts = try Field.int64(json, "ts")
        var events: [NormalizedEvent] = []
        if markChanged, let mark = state.markPrice {
            events.append(event(inst, ts: ts, recvTs: recvTs, .markPrice(MarkPrice(
                price: mark, indexPrice: state.indexPrice, fundingRate: state.fundingRate))))
        }
        if oiChanged, let size = state.singleOpenInterest ?? state.openInterest {
            let value = state.singleOpenInterest != nil ? state.singleOpenInterestValue : state.openInterestValue
            events.append(event(inst, ts: ts, recvTs: recvTs, .openInterest(try openInterest(inst, size: size, usd: value, mark: state.markPrice))))
        }
        return events
    }

    /// `GET /v5/market/open-interest` bodies: one event per list item.
    mutating func restOpenInterest(_ json: JSONNode, recvTs: Int64?) throws(MalformedFrame) -> [NormalizedEvent] {
        guard let result = json["result"], let list = result["list"]?.array else { return [] }
        let inst = try instrument(try Field.string(result, "symbol"))
        let mark = tickers[inst.symbol]?.markPrice
        var events: [NormalizedEvent] = []
        for item in list {
            let size: Double
            if let single = try Field.optionalDouble(item, "singleOpenInterest") { size = single } else { size = try Field.double(item, "openInterest") }
            events.append(event(inst, ts: try Field.int64(item, "timestamp"), recvTs: recvTs,
                                .openInterest(try openInterest(inst, size: size, usd: nil, mark: mark))))
        }
        return events
    }

    func openInterest(_ inst: Instrument, size: Double, usd: Double?, mark: Double?) throws(MalformedFrame) -> OpenInterest {
        switch inst.sizing {
        case .linear:
            return OpenInterest(oiQty: size * inst.contractSize, oiUSD: usd ?? mark.map { size * inst.contractSize * $0 })
        case .quanto:
            throw MalformedFrame("\(inst.symbol) is a quanto contract, which this venue does not list")
        case .inverse:
            let dollars = size * inst.contractSize
            guard let mark, mark > 0 else { throw MalformedFrame("inverse open interest for \(inst.symbol) without a mark price") }
            return OpenInterest(oiQty: dollars / mark, oiUSD: dollars)
        }
    }

    mutating func instrument(_ json: JSONNode, _ key: StaticString) throws(MalformedFrame) -> Instrument { try lookup.require(json, key) }
    mutating func instrument(_ symbol: String) throws(MalformedFrame) -> Instrument { try lookup.require(symbol) }

    func event(_ inst: Instrument, ts: Int64?, recvTs: Int64?, _ body: NormalizedEvent.Body) -> NormalizedEvent {
        NormalizedEvent(venue: .bybit, feed: feed, symbol: inst.symbol, instrument: inst.canonicalID, ts: ts, recvTs: recvTs, body: body)
    }
}

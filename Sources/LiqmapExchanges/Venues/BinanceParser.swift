import LiqmapCore

/// Binance USD-M (`fstream`) and COIN-M (`dstream`) futures.
///
/// * Frames arrive raw or in the combined wrapper `{"stream":…,"data":…}`; `data` may be an array
///   (`!markPrice@arr`). Subscription acks (`{"result":null,"id":1}`) and other channels give nothing.
/// * `aggTrade`/`trade`: `m` = buyer is maker, so `m:true` means the taker **sold**; `T` is the trade time.
/// * `forceOrder`: `S` is the side of the forced order: `SELL` closes a **long**; qty is `z`
///   (accumulated filled), price `ap` when non-zero else `p`, time `o.T`.
/// * Sizes: USD-M in base units; COIN-M in contracts of `contractSize` USD (100 for BTC, 10 otherwise).
/// * REST `/fapi|dapi/v1/openInterest` bodies: USD-M `openInterest` is base units (no price: `oi_usd`
///   null); COIN-M is contracts, so `oi_usd` = contracts × contractSize and `oi_qty` = `oi_usd` / the
///   last mark price this parser saw for the symbol. A COIN-M body that arrives before the symbol's
///   first mark price (the collector polls at start) is held, and its event (with the body's own time)
///   comes out with that first mark price.
public struct BinanceParser: FeedParser {
    public let feed: Feed
    public var instruments: InstrumentRegistry {
        get { lookup.registry }
        set { lookup = InstrumentLookup(registry: newValue, feed: feed) }
    }
    var lookup: InstrumentLookup
    /// Last mark price per symbol (for inverse open interest from REST, which carries no price).
    var lastMark: [String: Double] = [:]
    /// COIN-M open interest that arrived before the symbol's first mark price: contracts and time.
    var pendingOpenInterest: [String: (contracts: Double, time: Int64, recvTs: Int64?)] = [:]
    /// aggTrade ids per symbol (consecutive), for gap detection.
    var sequence = SequenceTracker()

    public init(feed: Feed, instruments: InstrumentRegistry) {
        precondition(feed == .binanceUSDM || feed == .binanceCOINM)
        self.feed = feed
        self.lookup = InstrumentLookup(registry: instruments, feed: feed)
    }

    public mutating func parse(_ frame: String, recvTs: Int64?) throws(MalformedFrame) -> [NormalizedEvent] {
        try Field.read(frame) { json throws(MalformedFrame) in
            if json["id"] != nil, json["result"] != nil || json["error"] != nil { return [] }  // (un)subscribe reply
            guard let payload = json["stream"] != nil ? json["data"] : json else { return [] }
            if let items = payload.array {
                var events: [NormalizedEvent] = []
                for item in items { events += try one(item, recvTs: recvTs) }
                return events
            }
            return try one(payload, recvTs: recvTs)
        }
    }

    mutating func one(_ d: JSONNode, recvTs: Int64?) throws(MalformedFrame) -> [NormalizedEvent] {
        guard let type = d["e"] else {
            if d["openInterest"] != nil { return try openInterest(d, recvTs: recvTs) }
            return []
        }
        if type.isString("aggTrade") { return [try trade(d, aggregate: true, inst: try instrument(d, "s"), recvTs: recvTs)] }
        if type.isString("trade") { return [try trade(d, aggregate: false, inst: try instrument(d, "s"), recvTs: recvTs)] }
        if type.isString("forceOrder") { return [try forceOrder(d, recvTs: recvTs)] }
        if type.isString("markPriceUpdate") {
            let mark = try markPrice(d, recvTs: recvTs)
            guard let held = pendingOpenInterest.removeValue(forKey: mark.symbol), case .markPrice(let m) = mark.body else { return [mark] }
            let inst = try instrument(mark.symbol)
            let usd = held.contracts * inst.contractSize
            return [mark, event(inst, ts: held.time, recvTs: held.recvTs, .openInterest(OpenInterest(oiQty: usd / m.price, oiUSD: usd)))]
        }
        return []
    }

    /// An `aggTrade` (`aggregate`, id `a`) or `trade` (id `t`) of `inst`.
    mutating func trade(_ d: JSONNode, aggregate: Bool, inst: Instrument, recvTs: Int64?) throws(MalformedFrame) -> NormalizedEvent {
        let price = try Field.positive(d, "p"), size = try Field.positive(d, "q")
        guard let buyerIsMaker = d["m"]?.bool else { throw MalformedFrame("missing 'm'") }
        let (qty, usd) = inst.amounts(size: size, price: price)
        guard let idNode = d[aggregate ? "a" : "t"], let id = idNode.text, !id.isEmpty else { throw MalformedFrame(aggregate ? "missing 'a'" : "missing 't'") }
        if aggregate, let n = idNode.int64 { sequence.see(n, for: inst.symbol) }
        return event(inst, ts: try Field.int64(d, "T"), recvTs: recvTs,
                     .trade(Trade(id: id, side: buyerIsMaker ? .sell : .buy, price: price, qty: qty, notionalUSD: usd)))
    }

    mutating func forceOrder(_ d: JSONNode, recvTs: Int64?) throws(MalformedFrame) -> NormalizedEvent {
        guard let o = d["o"] else { throw MalformedFrame("missing 'o'") }
        let inst = try instrument(o, "s")
        let side: PositionSide
        if o["S"]?.isString("SELL") == true {
            side = .long
        } else if o["S"]?.isString("BUY") == true {
            side = .short
        } else {
            throw MalformedFrame("'S' is not BUY or SELL")
        }
        let average = try Field.optionalDouble(o, "ap") ?? 0
        let price = average > 0 ? average : try Field.positive(o, "p")
        let (qty, usd) = inst.amounts(size: try Field.positive(o, "z"), price: price)
        return event(inst, ts: try Field.int64(o, "T"), recvTs: recvTs,
                     .liquidation(Liquidation(side: side, price: price, qty: qty, notionalUSD: usd)))
    }

    mutating func markPrice(_ d: JSONNode, recvTs: Int64?) throws(MalformedFrame) -> NormalizedEvent {
        let symbol = try Field.string(d, "s")
        let inst = try instrument(symbol)
        let mark = try Field.positive(d, "p")
        lastMark[symbol] = mark
        let index = try Field.optionalDouble(d, "i")
        return event(inst, ts: try Field.int64(d, "E"), recvTs: recvTs,
                     .markPrice(MarkPrice(price: mark, indexPrice: index.flatMap { $0 > 0 ? $0 : nil },
                                          fundingRate: try Field.optionalDouble(d, "r"))))
    }

    public mutating func takeGaps() -> [SequenceGap] { sequence.take() }

    /// `GET /fapi|dapi/v1/aggTrades?symbol=S&fromId=N`: an array of aggTrade rows without `e`/`s`.
    public mutating func parseBackfill(_ body: String, symbol: String, recvTs: Int64?) throws(MalformedFrame) -> [NormalizedEvent] {
        try Field.read(body) { json throws(MalformedFrame) in
            guard let rows = json.array else { throw MalformedFrame("aggTrades backfill is not an array") }
            let inst = try instrument(symbol)
            var events: [NormalizedEvent] = []
            for row in rows {
                guard row.isObject else { throw MalformedFrame("aggTrades row is not an object") }
                events.append(try trade(row, aggregate: true, inst: inst, recvTs: recvTs))
            }
            return events
        }
    }

    mutating func openInterest(_ d: JSONNode, recvTs: Int64?) throws(MalformedFrame) -> [NormalizedEvent] {
        let symbol = try Field.string(d, "symbol")
        let inst = try instrument(symbol)
        let size = try Field.double(d, "openInterest")
        guard size >= 0 else { throw MalformedFrame("'openInterest' is negative") }
        let oi: OpenInterest
        switch inst.sizing {
        case .linear:
            oi = OpenInterest(oiQty: size * inst.contractSize, oiUSD: nil)
        case .quanto:
            throw MalformedFrame("\(inst.symbol) is a quanto contract, which this venue does not list")
        case .inverse:
            let usd = size * inst.contractSize
            guard let mark = lastMark[symbol] else {
                pendingOpenInterest[symbol] = (size, try Field.int64(d, "time"), recvTs)
                return []
            }
            oi = OpenInterest(oiQty: usd / mark, oiUSD: usd)
        }
        return [event(inst, ts: try Field.int64(d, "time"), recvTs: recvTs, .openInterest(oi))]
    }

    mutating func instrument(_ json: JSONNode, _ key: StaticString) throws(MalformedFrame) -> Instrument { try lookup.require(json, key) }
    mutating func instrument(_ symbol: String) throws(MalformedFrame) -> Instrument { try lookup.require(symbol) }

    func event(_ inst: Instrument, ts: Int64?, recvTs: Int64?, _ body: NormalizedEvent.Body) -> NormalizedEvent {
        NormalizedEvent(venue: .binance, feed: feed, symbol: inst.symbol, instrument: inst.canonicalID, ts: ts, recvTs: recvTs, body: body)
    }
}

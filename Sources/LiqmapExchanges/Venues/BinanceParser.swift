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
///   last mark price this parser saw for the symbol (malformed until one was seen).
public struct BinanceParser: FeedParser {
    public let feed: Feed
    public var instruments: InstrumentRegistry
    /// Last mark price per symbol (for inverse open interest from REST, which carries no price).
    var lastMark: [String: Double] = [:]
    /// aggTrade ids per symbol (consecutive), for gap detection.
    var sequence = SequenceTracker()

    public init(feed: Feed, instruments: InstrumentRegistry) {
        precondition(feed == .binanceUSDM || feed == .binanceCOINM)
        self.feed = feed
        self.instruments = instruments
    }

    public mutating func parse(_ frame: String, recvTs: Int64?) throws(MalformedFrame) -> [NormalizedEvent] {
        let json = try Field.parse(frame)
        if json["id"] != nil, json["result"] != nil || json["error"] != nil { return [] }  // (un)subscribe reply
        let payload = json["stream"] != nil ? (json["data"] ?? .null) : json
        if let items = payload.array {
            var events: [NormalizedEvent] = []
            for item in items { events += try one(item, recvTs: recvTs) }
            return events
        }
        return try one(payload, recvTs: recvTs)
    }

    mutating func one(_ d: JSON, recvTs: Int64?) throws(MalformedFrame) -> [NormalizedEvent] {
        guard let type = d["e"]?.string else {
            if d["openInterest"] != nil { return try openInterest(d, recvTs: recvTs) }
            return []
        }
        switch type {
        case "aggTrade", "trade":
            let inst = try instrument(try Field.string(d, "s"))
            let price = try Field.positive(d, "p"), size = try Field.positive(d, "q")
            guard case .bool(let buyerIsMaker) = d["m"] else { throw MalformedFrame("missing 'm'") }
            let (qty, usd) = inst.amounts(size: size, price: price)
            let id = try Field.string(d, type == "aggTrade" ? "a" : "t")
            if type == "aggTrade", let n = Int64(id) { sequence.see(n, for: inst.symbol) }
            return [event(inst, ts: try Field.int64(d, "T"), recvTs: recvTs,
                          .trade(Trade(id: id, side: buyerIsMaker ? .sell : .buy, price: price, qty: qty, notionalUSD: usd)))]
        case "forceOrder":
            guard let o = d["o"] else { throw MalformedFrame("missing 'o'") }
            let inst = try instrument(try Field.string(o, "s"))
            let side: PositionSide
            switch o["S"]?.string {
            case "SELL": side = .long
            case "BUY": side = .short
            default: throw MalformedFrame("'S' is not BUY or SELL")
            }
            let average = try Field.optionalDouble(o, "ap") ?? 0
            let price = average > 0 ? average : try Field.positive(o, "p")
            let (qty, usd) = inst.amounts(size: try Field.positive(o, "z"), price: price)
            return [event(inst, ts: try Field.int64(o, "T"), recvTs: recvTs,
                          .liquidation(Liquidation(side: side, price: price, qty: qty, notionalUSD: usd)))]
        case "markPriceUpdate":
            let symbol = try Field.string(d, "s")
            let inst = try instrument(symbol)
            let mark = try Field.positive(d, "p")
            lastMark[symbol] = mark
            let index = try Field.optionalDouble(d, "i")
            return [event(inst, ts: try Field.int64(d, "E"), recvTs: recvTs,
                          .markPrice(MarkPrice(price: mark, indexPrice: index.flatMap { $0 > 0 ? $0 : nil },
                                               fundingRate: try Field.optionalDouble(d, "r"))))]
        default:
            return []
        }
    }

    public mutating func takeGaps() -> [SequenceGap] { sequence.take() }

    /// `GET /fapi|dapi/v1/aggTrades?symbol=S&fromId=N`: an array of aggTrade rows without `e`/`s`.
    public mutating func parseBackfill(_ body: String, symbol: String, recvTs: Int64?) throws(MalformedFrame) -> [NormalizedEvent] {
        guard let rows = try Field.parse(body).array else { throw MalformedFrame("aggTrades backfill is not an array") }
        var events: [NormalizedEvent] = []
        for row in rows {
            guard case .object(var pairs) = row else { throw MalformedFrame("aggTrades row is not an object") }
            pairs += [("e", .string("aggTrade")), ("s", .string(symbol))]
            events += try one(.object(pairs), recvTs: recvTs)
        }
        return events
    }

    func openInterest(_ d: JSON, recvTs: Int64?) throws(MalformedFrame) -> [NormalizedEvent] {
        let symbol = try Field.string(d, "symbol")
        let inst = try instrument(symbol)
        let size = try Field.double(d, "openInterest")
        guard size >= 0 else { throw MalformedFrame("'openInterest' is negative") }
        let oi: OpenInterest
        switch inst.sizing {
        case .linear:
            oi = OpenInterest(oiQty: size * inst.contractSize, oiUSD: nil)
        case .inverse:
            let usd = size * inst.contractSize
            guard let mark = lastMark[symbol] else { throw MalformedFrame("no mark price seen yet for \(symbol): inverse open interest needs one") }
            oi = OpenInterest(oiQty: usd / mark, oiUSD: usd)
        }
        return [event(inst, ts: try Field.int64(d, "time"), recvTs: recvTs, .openInterest(oi))]
    }

    func instrument(_ symbol: String) throws(MalformedFrame) -> Instrument {
        guard let inst = instruments.resolve(symbol, feed: feed) else { throw MalformedFrame("unknown instrument \(symbol)") }
        return inst
    }

    func event(_ inst: Instrument, ts: Int64?, recvTs: Int64?, _ body: NormalizedEvent.Body) -> NormalizedEvent {
        NormalizedEvent(venue: .binance, feed: feed, symbol: inst.symbol, instrument: inst.canonicalID, ts: ts, recvTs: recvTs, body: body)
    }
}

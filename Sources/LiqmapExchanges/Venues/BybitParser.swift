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
    public var instruments: InstrumentRegistry
    /// Merged ticker fields per symbol.
    var tickers: [String: [String: JSON]] = [:]

    public init(feed: Feed, instruments: InstrumentRegistry) {
        precondition(feed == .bybitLinear || feed == .bybitInverse)
        self.feed = feed
        self.instruments = instruments
    }

    public mutating func parse(_ frame: String, recvTs: Int64?) throws(MalformedFrame) -> [NormalizedEvent] {
        let json = try Field.parse(frame)
        if json["op"] != nil { return [] }  // subscribe acks, pongs
        if json["ret_code"] != nil { throw MalformedFrame("legacy Bybit v2 REST body (v5 is /v5/market/…)") }
        if json["retCode"] != nil { return try restOpenInterest(json, recvTs: recvTs) }
        guard let topic = json["topic"]?.string else { return [] }
        let channel = topic.prefix { $0 != "." }
        switch channel {
        case "publicTrade":
            return try Field.array(json, "data").map { d throws(MalformedFrame) in
                let inst = try instrument(try Field.string(d, "s"))
                let price = try Field.positive(d, "p")
                let (qty, usd) = inst.amounts(size: try Field.positive(d, "v"), price: price)
                let side: TakerSide
                switch d["S"]?.string {
                case "Buy": side = .buy
                case "Sell": side = .sell
                default: throw MalformedFrame("'S' is not Buy or Sell")
                }
                return event(inst, ts: try Field.int64(d, "T"), recvTs: recvTs,
                             .trade(Trade(id: try Field.string(d, "i"), side: side, price: price, qty: qty, notionalUSD: usd)))
            }
        case "allLiquidation":
            return try Field.array(json, "data").map { d throws(MalformedFrame) in
                try liquidation(symbol: try Field.string(d, "s"), side: d["S"], size: try Field.positive(d, "v"),
                                price: try Field.positive(d, "p"), ts: try Field.int64(d, "T"), recvTs: recvTs)
            }
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

    func liquidation(symbol: String, side: JSON?, size: Double, price: Double, ts: Int64, recvTs: Int64?) throws(MalformedFrame) -> NormalizedEvent {
        let inst = try instrument(symbol)
        let position: PositionSide
        switch side?.string {
        case "Buy": position = .long  // Bybit: "Buy" = a long position was liquidated
        case "Sell": position = .short
        default: throw MalformedFrame("side is not Buy or Sell")
        }
        let (qty, usd) = inst.amounts(size: size, price: price)
        return event(inst, ts: ts, recvTs: recvTs, .liquidation(Liquidation(side: position, price: price, qty: qty, notionalUSD: usd)))
    }

    mutating func ticker(_ json: JSON, recvTs: Int64?) throws(MalformedFrame) -> [NormalizedEvent] {
        guard let data = json["data"], case .object(let pairs) = data else { throw MalformedFrame("missing 'data'") }
        let symbol = try Field.string(data, "symbol")
        let inst = try instrument(symbol)
        let type = json["type"]?.string
        var state = type == "snapshot" ? [:] : (tickers[symbol] ?? [:])
        if type != "snapshot" && tickers[symbol] == nil { throw MalformedFrame("ticker delta for \(symbol) before its snapshot") }
        for pair in pairs { state[pair.key] = pair.value }
        tickers[symbol] = state
        let merged = JSON.object(state.map { ($0.key, $0.value) })
        let ts = try Field.int64(json, "ts")
        var events: [NormalizedEvent] = []
        let changed = Set(pairs.map(\.key))
        let mark = try Field.optionalDouble(merged, "markPrice")
        if !changed.isDisjoint(with: ["markPrice", "indexPrice", "fundingRate"]), let mark {
            events.append(event(inst, ts: ts, recvTs: recvTs, .markPrice(MarkPrice(
                price: mark, indexPrice: try Field.optionalDouble(merged, "indexPrice"),
                fundingRate: try Field.optionalDouble(merged, "fundingRate")))))
        }
        if !changed.isDisjoint(with: ["openInterest", "singleOpenInterest", "openInterestValue", "singleOpenInterestValue"]) {
            let single = try Field.optionalDouble(merged, "singleOpenInterest")
            let both = try Field.optionalDouble(merged, "openInterest")
            guard let size = single ?? both else { return events }
            let value = single != nil ? try Field.optionalDouble(merged, "singleOpenInterestValue")
                                      : try Field.optionalDouble(merged, "openInterestValue")
            events.append(event(inst, ts: ts, recvTs: recvTs, .openInterest(try openInterest(inst, size: size, usd: value, mark: mark))))
        }
        return events
    }

    /// `GET /v5/market/open-interest` bodies: one event per list item.
    func restOpenInterest(_ json: JSON, recvTs: Int64?) throws(MalformedFrame) -> [NormalizedEvent] {
        guard let result = json["result"], let list = result["list"]?.array else { return [] }
        let inst = try instrument(try Field.string(result, "symbol"))
        let mark = try Field.optionalDouble(.object((tickers[inst.symbol] ?? [:]).map { ($0.key, $0.value) }), "markPrice")
        return try list.map { item throws(MalformedFrame) in
            let size: Double
            if let single = try Field.optionalDouble(item, "singleOpenInterest") { size = single } else { size = try Field.double(item, "openInterest") }
            return event(inst, ts: try Field.int64(item, "timestamp"), recvTs: recvTs,
                         .openInterest(try openInterest(inst, size: size, usd: nil, mark: mark)))
        }
    }

    func openInterest(_ inst: Instrument, size: Double, usd: Double?, mark: Double?) throws(MalformedFrame) -> OpenInterest {
        switch inst.sizing {
        case .linear:
            return OpenInterest(oiQty: size * inst.contractSize, oiUSD: usd ?? mark.map { size * inst.contractSize * $0 })
        case .inverse:
            let dollars = size * inst.contractSize
            guard let mark, mark > 0 else { throw MalformedFrame("inverse open interest for \(inst.symbol) without a mark price") }
            return OpenInterest(oiQty: dollars / mark, oiUSD: dollars)
        }
    }

    func instrument(_ symbol: String) throws(MalformedFrame) -> Instrument {
        guard let inst = instruments.resolve(symbol, feed: feed) else { throw MalformedFrame("unknown instrument \(symbol)") }
        return inst
    }

    func event(_ inst: Instrument, ts: Int64?, recvTs: Int64?, _ body: NormalizedEvent.Body) -> NormalizedEvent {
        NormalizedEvent(venue: .bybit, feed: feed, symbol: inst.symbol, instrument: inst.canonicalID, ts: ts, recvTs: recvTs, body: body)
    }
}

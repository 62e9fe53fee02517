import LiqmapCore

/// OKX v5 public channels (SWAP and FUTURES; spot, margin and options are skipped).
///
/// * `trades`/`trades-all`: `side` is the taker side; `sz` is contracts → base = `sz × ctVal × ctMult`
///   for linear contracts, USD = `sz × ctVal` for inverse (`-USD-`) ones.
/// * `liquidation-orders`: `details[].side` is the liquidation **order** side (`buy` closes a short);
///   `posSide` (`long`/`short`) wins when given, `net` falls back to the side; price `bkPx` (bankruptcy),
///   size `sz` in contracts, time `details[].ts`.
/// * `open-interest` and REST `public/open-interest`: `oiCcy` (coin) is `oi_qty`; `oiUsd` when given,
///   else contracts × ctVal for inverse contracts, else null.
/// * `mark-price`: `markPx`; `funding-rate` gives a `mark_price` event with the last mark seen.
/// * The text `pong`, `event` frames (acks, errors, notices) and other channels give nothing.
public struct OKXParser: FeedParser {
    public let feed = Feed.okx
    public var instruments: InstrumentRegistry {
        get { lookup.registry }
        set { lookup = InstrumentLookup(registry: newValue, feed: .okx) }
    }
    var lookup: InstrumentLookup
    var lastMark: [String: Double] = [:]

    public init(instruments: InstrumentRegistry) { self.lookup = InstrumentLookup(registry: instruments, feed: .okx) }

    public mutating func parse(_ frame: String, recvTs: Int64?) throws(MalformedFrame) -> [NormalizedEvent] {
        if frame == "pong" { return [] }
        return try Field.read(frame) { json throws(MalformedFrame) in try parse(json, recvTs: recvTs) }
    }

    mutating func parse(_ json: JSONNode, recvTs: Int64?) throws(MalformedFrame) -> [NormalizedEvent] {
        if json["event"] != nil { return [] }
        if let code = json["code"]?.text {  // a REST body
            guard code == "0" else { throw MalformedFrame("OKX error response code \(code)") }
            return try openInterestItems(try Field.array(json, "data"), recvTs: recvTs)
        }
        guard let channel = json["arg"]?["channel"]?.string else { return [] }
        let data = try Field.array(json, "data")
        switch channel {
        case "trades", "trades-all":
            var events: [NormalizedEvent] = []
            for d in data {
                guard let inst = try derivative(d) else { continue }
                let price = try Field.positive(d, "px")
                let (qty, usd) = inst.amounts(size: try Field.positive(d, "sz"), price: price)
                let side: TakerSide
                if d["side"]?.isString("buy") == true {
                    side = .buy
                } else if d["side"]?.isString("sell") == true {
                    side = .sell
                } else {
                    throw MalformedFrame("'side' is not buy or sell")
                }
                events.append(event(inst, ts: try Field.int64(d, "ts"), recvTs: recvTs,
                                    .trade(Trade(id: try Field.string(d, "tradeId"), side: side, price: price, qty: qty, notionalUSD: usd))))
            }
            return events
        case "liquidation-orders":
            var events: [NormalizedEvent] = []
            for d in data {
                guard let inst = try derivative(d) else { continue }
                for detail in try Field.array(d, "details") {
                    let side: PositionSide
                    switch (detail["posSide"]?.string, detail["side"]?.string) {
                    case ("long", _): side = .long
                    case ("short", _): side = .short
                    case (_, "sell"): side = .long  // net mode: a forced sell closes a long
                    case (_, "buy"): side = .short
                    default: throw MalformedFrame("cannot tell the liquidated side (posSide/side)")
                    }
                    let price = try Field.positive(detail, "bkPx")
                    let (qty, usd) = inst.amounts(size: try Field.positive(detail, "sz"), price: price)
                    events.append(event(inst, ts: try Field.int64(detail, "ts"), recvTs: recvTs,
                                        .liquidation(Liquidation(side: side, price: price, qty: qty, notionalUSD: usd))))
                }
            }
            return events
        case "open-interest":
            return try openInterestItems(data, recvTs: recvTs)
        case "mark-price":
            var events: [NormalizedEvent] = []
            for d in data {
                let id = try Field.string(d, "instId")
                guard let inst = try derivative(id) else { continue }
                let mark = try Field.positive(d, "markPx")
                lastMark[id] = mark
                events.append(event(inst, ts: try Field.int64(d, "ts"), recvTs: recvTs,
                                    .markPrice(MarkPrice(price: mark, indexPrice: nil, fundingRate: nil))))
            }
            return events
        case "funding-rate":
            var events: [NormalizedEvent] = []
            for d in data {
                let id = try Field.string(d, "instId")
                guard let inst = try derivative(id), let mark = lastMark[id] else { continue }
                let ts = try Field.optionalDouble(d, "ts").map { Int64($0) } ?? recvTs
                events.append(event(inst, ts: ts, recvTs: recvTs,
                                    .markPrice(MarkPrice(price: mark, indexPrice: nil, fundingRate: try Field.optionalDouble(d, "fundingRate")))))
            }
            return events
        default:
            return []
        }
    }

    mutating func openInterestItems(_ data: JSONElements, recvTs: Int64?) throws(MalformedFrame) -> [NormalizedEvent] {
        var events: [NormalizedEvent] = []
        for d in data {
            guard let inst = try derivative(d) else { continue }
            let contracts = try Field.double(d, "oi"), coin = try Field.double(d, "oiCcy")
            guard contracts >= 0, coin >= 0 else { throw MalformedFrame("negative open interest") }
            var usd = try Field.optionalDouble(d, "oiUsd")
            if usd == nil, inst.sizing == .inverse { usd = contracts * inst.contractSize }
            events.append(event(inst, ts: try Field.int64(d, "ts"), recvTs: recvTs, .openInterest(OpenInterest(oiQty: coin, oiUSD: usd))))
        }
        return events
    }

    /// The instrument of member `instId` of `d` (see `derivative(_: String)`), matched as bytes first.
    mutating func derivative(_ d: JSONNode) throws(MalformedFrame) -> Instrument? {
        if let node = d["instId"], let hit = lookup.recentMatch(node) { return hit.instrument }
        return try derivative(try Field.string(d, "instId"))
    }

    /// The instrument for a SWAP/FUTURES id; nil for spot (`BTC-USDT`) and options (`BTC-USD-220520-18000-C`).
    mutating func derivative(_ id: String) throws(MalformedFrame) -> Instrument? {
        guard Self.isDerivative(id) else { return nil }
        guard let inst = lookup.resolve(id) else { throw MalformedFrame("unknown instrument \(id) (its ctVal comes from --instruments)") }
        return inst
    }

    /// `BASE-QUOTE-SWAP` or `BASE-QUOTE-YYMMDD`, read over the bytes (this runs once per trade).
    static func isDerivative(_ id: String) -> Bool {
        let utf8 = id.utf8, dash = UInt8(ascii: "-")
        guard utf8.count(where: { $0 == dash }) == 2, let last = utf8.lastIndex(of: dash) else { return false }
        let suffix = utf8[utf8.index(after: last)...]
        if suffix.elementsEqual("SWAP".utf8) { return true }
        return suffix.count == 6 && suffix.allSatisfy { $0 &- UInt8(ascii: "0") < 10 }
    }

    func event(_ inst: Instrument, ts: Int64?, recvTs: Int64?, _ body: NormalizedEvent.Body) -> NormalizedEvent {
        NormalizedEvent(venue: .okx, feed: .okx, symbol: inst.symbol, instrument: inst.canonicalID, ts: ts, recvTs: recvTs, body: body)
    }
}

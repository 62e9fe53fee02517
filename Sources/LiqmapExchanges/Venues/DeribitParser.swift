import LiqmapCore

/// Deribit JSON-RPC subscriptions (futures and perpetuals; options are skipped).
///
/// * `trades.<inst>.<interval>`: `direction` is the taker side; `amount` is USD for inverse contracts
///   and base units for linear (`_USDC`) ones. A trade with a `liquidation` flag gives its `trade`
///   event **and** liquidations: `T` (taker liquidated) → the liquidated order side is `direction`
///   (sell ⇒ a long was liquidated); `M` (maker liquidated) → the opposite of `direction`; `MT` → one
///   long and one short, each the full amount. Price: the trade price.
/// * `ticker.<inst>.<interval>`: `mark_price`/`index_price`/`current_funding` → `mark_price`;
///   `open_interest` (USD for inverse, base for linear) → `open_interest`, converted with the same
///   frame's mark price.
/// * REST `get_book_summary_*` bodies: `open_interest` per instrument, the same way.
/// * Acks (`result`), `heartbeat`/`test_request` and other channels give nothing.
public struct DeribitParser: FeedParser {
    public let feed = Feed.deribit
    public var instruments: InstrumentRegistry {
        get { lookup.registry }
        set { lookup = InstrumentLookup(registry: newValue, feed: .deribit) }
    }
    var lookup: InstrumentLookup

    /// `trade_seq` per instrument, for gap detection.
    var sequence = SequenceTracker()

    public init(instruments: InstrumentRegistry) { self.lookup = InstrumentLookup(registry: instruments, feed: .deribit) }

    public mutating func takeGaps() -> [SequenceGap] { sequence.take() }

    public mutating func parse(_ frame: String, recvTs: Int64?) throws(MalformedFrame) -> [NormalizedEvent] {
        try Field.read(frame) { json throws(MalformedFrame) in try parse(json, recvTs: recvTs) }
    }

    mutating func parse(_ json: JSONNode, recvTs: Int64?) throws(MalformedFrame) -> [NormalizedEvent] {
        if let result = json["result"]?.array { return try bookSummaries(result, recvTs: recvTs) }
        guard json["method"]?.isString("subscription") == true, let params = json["params"],
              let channel = params["channel"]?.string, let data = params["data"] else { return [] }
        if channel.hasPrefix("trades.") {
            guard let items = data.array else { throw MalformedFrame("trades data is not an array") }
            var events: [NormalizedEvent] = []
            for d in items {
                events += try trade(d, recvTs: recvTs)
                if let seq = d["trade_seq"]?.int64, let name = d["instrument_name"]?.string { sequence.see(seq, for: name) }
            }
            return events
        }
        if channel.hasPrefix("ticker.") { return try ticker(data, recvTs: recvTs) }
        return []
    }

    mutating func trade(_ d: JSONNode, recvTs: Int64?) throws(MalformedFrame) -> [NormalizedEvent] {
        guard let inst = try future(try Field.string(d, "instrument_name")) else { return [] }
        let price = try Field.positive(d, "price")
        let (qty, usd) = inst.amounts(size: try Field.positive(d, "amount"), price: price)
        let ts = try Field.int64(d, "timestamp")
        let taker: TakerSide
        switch d["direction"]?.string {
        case "buy": taker = .buy
        case "sell": taker = .sell
        default: throw MalformedFrame("'direction' is not buy or sell")
        }
        var events = [event(inst, ts: ts, recvTs: recvTs,
                            .trade(Trade(id: try Field.string(d, "trade_id"), side: taker, price: price, qty: qty, notionalUSD: usd)))]
        let takerLiquidated: PositionSide = taker == .sell ? .long : .short   // the taker's order closed that side
        let makerLiquidated: PositionSide = taker == .buy ? .long : .short    // the maker sold when the taker bought
        let sides: [PositionSide]
        switch d["liquidation"]?.string {
        case nil, "none": sides = []
        case "T": sides = [takerLiquidated]
        case "M": sides = [makerLiquidated]
        case "MT", "TM": sides = [PositionSide.long, .short]
        case let other?: throw MalformedFrame("unknown liquidation flag '\(other)'")
        }
        for side in sides {
            events.append(event(inst, ts: ts, recvTs: recvTs, .liquidation(Liquidation(side: side, price: price, qty: qty, notionalUSD: usd))))
        }
        return events
    }

    mutating func ticker(_ d: JSONNode, recvTs: Int64?) throws(MalformedFrame) -> [NormalizedEvent] {
        guard let inst = try future(try Field.string(d, "instrument_name")) else { return [] }
        let ts = try Field.int64(d, "timestamp")
        let mark = try Field.positive(d, "mark_price")
        var events = [event(inst, ts: ts, recvTs: recvTs, .markPrice(MarkPrice(
            price: mark, indexPrice: try Field.optionalDouble(d, "index_price"), fundingRate: try Field.optionalDouble(d, "current_funding"))))]
        if let oi = try Field.optionalDouble(d, "open_interest") {
            events.append(event(inst, ts: ts, recvTs: recvTs, .openInterest(try openInterest(inst, oi, mark: mark))))
        }
        return events
    }

    mutating func bookSummaries(_ items: JSONElements, recvTs: Int64?) throws(MalformedFrame) -> [NormalizedEvent] {
        var events: [NormalizedEvent] = []
        for d in items where d["open_interest"] != nil {
            guard let inst = try future(try Field.string(d, "instrument_name")) else { continue }
            let oi = try openInterest(inst, try Field.double(d, "open_interest"), mark: try Field.positive(d, "mark_price"))
            events.append(event(inst, ts: try Field.int64(d, "creation_timestamp"), recvTs: recvTs, .openInterest(oi)))
        }
        return events
    }

    func openInterest(_ inst: Instrument, _ amount: Double, mark: Double) throws(MalformedFrame) -> OpenInterest {
        guard amount >= 0 else { throw MalformedFrame("negative open interest") }
        let (qty, usd) = inst.amounts(size: amount, price: mark)
        return OpenInterest(oiQty: qty, oiUSD: usd)
    }

    /// The instrument of a future or perpetual; nil for options (`BTC-24JUN22-30000-C`).
    mutating func future(_ name: String) throws(MalformedFrame) -> Instrument? {
        let dash = UInt8(ascii: "-")
        guard name.utf8.count(where: { $0 == dash }) == 1, name.utf8.first != dash, name.utf8.last != dash else { return nil }
        guard let inst = lookup.resolve(name) else { throw MalformedFrame("unknown instrument \(name)") }
        return inst
    }

    func event(_ inst: Instrument, ts: Int64?, recvTs: Int64?, _ body: NormalizedEvent.Body) -> NormalizedEvent {
        NormalizedEvent(venue: .deribit, feed: .deribit, symbol: inst.symbol, instrument: inst.canonicalID, ts: ts, recvTs: recvTs, body: body)
    }
}

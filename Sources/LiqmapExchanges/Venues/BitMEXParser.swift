import LiqmapCore

/// BitMEX realtime tables (`trade`, `liquidation`, `instrument`, `funding`).
///
/// * `trade`: `side` is the taker side; quantities come from the row itself: `homeNotional` (base)
///   and `foreignNotional` (quote), so no contract math is needed; `timestamp` is ISO-8601.
///   Contracts quoted in XBT (e.g. `TRXU21`) have no USD notional and are skipped; symbols that neither
///   the instrument file nor the `<BASE>USD(T)` shape resolve are malformed (unknown instrument).
/// * `liquidation`: `side` is the liquidation **order** side: `Buy` closes a **short**; `price` is
///   the order price; `leavesQty` contracts on `insert` (updates and deletes only shrink or remove
///   the resting order, and the `partial` sent on every (re)subscribe repeats orders already
///   inserted: all give nothing). No venue time: `ts` is the receive time (null without one).
///   The contract value must be known (XBTUSD 1 USD, linear and quanto contracts from the instrument
///   file). Quanto contracts (`ETHUSD`: `multiplier` satoshis per point) are worth
///   contracts × multiplier × 1e-8 × price XBT, converted to USD at the last XBTUSD price this parser
///   saw (mark or trade); before one was seen they are malformed with that reason.
/// * `instrument`: `markPrice` → `mark_price` (with `indicativeSettlePrice`/`fundingRate` when the row has
///   them); `openInterest` (contracts) → `open_interest` where the contract value is known, with the
///   row's or the last mark price.
/// * `funding`: `fundingRate` → `mark_price` with the last mark price seen (nothing before one).
/// * Welcome, subscribe acks and the text `pong` give nothing.
public struct BitMEXParser: FeedParser {
    public let feed = Feed.bitmex
    public var instruments: InstrumentRegistry {
        get { lookup.registry }
        set { lookup = InstrumentLookup(registry: newValue, feed: .bitmex) }
    }
    var lookup: InstrumentLookup
    var lastMark: [String: Double] = [:]
    /// The last XBTUSD price seen (mark or trade), for quanto contracts.
    var xbtUSD: Double?

    public init(instruments: InstrumentRegistry) { self.lookup = InstrumentLookup(registry: instruments, feed: .bitmex) }

    public mutating func parse(_ frame: String, recvTs: Int64?) throws(MalformedFrame) -> [NormalizedEvent] {
        if frame == "pong" { return [] }
        return try Field.read(frame) { json throws(MalformedFrame) in try parse(json, recvTs: recvTs) }
    }

    mutating func parse(_ json: JSONNode, recvTs: Int64?) throws(MalformedFrame) -> [NormalizedEvent] {
        guard let table = json["table"]?.string else { return [] }
        let action = json["action"]?.string ?? ""
        let rows = try Field.array(json, "data")
        var events: [NormalizedEvent] = []
        switch table {
        case "trade" where action == "partial" || action == "insert":
            for row in rows {
                guard let inst = try instrument(try Field.string(row, "symbol")), Self.usdQuotes.contains(inst.quote) else { continue }
                let side: TakerSide
                switch row["side"]?.string {
                case "Buy": side = .buy
                case "Sell": side = .sell
                default: throw MalformedFrame("'side' is not Buy or Sell")
                }
                let price = try Field.positive(row, "price")
                if inst.symbol == "XBTUSD" { xbtUSD = price }
                events.append(event(inst, ts: try Self.isoMilliseconds(try Field.string(row, "timestamp")), recvTs: recvTs, .trade(Trade(
                    id: try Field.string(row, "trdMatchID"), side: side, price: price,
                    qty: try Field.positive(row, "homeNotional"), notionalUSD: try Field.positive(row, "foreignNotional")))))
            }
        case "liquidation" where action == "insert":
            for row in rows {
                let symbol = try Field.string(row, "symbol")
                guard let inst = try instrument(symbol), Self.usdQuotes.contains(inst.quote) else { continue }
                guard inst.contractSize > 0 else {
                    throw MalformedFrame("contract value of \(symbol) unknown (not in --instruments: linear and quanto contracts need BitMEX's instrument file)")
                }
                let side: PositionSide
                switch row["side"]?.string {
                case "Buy": side = .short  // a forced buy closes a short
                case "Sell": side = .long
                default: throw MalformedFrame("'side' is not Buy or Sell")
                }
                let price = try Field.positive(row, "price")
                let (qty, usd) = try amounts(inst, contracts: try Field.positive(row, "leavesQty"), price: price)
                events.append(event(inst, ts: recvTs, recvTs: recvTs, .liquidation(Liquidation(side: side, price: price, qty: qty, notionalUSD: usd))))
            }
        case "instrument" where action == "partial" || action == "update" || action == "insert":
            for row in rows {
                let symbol = try Field.string(row, "symbol")
                guard let inst = try instrument(symbol), Self.usdQuotes.contains(inst.quote) else { continue }
                let ts = try row["timestamp"]?.string.map { iso throws(MalformedFrame) in try Self.isoMilliseconds(iso) } ?? recvTs
                if let mark = try Field.optionalDouble(row, "markPrice") {
                    guard mark > 0 else { throw MalformedFrame("'markPrice' is not positive") }
                    lastMark[symbol] = mark
                    if symbol == "XBTUSD" { xbtUSD = mark }
                    events.append(event(inst, ts: ts, recvTs: recvTs, .markPrice(MarkPrice(
                        price: mark, indexPrice: try Field.optionalDouble(row, "indicativeSettlePrice"),
                        fundingRate: try Field.optionalDouble(row, "fundingRate")))))
                }
                if let contracts = try Field.optionalDouble(row, "openInterest"), inst.contractSize > 0, let mark = lastMark[symbol],
                   inst.sizing != .quanto || xbtUSD != nil {
                    guard contracts >= 0 else { throw MalformedFrame("negative open interest") }
                    let (qty, usd) = try amounts(inst, contracts: contracts, price: mark)
                    events.append(event(inst, ts: ts, recvTs: recvTs, .openInterest(OpenInterest(oiQty: qty, oiUSD: usd))))
                }
            }
        case "funding" where action == "partial" || action == "insert":
            for row in rows {
                let symbol = try Field.string(row, "symbol")
                guard let inst = try instrument(symbol), let mark = lastMark[symbol] else { continue }
                events.append(event(inst, ts: try Self.isoMilliseconds(try Field.string(row, "timestamp")), recvTs: recvTs,
                                    .markPrice(MarkPrice(price: mark, indexPrice: nil, fundingRate: try Field.optionalDouble(row, "fundingRate")))))
            }
        default:
            break
        }
        return events
    }

    /// Base quantity and USD of `contracts` at `price`; quanto contracts need the XBT price.
    func amounts(_ inst: Instrument, contracts: Double, price: Double) throws(MalformedFrame) -> (qty: Double, notionalUSD: Double) {
        guard inst.sizing == .quanto else { return inst.amounts(size: contracts, price: price) }
        guard let xbtUSD else { throw MalformedFrame("quanto \(inst.symbol): no XBTUSD price seen yet to value it") }
        return inst.quantoAmounts(size: contracts, price: price, xbtUSD: xbtUSD)
    }

    static let usdQuotes: Set<String> = ["USD", "USDT", "USDC"]

    /// The instrument, from the instrument file or the shape rules; callers skip the ones not quoted
    /// in USD (XBT-quoted futures such as `TRXU21`). A symbol neither knows is malformed.
    mutating func instrument(_ symbol: String) throws(MalformedFrame) -> Instrument? {
        guard let inst = lookup.resolve(symbol) else { throw MalformedFrame("unknown instrument \(symbol)") }
        return inst
    }

    /// `2021-03-12T02:00:04.608Z` → Unix milliseconds.
    static func isoMilliseconds(_ iso: String) throws(MalformedFrame) -> Int64 {
        let b = Array(iso.utf8)
        func num(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= b.count else { return nil }
            var v = 0
            for c in b[from..<(from + count)] {
                guard (48...57).contains(c) else { return nil }
                v = v * 10 + Int(c - 48)
            }
            return v
        }
        guard b.count >= 20, let y = num(0, 4), let mo = num(5, 2), let d = num(8, 2), let h = num(11, 2), let mi = num(14, 2),
              let s = num(17, 2), (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, s < 61 else {
            throw MalformedFrame("'\(iso)' is not an ISO-8601 time")
        }
        var ms = 0
        if b.count >= 24, b[19] == UInt8(ascii: "."), let frac = num(20, 3) { ms = frac }
        let days = Dates.daysSinceEpoch(y, mo, d)
        return Int64(days) * 86_400_000 + Int64(h * 3_600_000 + mi * 60_000 + s * 1000 + ms)
    }

    func event(_ inst: Instrument, ts: Int64?, recvTs: Int64?, _ body: NormalizedEvent.Body) -> NormalizedEvent {
        NormalizedEvent(venue: .bitmex, feed: .bitmex, symbol: inst.symbol, instrument: inst.canonicalID, ts: ts, recvTs: recvTs, body: body)
    }
}

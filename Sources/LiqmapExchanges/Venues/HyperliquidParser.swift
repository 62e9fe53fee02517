import LiqmapCore

/// Hyperliquid perpetuals (settled in USDC; `BTC` → `BTC-USDC-PERP`). There is no public liquidation
/// feed, so this parser gives trades, mark prices and open interest only.
///
/// * `trades`: `side` `B` = the taker bought, `A` = sold; `sz` base units; `time` ms; `tid` the id.
/// * `activeAssetCtx`: `ctx.markPx`, `ctx.oraclePx` (index), `ctx.funding` (hourly) → `mark_price`;
///   `ctx.openInterest` (base) → `open_interest` with `oi_usd` = OI × mark. No venue time: `ts` is
///   the receive time.
/// * `subscriptionResponse`, `pong` and other channels give nothing; spot pairs (`@107`) are skipped.
public struct HyperliquidParser: FeedParser {
    public let feed = Feed.hyperliquid
    public var instruments: InstrumentRegistry {
        get { lookup.registry }
        set { lookup = InstrumentLookup(registry: newValue, feed: .hyperliquid) }
    }
    var lookup: InstrumentLookup

    public init(instruments: InstrumentRegistry) { self.lookup = InstrumentLookup(registry: instruments, feed: .hyperliquid) }

    public mutating func parse(_ frame: String, recvTs: Int64?) throws(MalformedFrame) -> [NormalizedEvent] {
        try Field.read(frame) { json throws(MalformedFrame) in try parse(json, recvTs: recvTs) }
    }

    mutating func parse(_ json: JSONNode, recvTs: Int64?) throws(MalformedFrame) -> [NormalizedEvent] {
        switch json["channel"]?.string {
        case "trades":
            var events: [NormalizedEvent] = []
            for d in try Field.array(json, "data") {
                guard let inst = lookup.resolve(try Field.string(d, "coin")) else { continue }
                let price = try Field.positive(d, "px")
                let (qty, usd) = inst.amounts(size: try Field.positive(d, "sz"), price: price)
                let side: TakerSide
                switch d["side"]?.string {
                case "B": side = .buy
                case "A": side = .sell
                default: throw MalformedFrame("'side' is not B or A")
                }
                events.append(event(inst, ts: try Field.int64(d, "time"), recvTs: recvTs,
                                    .trade(Trade(id: try Field.string(d, "tid"), side: side, price: price, qty: qty, notionalUSD: usd))))
            }
            return events
        case "activeAssetCtx":
            guard let data = json["data"], let ctx = data["ctx"] else { throw MalformedFrame("missing 'data.ctx'") }
            guard let inst = lookup.resolve(try Field.string(data, "coin")) else { return [] }
            let mark = try Field.positive(ctx, "markPx")
            var events = [event(inst, ts: recvTs, recvTs: recvTs, .markPrice(MarkPrice(
                price: mark, indexPrice: try Field.optionalDouble(ctx, "oraclePx"), fundingRate: try Field.optionalDouble(ctx, "funding"))))]
            if let oi = try Field.optionalDouble(ctx, "openInterest") {
                guard oi >= 0 else { throw MalformedFrame("negative open interest") }
                events.append(event(inst, ts: recvTs, recvTs: recvTs, .openInterest(OpenInterest(oiQty: oi, oiUSD: oi * mark))))
            }
            return events
        default:
            return []
        }
    }

    func event(_ inst: Instrument, ts: Int64?, recvTs: Int64?, _ body: NormalizedEvent.Body) -> NormalizedEvent {
        NormalizedEvent(venue: .hyperliquid, feed: .hyperliquid, symbol: inst.symbol, instrument: inst.canonicalID, ts: ts, recvTs: recvTs, body: body)
    }
}

import LiqmapCore

/// Folds one instrument's events into `MinuteSummary`s: trades give taker flow, VWAP and a fallback
/// high/low/close; mark prices give the mark high/low/close; the open-interest event with the latest
/// `ts` in a minute gives its open interest. Minutes are handed out once closed (`close(before:)`);
/// an event for a minute already handed out is counted as late and dropped. Liquidations are ignored
/// (the realized layer has them). Codable, so the minutes still open can be checkpointed with the
/// shard's progress.
public struct MinuteSummaryBuilder: Sendable, Hashable, Codable {
    private struct PriceRange: Sendable, Hashable, Codable {
        var high: Double
        var low: Double
        var close: Double
        var closeTs: Int64
    }

    private struct Partial: Sendable, Hashable, Codable {
        var oiTs: Int64 = .min
        var oiBase: Double?
        var oiUSD: Double?
        var buyUSD = 0.0
        var sellUSD = 0.0
        var priceQty = 0.0
        var qty = 0.0
        var mark: PriceRange?
        var trade: PriceRange?
    }

    private var partials: [Int64: Partial] = [:]
    /// Minutes before this one have been handed out.
    public private(set) var closedBefore: Int64 = .min
    /// Events dropped because their minute was already closed.
    public private(set) var late = 0

    public init() {}

    /// Adds one event of this instrument (events without `ts` are ignored).
    public mutating func add(_ event: NormalizedEvent) {
        guard let ts = event.ts else { return }
        let minute = TimeResolution.m1.column(ts: ts)
        guard minute >= closedBefore else {
            if event.kind != .liquidation { late += 1 }
            return
        }
        switch event.body {
        case .trade(let trade):
            guard trade.price > 0, trade.qty > 0, trade.notionalUSD >= 0 else { return }
            var p = partials[minute, default: Partial()]
            if trade.side == .buy { p.buyUSD += trade.notionalUSD } else { p.sellUSD += trade.notionalUSD }
            p.priceQty += trade.price * trade.qty
            p.qty += trade.qty
            p.trade = Self.extend(p.trade, price: trade.price, ts: ts)
            partials[minute] = p
        case .markPrice(let mark):
            guard mark.price > 0 else { return }
            partials[minute, default: Partial()].mark = Self.extend(partials[minute]?.mark, price: mark.price, ts: ts)
        case .openInterest(let oi):
            var p = partials[minute, default: Partial()]
            if ts >= p.oiTs {
                p.oiTs = ts
                p.oiBase = oi.oiQty
                p.oiUSD = oi.oiUSD
            }
            partials[minute] = p
        case .liquidation:
            return
        }
    }

    /// Hands out every minute before `minute`, ascending, and forgets them.
    public mutating func close(before minute: Int64) -> [MinuteSummary] {
        let ready = partials.keys.filter { $0 < minute }.sorted()
        closedBefore = max(closedBefore, minute)
        return ready.map { m in
            let p = partials.removeValue(forKey: m)!
            let range = p.mark ?? p.trade
            return MinuteSummary(
                minute: m, openInterestBase: p.oiBase, openInterestUSD: p.oiUSD, takerBuyUSD: p.buyUSD, takerSellUSD: p.sellUSD,
                vwap: p.qty > 0 ? p.priceQty / p.qty : nil, markHigh: range?.high, markLow: range?.low, markClose: range?.close)
        }
    }

    private static func extend(_ range: PriceRange?, price: Double, ts: Int64) -> PriceRange {
        guard var r = range else { return PriceRange(high: price, low: price, close: price, closeTs: ts) }
        r.high = max(r.high, price)
        r.low = min(r.low, price)
        if ts >= r.closeTs {
            r.close = price
            r.closeTs = ts
        }
        return r
    }
}

/// The contract's rules for a well-formed event: sizes and prices finite and positive, open interest
/// finite and not negative, times not negative. Parsers reject frames that break them (malformed).
extension NormalizedEvent {
    /// The first broken rule, or nil when the event is well-formed.
    public var invalidReason: String? {
        if symbol.isEmpty { return "empty symbol" }
        if instrument.isEmpty { return "empty instrument" }
        if let ts, ts < 0 { return "negative ts" }
        if let recvTs, recvTs < 0 { return "negative recv_ts" }
        switch body {
        case .trade(let t):
            if t.id.isEmpty { return "empty trade id" }
            return Self.positive(t.price, t.qty, t.notionalUSD)
        case .liquidation(let l):
            return Self.positive(l.price, l.qty, l.notionalUSD)
        case .openInterest(let o):
            if !o.oiQty.isFinite || o.oiQty < 0 { return "oi_qty is not a finite non-negative number" }
            if let usd = o.oiUSD, !usd.isFinite || usd < 0 { return "oi_usd is not a finite non-negative number" }
            return nil
        case .markPrice(let m):
            if !(m.price.isFinite && m.price > 0) { return "price is not a finite positive number" }
            if let i = m.indexPrice, !(i.isFinite && i > 0) { return "index_price is not a finite positive number" }
            if let f = m.fundingRate, !f.isFinite { return "funding_rate is not finite" }
            return nil
        }
    }

    /// Price, qty and notional of a trade or liquidation (no allocation: this runs once per event).
    private static func positive(_ price: Double, _ qty: Double, _ notional: Double) -> String? {
        if !(price.isFinite && price > 0) { return "price is not a finite positive number" }
        if !(qty.isFinite && qty > 0) { return "qty is not a finite positive number" }
        if !(notional.isFinite && notional > 0) { return "notional_usd is not a finite positive number" }
        return nil
    }
}

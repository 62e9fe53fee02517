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
            return Self.positive(["price": t.price, "qty": t.qty, "notional_usd": t.notionalUSD])
        case .liquidation(let l):
            return Self.positive(["price": l.price, "qty": l.qty, "notional_usd": l.notionalUSD])
        case .openInterest(let o):
            if !o.oiQty.isFinite || o.oiQty < 0 { return "oi_qty is not a finite non-negative number" }
            if let usd = o.oiUSD, !usd.isFinite || usd < 0 { return "oi_usd is not a finite non-negative number" }
            return nil
        case .markPrice(let m):
            if let reason = Self.positive(["price": m.price]) { return reason }
            if let i = m.indexPrice, !(i.isFinite && i > 0) { return "index_price is not a finite positive number" }
            if let f = m.fundingRate, !f.isFinite { return "funding_rate is not finite" }
            return nil
        }
    }

    private static func positive(_ fields: KeyValuePairs<String, Double>) -> String? {
        for (name, value) in fields where !(value.isFinite && value > 0) {
            return "\(name) is not a finite positive number"
        }
        return nil
    }
}

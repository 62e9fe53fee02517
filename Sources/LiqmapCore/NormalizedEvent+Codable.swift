/// The JSON shape of the contract: flat objects, snake_case keys, `kind` as the discriminator.
extension NormalizedEvent: Codable {
    private enum Key: String, CodingKey {
        case kind, venue, feed, symbol, instrument, ts
        case recvTs = "recv_ts"
        case id, side, price, qty
        case notionalUSD = "notional_usd"
        case oiQty = "oi_qty"
        case oiUSD = "oi_usd"
        case indexPrice = "index_price"
        case fundingRate = "funding_rate"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        let kind = try c.decode(EventKind.self, forKey: .kind)
        venue = try c.decode(Venue.self, forKey: .venue)
        feed = try c.decode(Feed.self, forKey: .feed)
        symbol = try c.decode(String.self, forKey: .symbol)
        instrument = try c.decode(String.self, forKey: .instrument)
        ts = try c.decodeIfPresent(Int64.self, forKey: .ts)
        recvTs = try c.decodeIfPresent(Int64.self, forKey: .recvTs)
        switch kind {
        case .trade:
            body = .trade(Trade(
                id: try c.decode(String.self, forKey: .id), side: try c.decode(TakerSide.self, forKey: .side),
                price: try c.decode(Double.self, forKey: .price), qty: try c.decode(Double.self, forKey: .qty),
                notionalUSD: try c.decode(Double.self, forKey: .notionalUSD)))
        case .liquidation:
            body = .liquidation(Liquidation(
                side: try c.decode(PositionSide.self, forKey: .side), price: try c.decode(Double.self, forKey: .price),
                qty: try c.decode(Double.self, forKey: .qty), notionalUSD: try c.decode(Double.self, forKey: .notionalUSD)))
        case .openInterest:
            body = .openInterest(OpenInterest(
                oiQty: try c.decode(Double.self, forKey: .oiQty), oiUSD: try c.decodeIfPresent(Double.self, forKey: .oiUSD)))
        case .markPrice:
            body = .markPrice(MarkPrice(
                price: try c.decode(Double.self, forKey: .price),
                indexPrice: try c.decodeIfPresent(Double.self, forKey: .indexPrice),
                fundingRate: try c.decodeIfPresent(Double.self, forKey: .fundingRate)))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(kind, forKey: .kind)
        try c.encode(venue, forKey: .venue)
        try c.encode(feed, forKey: .feed)
        try c.encode(symbol, forKey: .symbol)
        try c.encode(instrument, forKey: .instrument)
        try c.encode(ts, forKey: .ts)  // explicit null when unknown, as the contract says
        try c.encode(recvTs, forKey: .recvTs)
        switch body {
        case .trade(let t):
            try c.encode(t.id, forKey: .id)
            try c.encode(t.side, forKey: .side)
            try c.encode(t.price, forKey: .price)
            try c.encode(t.qty, forKey: .qty)
            try c.encode(t.notionalUSD, forKey: .notionalUSD)
        case .liquidation(let l):
            try c.encode(l.side, forKey: .side)
            try c.encode(l.price, forKey: .price)
            try c.encode(l.qty, forKey: .qty)
            try c.encode(l.notionalUSD, forKey: .notionalUSD)
        case .openInterest(let o):
            try c.encode(o.oiQty, forKey: .oiQty)
            try c.encode(o.oiUSD, forKey: .oiUSD)
        case .markPrice(let m):
            try c.encode(m.price, forKey: .price)
            try c.encode(m.indexPrice, forKey: .indexPrice)
            try c.encode(m.fundingRate, forKey: .fundingRate)
        }
    }
}

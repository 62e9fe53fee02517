/// A fast, allocation-light JSON form of events for the hot paths (stream batches, `liqmap parse`):
/// the contract's flat object, keys in a fixed order, numbers in Swift's shortest round-trip form.
/// It decodes to the same values as the `Codable` form (a test checks both directions).
extension NormalizedEvent {
    /// Appends this event as one JSON object.
    public func appendJSON(to out: inout [UInt8]) {
        out.append(contentsOf: #"{"kind":""#.utf8)
        out.append(contentsOf: kind.rawValue.utf8)
        out.append(contentsOf: #"","venue":""#.utf8)
        out.append(contentsOf: venue.rawValue.utf8)
        out.append(contentsOf: #"","feed":""#.utf8)
        out.append(contentsOf: feed.rawValue.utf8)
        out.append(contentsOf: #"","symbol":"#.utf8)
        JSONText.string(symbol, to: &out)
        out.append(contentsOf: #","instrument":"#.utf8)
        JSONText.string(instrument, to: &out)
        out.append(contentsOf: #","ts":"#.utf8)
        JSONText.int(ts, to: &out)
        out.append(contentsOf: #","recv_ts":"#.utf8)
        JSONText.int(recvTs, to: &out)
        switch body {
        case .trade(let t):
            out.append(contentsOf: #","id":"#.utf8)
            JSONText.string(t.id, to: &out)
            out.append(contentsOf: #","side":""#.utf8)
            out.append(contentsOf: t.side.rawValue.utf8)
            out.append(UInt8(ascii: "\""))
            JSONText.number("price", t.price, to: &out)
            JSONText.number("qty", t.qty, to: &out)
            JSONText.number("notional_usd", t.notionalUSD, to: &out)
        case .liquidation(let l):
            out.append(contentsOf: #","side":""#.utf8)
            out.append(contentsOf: l.side.rawValue.utf8)
            out.append(UInt8(ascii: "\""))
            JSONText.number("price", l.price, to: &out)
            JSONText.number("qty", l.qty, to: &out)
            JSONText.number("notional_usd", l.notionalUSD, to: &out)
        case .openInterest(let o):
            JSONText.number("oi_qty", o.oiQty, to: &out)
            JSONText.number("oi_usd", o.oiUSD, to: &out)
        case .markPrice(let m):
            JSONText.number("price", m.price, to: &out)
            JSONText.number("index_price", m.indexPrice, to: &out)
            JSONText.number("funding_rate", m.fundingRate, to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    /// Why a JSON value is not a v1 event.
    public struct DecodingError: Error, Sendable, Hashable, CustomStringConvertible {
        public let description: String
    }

    /// Reads the contract's JSON object (unknown fields ignored).
    public init(json: JSON) throws(DecodingError) {
        func text(_ key: String) throws(DecodingError) -> String {
            guard let s = json[key]?.string else { throw DecodingError(description: "missing string '\(key)'") }
            return s
        }
        func number(_ key: String) throws(DecodingError) -> Double {
            guard case .number(let s)? = json[key], let d = Double(s) else { throw DecodingError(description: "missing number '\(key)'") }
            return d
        }
        func optionalNumber(_ key: String) throws(DecodingError) -> Double? {
            guard let v = json[key], !v.isNull else { return nil }
            guard case .number(let s) = v, let d = Double(s) else { throw DecodingError(description: "'\(key)' is not a number") }
            return d
        }
        func optionalInt(_ key: String) throws(DecodingError) -> Int64? {
            guard let v = json[key], !v.isNull else { return nil }
            guard case .number(let s) = v, let n = Int64(s) else { throw DecodingError(description: "'\(key)' is not an integer") }
            return n
        }
        guard let kind = EventKind(rawValue: try text("kind")) else { throw DecodingError(description: "unknown kind") }
        guard let venue = Venue(rawValue: try text("venue")) else { throw DecodingError(description: "unknown venue") }
        guard let feed = Feed(rawValue: try text("feed")) else { throw DecodingError(description: "unknown feed") }
        let body: Body
        switch kind {
        case .trade:
            guard let side = TakerSide(rawValue: try text("side")) else { throw DecodingError(description: "bad taker side") }
            body = .trade(Trade(id: try text("id"), side: side, price: try number("price"), qty: try number("qty"),
                                notionalUSD: try number("notional_usd")))
        case .liquidation:
            guard let side = PositionSide(rawValue: try text("side")) else { throw DecodingError(description: "bad position side") }
            body = .liquidation(Liquidation(side: side, price: try number("price"), qty: try number("qty"), notionalUSD: try number("notional_usd")))
        case .openInterest:
            body = .openInterest(OpenInterest(oiQty: try number("oi_qty"), oiUSD: try optionalNumber("oi_usd")))
        case .markPrice:
            body = .markPrice(MarkPrice(price: try number("price"), indexPrice: try optionalNumber("index_price"),
                                        fundingRate: try optionalNumber("funding_rate")))
        }
        self.init(venue: venue, feed: feed, symbol: try text("symbol"), instrument: try text("instrument"),
                  ts: try optionalInt("ts"), recvTs: try optionalInt("recv_ts"), body: body)
    }
}

/// JSON text pieces.
enum JSONText {
    static func string(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): out.append(contentsOf: [92, 34])
            case UInt8(ascii: "\\"): out.append(contentsOf: [92, 92])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [92, UInt8(ascii: "u"), 48, 48, hex[Int(b >> 4)], hex[Int(b & 15)]])
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    static func int(_ n: Int64?, to out: inout [UInt8]) {
        guard let n else { out.append(contentsOf: "null".utf8); return }
        out.append(contentsOf: String(n).utf8)
    }

    /// `,"key":value` (null for nil). Values are finite (events are validated before encoding).
    static func number(_ key: StaticString, _ value: Double?, to out: inout [UInt8]) {
        out.append(contentsOf: [44, 34])
        key.withUTF8Buffer { out.append(contentsOf: $0) }
        out.append(contentsOf: [34, 58])
        guard let value, value.isFinite else { out.append(contentsOf: "null".utf8); return }
        if value == value.rounded(), abs(value) < 1e15 {
            out.append(contentsOf: String(Int64(value)).utf8)
        } else {
            out.append(contentsOf: value.description.utf8)
        }
    }
}

import Foundation
import LiqmapCore
import Testing

@Suite("Normalized events v1")
struct NormalizedEventTests {
    static let examples: [URL] = {
        let dir = Repository.url("Protocols/events/examples")
        return ((try? FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)) ?? [])
            .filter { $0.pathExtension == "json" }.sorted { $0.path < $1.path }
    }()

    static let invalidExamples: [URL] = {
        let dir = Repository.url("Protocols/events/invalid")
        return ((try? FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil)) ?? [])
            .filter { $0.pathExtension == "json" }.sorted { $0.path < $1.path }
    }()

    @Test("every file in Protocols/events/invalid is refused, as the JSON Schema refuses it", arguments: invalidExamples)
    func invalidExample(_ url: URL) throws {
        let data = try Data(contentsOf: url)
        if let event = try? JSONDecoder().decode(NormalizedEvent.self, from: data) {
            #expect(event.invalidReason != nil, "\(url.lastPathComponent) was accepted")
        }
    }

    @Test("the examples cover every kind")
    func examplesCoverKinds() throws {
        let kinds = try Set(Self.examples.map { try JSONDecoder().decode(NormalizedEvent.self, from: Data(contentsOf: $0)).kind })
        #expect(kinds == Set(EventKind.allCases))
    }

    @Test("every example decodes, is valid, and re-encodes to the same JSON object", arguments: examples)
    func example(_ url: URL) throws {
        let data = try Data(contentsOf: url)
        let event = try JSONDecoder().decode(NormalizedEvent.self, from: data)
        #expect(event.invalidReason == nil)
        let original = try JSONSerialization.jsonObject(with: data) as? NSDictionary
        let again = try JSONSerialization.jsonObject(with: JSONEncoder().encode(event)) as? NSDictionary
        #expect(original == again, "\(url.lastPathComponent)")
    }

    @Test("unknown fields are ignored; a missing required field is an error")
    func decodingRules() throws {
        let extra = #"{"kind":"mark_price","venue":"okx","feed":"okx","symbol":"BTC-USDT-SWAP","instrument":"BTC-USDT-PERP","ts":1,"recv_ts":null,"price":5,"index_price":null,"funding_rate":null,"new_field":[1,2]}"#
        #expect(try JSONDecoder().decode(NormalizedEvent.self, from: Data(extra.utf8)).kind == .markPrice)
        let missing = #"{"kind":"trade","venue":"okx","feed":"okx","symbol":"X","instrument":"X-USDT-PERP","ts":1,"recv_ts":null,"side":"buy","price":1,"qty":1,"notional_usd":1}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(NormalizedEvent.self, from: Data(missing.utf8)) }
        let badKind = #"{"kind":"candle","venue":"okx","feed":"okx","symbol":"X","instrument":"X-USDT-PERP","ts":1,"recv_ts":null}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(NormalizedEvent.self, from: Data(badKind.utf8)) }
    }

    static func liquidation(price: Double = 100, qty: Double = 1, notional: Double = 100) -> NormalizedEvent {
        NormalizedEvent(venue: .binance, feed: .binanceUSDM, symbol: "BTCUSDT", instrument: "BTC-USDT-PERP", ts: 1, recvTs: 2,
                        body: .liquidation(Liquidation(side: .short, price: price, qty: qty, notionalUSD: notional)))
    }

    @Test("zero, negative and non-finite sizes and prices are invalid",
          arguments: [0.0, -1.0, Double.nan, Double.infinity, -Double.infinity])
    func invalidNumbers(_ bad: Double) {
        #expect(Self.liquidation(price: bad).invalidReason?.contains("price") == true)
        #expect(Self.liquidation(qty: bad).invalidReason?.contains("qty") == true)
        #expect(Self.liquidation(notional: bad).invalidReason?.contains("notional_usd") == true)
        #expect(Self.liquidation().invalidReason == nil)
    }

    @Test("open interest may be zero but not negative; mark price rules")
    func otherRules() {
        func oi(_ qty: Double, _ usd: Double?) -> NormalizedEvent {
            NormalizedEvent(venue: .okx, feed: .okx, symbol: "S", instrument: "BTC-USD-PERP", ts: nil, recvTs: nil,
                            body: .openInterest(OpenInterest(oiQty: qty, oiUSD: usd)))
        }
        #expect(oi(0, nil).invalidReason == nil)
        #expect(oi(-1, nil).invalidReason != nil)
        #expect(oi(1, .nan).invalidReason != nil)
        let mark = NormalizedEvent(venue: .okx, feed: .okx, symbol: "S", instrument: "BTC-USD-PERP", ts: -5, recvTs: nil,
                                   body: .markPrice(MarkPrice(price: 1, indexPrice: nil, fundingRate: -0.001)))
        #expect(mark.invalidReason == "negative ts")
    }

    @Test("every feed names its venue")
    func feeds() {
        #expect(Set(Feed.allCases.map(\.venue)) == Set(Venue.allCases))
        #expect(Feed(rawValue: "binance-coinm")?.venue == .binance)
        #expect(Feed(rawValue: "bybit-inverse")?.venue == .bybit)
    }
}

@Suite("Fast event JSON")
struct FastEventJSONTests {
    @Test("appendJSON decodes to the same event through Codable and through init(json:)", arguments: NormalizedEventTests.examples)
    func roundTrip(_ url: URL) throws {
        let event = try JSONDecoder().decode(NormalizedEvent.self, from: Data(contentsOf: url))
        var bytes: [UInt8] = []
        event.appendJSON(to: &bytes)
        #expect(try JSONDecoder().decode(NormalizedEvent.self, from: Data(bytes)) == event)
        #expect(try NormalizedEvent(json: JSON.parse(bytes: bytes)) == event)
    }

    @Test("strings are escaped")
    func escaping() throws {
        let event = NormalizedEvent(venue: .okx, feed: .okx, symbol: "we\"ird\\\n", instrument: "X-USDT-PERP", ts: nil, recvTs: 1,
                                    body: .trade(Trade(id: "\u{1}", side: .sell, price: 0.000001234, qty: 1e20, notionalUSD: 123.5)))
        var bytes: [UInt8] = []
        event.appendJSON(to: &bytes)
        #expect(try NormalizedEvent(json: JSON.parse(bytes: bytes)) == event)
        #expect(try JSONDecoder().decode(NormalizedEvent.self, from: Data(bytes)) == event)
    }
}

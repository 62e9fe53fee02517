import LiqmapCore
import LiqmapWire
import Testing

@Suite("Stream encoding v1")
struct WireTests {
    static let events: [NormalizedEvent] = (0..<7).map { i in
        NormalizedEvent(venue: .okx, feed: .okx, symbol: "BTC-USDT-SWAP", instrument: "BTC-USDT-PERP", ts: 1_000 + Int64(i), recvTs: nil,
                        body: i % 2 == 0
                            ? .trade(Trade(id: "\(i)", side: .buy, price: 50_000.25, qty: 0.1, notionalUSD: 5_000.025))
                            : .openInterest(OpenInterest(oiQty: 10, oiUSD: nil)))
    }

    func fields(_ batch: EventBatch) -> [(name: String, value: [UInt8])] { EventBatchCodec.encode(batch) }

    @Test("a batch round-trips through its stream fields")
    func roundTrip() throws {
        let batch = EventBatch(source: "okx@h:1", sequence: 42, events: Self.events)
        let f = fields(batch)
        #expect(f.map(\.name) == ["v", "codec", "src", "seq", "n", "data"])
        #expect(try EventBatchCodec.decode(f) == batch)
        let empty = EventBatch(source: "s", sequence: 1, events: [])
        #expect(try EventBatchCodec.decode(fields(empty)) == empty)
    }

    func replacing(_ name: String, with value: String, in batch: EventBatch = EventBatch(source: "s", sequence: 1, events: events))
        throws -> [(name: String, value: [UInt8])]
    {
        fields(batch).map { $0.name == name ? (name, Array(value.utf8)) : $0 }
    }

    @Test("unreadable entries are refused with a reason")
    func refusals() throws {
        func reason(_ f: [(name: String, value: [UInt8])]) -> String? {
            do { _ = try EventBatchCodec.decode(f); return nil } catch { return error.reason }
        }
        #expect(reason(try replacing("v", with: "2"))?.contains("unsupported version") == true)
        #expect(reason(try replacing("codec", with: "msgpack"))?.contains("codec") == true)
        #expect(reason(try replacing("n", with: "6"))?.contains("n=6") == true)
        #expect(reason(try replacing("seq", with: "x"))?.contains("seq") == true)
        #expect(reason(fields(EventBatch(source: "s", sequence: 1, events: Self.events)).filter { $0.name != "src" }) == "missing field 'src'")
        #expect(reason(try replacing("data", with: "{\"kind\":\"trade\"}"))?.contains("event 1") == true)
        var bad = Self.events[0]
        bad.body = .trade(Trade(id: "1", side: .buy, price: -1, qty: 1, notionalUSD: 1))
        let negative = fields(EventBatch(source: "s", sequence: 1, events: [bad]))
        #expect(reason(negative)?.contains("price") == true)
        #expect(reason(fields(EventBatch(source: "s", sequence: 1, events: Self.events)).map {
            $0.name == "data" ? ($0.name, [0xff, 0xfe]) : $0 }) != nil)
    }

    @Test("extra fields are ignored")
    func extraFields() throws {
        let batch = EventBatch(source: "s", sequence: 9, events: Self.events)
        #expect(try EventBatchCodec.decode(fields(batch) + [("future", [1, 2, 3])]) == batch)
    }

    @Test("split respects event and byte limits and keeps order")
    func split() {
        let many = Array(repeating: Self.events, count: 200).flatMap { $0 }  // 1400 events
        let byCount = EventBatchCodec.split(many, maxEvents: 500)
        #expect(byCount.map(\.count) == [500, 500, 400])
        #expect(byCount.flatMap { $0 } == many)
        let byBytes = EventBatchCodec.split(many, maxEvents: 500, maxBytes: 1000, approximateEventBytes: { _ in 300 })
        #expect(byBytes.allSatisfy { $0.count <= 3 })
        #expect(byBytes.flatMap { $0 } == many)
        #expect(EventBatchCodec.split(Array(many.prefix(2)), maxBytes: 10, approximateEventBytes: { _ in 50 }).map(\.count) == [1, 1])
        #expect(EventBatchCodec.split([]).isEmpty)
    }

    @Test("stream keys carry one hash tag per shard")
    func keys() {
        #expect(StreamKeys.events(shard: 3) == "liqmap:v1:{s3}:events")
        #expect(StreamKeys.quarantine(feed: .bybitInverse) == "liqmap:v1:{q-bybit-inverse}:quarantine")
    }

    @Test("shard map: FNV-1a reference vectors, stable, spread over shards")
    func shardMap() {
        #expect(ShardMap.fnv1a64("") == 0xcbf2_9ce4_8422_2325)
        #expect(ShardMap.fnv1a64("a") == 0xaf63_dc4c_8601_ec8c)
        #expect(ShardMap.fnv1a64("foobar") == 0x8594_4171_f739_67e8)
        let map = ShardMap(shards: 4)
        var counts = [0, 0, 0, 0]
        for i in 0..<4000 { counts[map.shard(venue: .binance, instrument: "COIN\(i)-USDT-PERP")] += 1 }
        #expect(counts.allSatisfy { $0 > 800 && $0 < 1200 }, "\(counts)")
        #expect(map.shard(venue: .okx, instrument: "BTC-USDT-PERP") == map.shard(venue: .okx, instrument: "BTC-USDT-PERP"))
        #expect(ShardMap(shards: 1).shard(venue: .okx, instrument: "BTC-USDT-PERP") == 0)
        for (venue, instrument) in [(Venue.binance, "BTC-USDT-PERP"), (.okx, "ETH-USD-20260925"), (.bitmex, "ÉTH-USD-PERP")] {
            #expect(ShardMap(shards: 1_000).shard(venue: venue, instrument: instrument)
                    == Int(ShardMap.fold(ShardMap.fnv1a64("\(venue.rawValue)|\(instrument)")) % 1_000), "the shard of folded FNV-1a(\"venue|instrument\")")
        }
    }
}

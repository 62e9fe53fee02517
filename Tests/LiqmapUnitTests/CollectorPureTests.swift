import LiqmapCollector
import LiqmapCore
import Testing

@Suite("Collector: batching and trimming rules")
struct CollectorPureTests {
    static func trade(_ i: Int, instrument: String = "BTC-USDT-PERP") -> NormalizedEvent {
        NormalizedEvent(venue: .okx, feed: .okx, symbol: "S", instrument: instrument, ts: Int64(i), recvTs: nil,
                        body: .trade(Trade(id: "\(i)", side: .buy, price: 1, qty: 1, notionalUSD: 1)))
    }

    @Test("batches fill per shard, number themselves in order, and flush when due")
    func batching() {
        var b = BatchBuilder(shards: ShardMap(shards: 2), maxEvents: 3)
        let events = (0..<10).map { Self.trade($0, instrument: $0 % 2 == 0 ? "BTC-USDT-PERP" : "ETH-USDT-PERP") }
        let ready = b.add(events, now: 0)
        let byShard = Dictionary(grouping: events) { ShardMap(shards: 2).shard(venue: .okx, instrument: $0.instrument) }
        #expect(ready.allSatisfy { $0.events.count == 3 })
        #expect(ready.map(\.sequence) == Array(1...UInt64(ready.count)))
        #expect(b.due(now: 4, interval: 5).isEmpty, "not old enough yet")
        let rest = b.due(now: 5, interval: 5)
        #expect(b.pendingEvents == 0)
        let all = ready + rest
        #expect(all.map(\.sequence) == Array(1...UInt64(all.count)))
        for (shard, expected) in byShard {
            #expect(all.filter { $0.shard == shard }.flatMap(\.events) == expected, "per-shard order is kept")
        }
    }

    @Test("a batch never exceeds the byte budget unless one event alone does")
    func byteBudget() {
        var b = BatchBuilder(shards: ShardMap(shards: 1), maxEvents: 1000, maxBytes: 1000)
        let ready = b.add((0..<20).map { Self.trade($0) }, now: 0) + b.due(now: 0, interval: 0)
        #expect(ready.count > 1 && ready.allSatisfy { $0.events.count <= 5 })
        #expect(ready.flatMap(\.events).count == 20)
    }

    @Test("trimming keeps everything a group still needs")
    func trimPolicy() {
        typealias G = StreamTrimPolicy.GroupState
        #expect(StreamTrimPolicy.minID(groups: []) == nil, "nobody reads the stream yet: keep it all")
        #expect(StreamTrimPolicy.minID(groups: [G(oldestPending: nil, lastDelivered: "100-5")]) == "100-6")
        #expect(StreamTrimPolicy.minID(groups: [G(oldestPending: "90-1", lastDelivered: "100-5")]) == "90-1")
        #expect(StreamTrimPolicy.minID(groups: [G(oldestPending: nil, lastDelivered: "100-5"), G(oldestPending: nil, lastDelivered: "50-0")]) == "50-1")
        #expect(StreamTrimPolicy.minID(groups: [G(oldestPending: nil, lastDelivered: "0-0")]) == "0-1")
        #expect(StreamTrimPolicy.minID(groups: [G(oldestPending: nil, lastDelivered: "garbage")]) == nil)
        #expect(StreamID("5-18446744073709551615")?.next == StreamID(ms: 6, seq: 0))
        #expect(StreamID("9-0")! < StreamID("10-0")!, "ids compare as numbers, not text")
    }
}

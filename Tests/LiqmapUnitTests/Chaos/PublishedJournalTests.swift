import LiqmapCollector
import Testing

@Suite("Published journal: what a collector can publish again after Redis loses its data")
struct PublishedJournalTests {
    static func fields(_ n: Int, size: Int = 10) -> [(name: String, value: [UInt8])] { [("seq", Array(String(n).utf8)), ("pad", Array(repeating: 0, count: size))] }

    @Test("keeps batches per shard in order, drops those past the age bound")
    func age() {
        var j = PublishedJournal(maxAgeMs: 1_000, maxBytes: 1 << 20)
        for i in 0..<10 { j.append(shard: i % 2, fields: Self.fields(i), now: Int64(i) * 200) }
        // now = 1800: kept are atMs >= 800, i.e. i = 4...9
        #expect(j.count == 6)
        #expect(j.batches(shard: 0).map { String(decoding: $0[0].value, as: UTF8.self) } == ["4", "6", "8"])
        #expect(j.batches(shard: 1).map { String(decoding: $0[0].value, as: UTF8.self) } == ["5", "7", "9"])
        j.trim(now: 10_000)
        #expect(j.count == 0 && j.bytes == 0)
    }

    @Test("drops the oldest while over the byte bound; 0 keeps nothing; removeAll forgets")
    func bytes() {
        var j = PublishedJournal(maxAgeMs: 1_000_000, maxBytes: 100)
        for i in 0..<10 { j.append(shard: 0, fields: Self.fields(i, size: 30), now: Int64(i)) }
        #expect(j.bytes <= 100 && j.count == 2, "each batch is 3 + 1 + 3 + 30 = 37 bytes")
        #expect(j.batches(shard: 0).map { String(decoding: $0[0].value, as: UTF8.self) } == ["8", "9"])
        j.removeAll()
        #expect(j.count == 0 && j.bytes == 0 && j.batches(shard: 0).isEmpty)
        var off = PublishedJournal(maxAgeMs: 0, maxBytes: 100)
        off.append(shard: 0, fields: Self.fields(1), now: 1)
        #expect(off.count == 0)
    }

    @Test("many batches: compaction keeps the order and the count")
    func compaction() {
        var j = PublishedJournal(maxAgeMs: 5_000, maxBytes: 1 << 30)
        for i in 0..<20_000 { j.append(shard: 0, fields: Self.fields(i), now: Int64(i)) }
        #expect(j.count == 5_001)
        let seqs = j.batches(shard: 0).map { Int(String(decoding: $0[0].value, as: UTF8.self))! }
        #expect(seqs == Array(14_999..<20_000))
    }
}

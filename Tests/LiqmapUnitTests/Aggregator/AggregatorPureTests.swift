import Foundation
import LiqmapAggregation
import LiqmapAggregator
import LiqmapCore
import LiqmapRedis
import LiqmapWire
import Testing

@Suite("Aggregator: pure parts")
struct AggregatorPureTests {
    @Test("stream ids order as Redis orders them, and parse strictly")
    func streamIDs() {
        #expect(StreamID("1700000000000-5")! < StreamID("1700000000000-12")!)
        #expect(StreamID("9-0")! < StreamID("10-0")!, "numeric, not textual, order")
        #expect(StreamID("42") == StreamID(ms: 42, seq: 0))
        #expect(StreamID("0-0") == .zero && StreamID.zero.description == "0-0")
        for bad in ["", "-", "a-1", "1-b", "1-2-3", "-1-0"] { #expect(StreamID(bad) == nil, "\(bad)") }
    }

    @Test("array literals quote and escape every value")
    func arrayLiterals() {
        #expect(PGArrayLiteral.text(["a", "b c", "q\"uote", "back\\slash", "", "{x}"]) == #"{"a","b c","q\"uote","back\\slash","","{x}"}"#)
        #expect(PGArrayLiteral.text([String]()) == "{}")
        #expect(PGArrayLiteral.integers([1, -2, Int64.max]) == "{1,-2,9223372036854775807}")
        #expect(PGArrayLiteral.doubles([0.1, 60000, -1.5e-7]) == "{0.1,60000.0,-1.5e-07}")
        #expect(PGArrayLiteral.bytea([[0x00, 0xff, 0x4c], []]) == #"{"\\x00ff4c","\\x"}"#)
    }

    @Test("failpoints parse site@probability and refuse the rest")
    func failpoints() {
        #expect(Failpoint("after_commit_before_ack@0.05") == Failpoint("after_commit_before_ack@0.05"))
        #expect(Failpoint("after_commit_before_ack@0.05")?.probability == 0.05)
        #expect(Failpoint("before_commit")?.probability == 1)
        for bad in ["", "nowhere", "after_ack@0", "after_ack@1.5", "after_ack@x"] { #expect(Failpoint(bad) == nil, "\(bad)") }
    }

    static func liq(_ i: Int, usd: Double = 1_000, price: Double = 50_000, ts: Int64? = 1_000) -> NormalizedEvent {
        NormalizedEvent(venue: .okx, feed: .okx, symbol: "BTC-USDT-SWAP", instrument: "BTC-USDT-PERP", ts: ts.map { $0 + Int64(i) }, recvTs: nil,
                        body: .liquidation(Liquidation(side: .long, price: price, qty: usd / price, notionalUSD: usd)))
    }

    static func entry(_ id: String, _ batch: EventBatch) -> StreamEntry {
        StreamEntry(id: id, fields: EventBatchCodec.encode(batch).map { StreamEntry.Field(name: $0.name, value: $0.value) })
    }

    @Test("a read plans new batches only, one row per liquidation identity, refusals as dead letters")
    func plan() {
        let trade = NormalizedEvent(venue: .okx, feed: .okx, symbol: "BTC-USDT-SWAP", instrument: "BTC-USDT-PERP", ts: 5_000, recvTs: nil,
                                    body: .trade(Trade(id: "1", side: .buy, price: 50_000, qty: 1, notionalUSD: 50_000)))
        let entries = [
            Self.entry("1-0", EventBatch(source: "a", sequence: 1, events: [Self.liq(1), Self.liq(2), trade])),
            Self.entry("2-0", EventBatch(source: "a", sequence: 2, events: [Self.liq(2), Self.liq(3, ts: nil)])),
            // One event the codec refuses makes the whole entry unreadable: kept whole as a dead letter.
            Self.entry("2-5", EventBatch(source: "a", sequence: 3, events: [Self.liq(4, price: -1)])),
            Self.entry("3-0", EventBatch(source: "a", sequence: 1, events: [Self.liq(1)])),  // re-sent batch
            Self.entry("4-0", EventBatch(source: "b", sequence: 7, events: [Self.liq(5)])),  // already applied
            StreamEntry(id: "5-0", fields: [StreamEntry.Field(name: "v", value: Array("2".utf8))]),
        ]
        let plan = BatchPlan.plan(BatchPlan.decode(entries), applied: [BatchID(src: "b", seq: 7)])
        #expect(plan.newBatches.map(\.streamID) == ["1-0", "2-0"])
        #expect(plan.duplicateBatches == 2)
        #expect(plan.liquidations.map(\.eventKey) == [Self.liq(1).identityKey, Self.liq(2).identityKey])
        #expect(plan.duplicateLiquidationsInRead == 1)
        #expect(plan.modelEvents == [trade])
        #expect(plan.deadLetters.count == 3, "no time, refused batch, unknown version: \(plan.deadLetters.map(\.reason))")
        #expect(plan.maxEventTs == 5_000 && plan.newEvents == 5)
        #expect(plan.liquidations.allSatisfy { $0.usdMicros == 1_000_000_000 && $0.asset == "BTC" })
    }
}

@Suite("Config: model files")
struct ModelFilesTests {
    static let config = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Config")

    @Test("Config/model.json equals the built-in ModelParameters defaults")
    func modelDefaults() throws {
        let data = try Data(contentsOf: Self.config.appendingPathComponent("model.json"))
        #expect(try JSONDecoder().decode(ModelParameters.self, from: data) == ModelParameters())
    }

    @Test("Config/margin-tiers.json reads as margin tables with Binance's cum column")
    func marginTiers() throws {
        let data = try Data(contentsOf: Self.config.appendingPathComponent("margin-tiers.json"))
        let raw = try JSONDecoder().decode([String: [MarginTier]].self, from: data)
        let binance = try #require(raw["binance|BTC-USDT-PERP"])
        #expect(binance.map(\.deduction) == [0, 300, 1_500, 12_000])
        let derived = MarginTable.continuous([(300_000, 0.004), (800_000, 0.005), (3_000_000, 0.0065), (12_000_000, 0.01)])
        #expect(zip(MarginTable(tiers: binance).tiers, derived.tiers).allSatisfy { abs($0.deduction - $1.deduction) < 1e-6 && $0.mmr == $1.mmr },
                "the cached cum column is the continuous one")
    }
}

@Suite("Aggregator: retention")
struct RetentionPolicyTests {
    @Test("cutoffs keep every tile that overlaps the window, per resolution; 4h and 12h are kept for ever")
    func cutoffs() {
        let newest: Int64 = 1_790_000_000_000
        let cut = Dictionary(uniqueKeysWithValues: RetentionPolicy.standard.cutoffTiles(newestEventTs: newest).map { ($0.0, $0.1) })
        #expect(cut[.h4] == nil && cut[.h12] == nil)
        for (r, tile) in cut {
            let keep = RetentionPolicy.standard.keep[r]!
            let windowStart = newest - keep
            let firstKept = TimeResolution.tile(ofColumn: r.column(ts: windowStart))
            #expect(tile == firstKept, "\(r)")
            // The tile before the cutoff ends at or before the window's start: wholly older.
            #expect(r.start(ofColumn: TimeResolution.column(tile: tile, offset: 0)) <= windowStart)
        }
    }

    @Test("after ownerships that fail before committing, the wait to stand by again doubles up to its bound")
    func standByBackoff() {
        let delays = (0...8).map { ShardAggregator.standByDelay(fruitless: $0, poll: 0.5, max: 4) }
        #expect(delays == [0.5, 0.5, 1, 2, 4, 4, 4, 4, 4])
        #expect(ShardAggregator.standByDelay(fruitless: 10_000, poll: 0.5, max: 4) == 4, "no overflow for a long outage")
    }
}

import Foundation
import LiqmapAggregation
import LiqmapChaos
import LiqmapCore
import LiqmapExchanges
import LiqmapLoopback
import Testing

@Suite("Reliability suite: oracle, report, hostile frames (pure)")
struct ChaosPureTests {
    static func market(_ keys: [(String, String, String, Int64)]) -> ExpectedMarket {
        var m = ExpectedMarket()
        for (key, venue, side, micros) in keys {
            m.liquidationKeys.insert(key)
            m.totals.add(venue: venue, side: side, micros: micros)
        }
        m.events = keys.count
        return m
    }

    static func totals(_ rows: [(String, String, Int64, Int)]) -> RealizedTotals {
        var t = RealizedTotals()
        for (venue, side, micros, count) in rows { t.add(venue: venue, side: side, micros: micros, count: count) }
        return t
    }

    static let input = market([("a", "binance", "long", 1_000_000), ("b", "binance", "long", 2_500_000), ("c", "okx", "short", 7)])
    static let exact = totals([("binance", "long", 3_500_000, 2), ("okx", "short", 7, 1)])
    static let allTiles = Dictionary(uniqueKeysWithValues: TimeResolution.allCases.map { ($0, exact) })

    @Test("the oracle holds when rows, every resolution's tiles and the stream entries match the input exactly")
    func holds() {
        let v = ChaosOracle.judge(expected: Self.input, storedKeys: ["a", "b", "c"], rows: Self.exact, tiles: Self.allTiles,
                                  entries: 10, applied: 10, appliedEvents: 40, pending: 0)
        #expect(v.holds && v.lost == 0 && v.duplicated == 0 && v.pending == 0 && v.liquidations == 3 && v.appliedEvents == 40)
    }

    @Test("a missing row, a double-counted tile, one micro-dollar off, an unapplied entry and a pending entry each fail it")
    func fails() {
        var v = ChaosOracle.judge(expected: Self.input, storedKeys: ["a", "b"], rows: Self.totals([("binance", "long", 3_500_000, 2)]),
                                  tiles: Self.allTiles, entries: 10, applied: 10, appliedEvents: 40, pending: 0)
        #expect(!v.holds && v.lost == 1 && v.duplicated == 0)

        var tiles = Self.allTiles
        tiles[.m5] = Self.totals([("binance", "long", 4_500_000, 3), ("okx", "short", 7, 1)])
        v = ChaosOracle.judge(expected: Self.input, storedKeys: ["a", "b", "c"], rows: Self.exact, tiles: tiles,
                              entries: 10, applied: 10, appliedEvents: 40, pending: 0)
        #expect(!v.holds && v.duplicated == 1 && v.lost == 0 && v.problems.contains { $0.hasPrefix("5m tiles") })

        v = ChaosOracle.judge(expected: Self.input, storedKeys: ["a", "b", "c"], rows: Self.totals([("binance", "long", 3_500_001, 2), ("okx", "short", 7, 1)]),
                              tiles: Self.allTiles, entries: 10, applied: 10, appliedEvents: 40, pending: 0)
        #expect(!v.holds && v.lost == 0 && v.duplicated == 0, "the sum is checked to the micro-dollar, not only the counts")

        v = ChaosOracle.judge(expected: Self.input, storedKeys: ["a", "b", "c"], rows: Self.exact, tiles: Self.allTiles,
                              entries: 11, applied: 10, appliedEvents: 40, pending: 0)
        #expect(!v.holds && v.pending == 1)
        v = ChaosOracle.judge(expected: Self.input, storedKeys: ["a", "b", "c"], rows: Self.exact, tiles: Self.allTiles,
                              entries: 10, applied: 10, appliedEvents: 40, pending: 2)
        #expect(!v.holds && v.pending == 2)
        v = ChaosOracle.judge(expected: Self.input, storedKeys: ["a", "b", "c", "x"], rows: Self.exact, tiles: Self.allTiles,
                              entries: 10, applied: 10, appliedEvents: 40, pending: 0)
        #expect(!v.holds && v.duplicated == 1, "a row that is no input liquidation")
    }

    static func record(_ scenario: String, seed: UInt64, recoveries: [Double], lost: Int = 0, problems: [String] = []) -> RunRecord {
        var v = OracleVerdict()
        v.appliedEvents = 1_000
        v.liquidations = 10
        v.lost = lost
        if lost > 0 { v.problems = ["lost"] }
        return RunRecord(scenario: scenario, seed: seed, mode: .replay, started: "2026-12-02T12:00:0\(seed)Z", seconds: 30, commit: "abc1234",
                         faults: recoveries.count, recoveries: recoveries, verdict: v, notes: [], problems: problems)
    }

    @Test("records round-trip as JSON lines; a bad line is an error naming it")
    func records() throws {
        let a = Self.record("kill9-owner", seed: 1, recoveries: [1.5, 2])
        let b = Self.record("redis-restart", seed: 2, recoveries: [3], problems: ["x"])
        let text = try a.jsonLine() + "\n" + b.jsonLine() + "\n"
        #expect(try RunRecord.read(lines: text) == [a, b])
        #expect(a.passed && !b.passed)
        #expect(throws: ReportError.self) { try RunRecord.read(lines: text + "{not json}\n") }
    }

    @Test("the table: rows in scenario order, sums, nearest-rank p50/p99, and only the generated part of the document replaced")
    func report() {
        let records = (1...10).map { Self.record("kill9-owner", seed: UInt64($0), recoveries: [Double($0)]) }
            + [Self.record("redis-restart", seed: 1, recoveries: [], lost: 2)]
        let rows = ReliabilityReport.rows(records, scenarios: ChaosScenarios.all)
        #expect(rows.map(\.scenario) == ["kill9-owner", "redis-restart"])
        #expect(rows[0].runs == 10 && rows[0].passed == 10 && rows[0].events == 10_000 && rows[0].faults == 10)
        #expect(rows[0].recoveryP50 == 5 && rows[0].recoveryP99 == 10 && rows[0].recoveryMax == 10)
        #expect(rows[1].passed == 0 && rows[1].lost == 2 && rows[1].recoveryP50 == nil)
        let table = ReliabilityReport.table(rows)
        #expect(table.contains("| 10 (10) |") && table.contains("| 10,000 |") && table.contains("| 5.00 s | 10.00 s |"))
        let doc = "# R\n\nintro\n<!-- generated by liqmap chaos report: do not edit by hand -->\nold\n<!-- end of generated part -->\n\nafter\n"
        let new = ReliabilityReport.document(existing: doc, rows: rows, records: records, source: "runs.jsonl")
        #expect(new.hasPrefix("# R\n\nintro\n") && new.hasSuffix("\n\nafter\n") && !new.contains("\nold\n") && new.contains("11 runs from `runs.jsonl`"))
        #expect(ReliabilityReport.quantile([], 0.5) == nil && ReliabilityReport.quantile([4], 0.99) == 4)
    }

    @Test("every scenario has a distinct name, a fault and an injection; the short suite names scenarios that exist")
    func scenarios() {
        let names = ChaosScenarios.all.map(\.name)
        #expect(Set(names).count == names.count)
        #expect(ChaosScenarios.all.allSatisfy { !$0.fault.isEmpty && !$0.injection.isEmpty })
        #expect(ChaosScenarios.short.allSatisfy { ChaosScenarios.named($0) != nil })
        #expect(SoakScenario(minutes: 30).plan.duration == "600m")
    }

    @Test("hostile frames: 1 MB, not UTF-8, NaN, negative, cut; from a real frame each is refused by the parser or yields only valid events")
    func hostileFrames() throws {
        let dir = Repository.url("Tests/Fixtures/wire-formats")
        var checked = 0
        for file in try FileManager.default.contentsOfDirectory(atPath: dir.path) {
            for line in try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8).split(separator: "\n") {
                let frames = LoopbackFault.hostileFrames(after: String(line), round: 0)
                #expect(frames.count == 5 && frames[0].count > 1 << 20 && String(validating: frames[1], as: UTF8.self) == nil)
                for feed in Feed.allCases {
                    var session = ParseSession(feed: feed, instruments: InstrumentRegistry())
                    for frame in frames {
                        if case .events(let events) = session.frame(String(decoding: frame, as: UTF8.self), recvTs: 1) {
                            #expect(events.allSatisfy { $0.invalidReason == nil })
                        }
                        checked += 1
                    }
                }
            }
        }
        #expect(checked > 100)
        #expect(LoopbackFault(kind: "hostile", n: 3) == .hostile(count: 3))
    }

    @Test("numbers are replaced bare and in quotes; words keep their letters")
    func replacing() {
        let f = LoopbackFault.hostileFrames(after: #"{"e":"forceOrder","E":1700000000000,"o":{"p":"9910.5","q":"-0.014","s":"BTCUSDT"}}"#, round: 0)
        #expect(String(decoding: f[2], as: UTF8.self) == #"{"e":"forceOrder","E":NaN,"o":{"p":"NaN","q":"NaN","s":"BTCUSDT"}}"#)
        #expect(String(decoding: f[3], as: UTF8.self) == #"{"e":"forceOrder","E":-1,"o":{"p":"-1","q":"-1","s":"BTCUSDT"}}"#)
    }

    @Test("a market's wall-clock length is its simulated duration over its speed")
    func wallSeconds() {
        var plan = MarketPlan()
        plan.duration = "600m"
        plan.speed = "20"
        #expect(plan.wallSeconds == 1_800)
        plan.duration = "2m"
        plan.speed = "1"
        #expect(plan.wallSeconds == 120)
        plan.duration = "1h30m"
        plan.speed = "60"
        #expect(plan.wallSeconds == 90)
    }

    @Test("a former owner's log: standing by when it last gave the shard up, not when it last took it")
    func standingBy() {
        #expect(!wasStandingBy(""))
        #expect(!wasStandingBy("x owning the shard"))
        #expect(wasStandingBy("x owning the shard\ny gave up the shard after an error; standing by"))
        #expect(!wasStandingBy("gave up the shard after an error; standing by\nz owning the shard"))
        #expect(wasStandingBy("standing by: another process owns the shard"))
        #expect(wasStandingBy("owning the shard\nwrite rejected by the fence: another owner took over; standing by"))
        // A process that stood by and then took the shard over is working it (the soak once counted
        // these as standing by and skipped their fence check).
        #expect(!wasStandingBy("standing by: another process owns the shard\ntook over the shard epoch=4"))
        #expect(wasStandingBy("took over the shard\ngave up the shard after an error; standing by"))
    }
}

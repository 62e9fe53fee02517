import LiqmapCore
import LiqmapEval
import LiqmapSimulator
import Testing

@Suite("Eval: a simulated market through parsers and engine")
struct EvalReplayTests {
    static func config(minutes: Int64, seed: UInt64 = 3) -> EvalConfig {
        var simulation = try! SimulationConfig(assets: ["BTC"], feeds: [.binanceUSDM, .bybitLinear], durationMs: minutes * 60_000, seed: seed)
        simulation.volatilityScale = 2
        return EvalConfig(simulation: simulation)
    }

    @Test("same seed, same report")
    func deterministic() {
        let a = Evaluator.run(Self.config(minutes: 30))
        let b = Evaluator.run(Self.config(minutes: 30))
        #expect(a == b)
        #expect(a.frames > 0)
    }

    @Test("a few simulated hours: every frame parses, nothing late, USD scored, metrics in range")
    func smallRun() {
        let report = Evaluator.run(Self.config(minutes: 180))
        #expect(report.malformed == 0)
        #expect(report.lateEvents == 0)
        #expect(report.events > 0)
        #expect(report.rows.count == 3 * (2 + 2 + 1))  // per lead: 2 groups, 2 feeds, overall
        for row in report.rows where row.feed == "all" {
            #expect(row.scoredUSD > 0)
        }
        for row in report.rows {
            for rate in [row.hitRate, row.baselineHitRate, row.reachHitRate, row.reachBaselineHitRate, row.coverage].compactMap({ $0 }) {
                #expect((0...1).contains(rate))
            }
            for r in [row.correlation, row.densityCorrelation].compactMap({ $0 }) { #expect((-1...1).contains(r)) }
        }
        let overall = report.rows.first { $0.feed == "all" && $0.leadMinutes == 0 }!
        #expect(overall.densityCorrelation != nil)
        print(report.table)
    }
}

import ArgumentParser
import LiqmapCore
import LiqmapEval
import LiqmapSimulator
@testable import LiqmapCLI
import Testing

@Suite("Eval: the liqmap eval command line")
struct EvalCommandTests {
    @Test("flags become the evaluation's config")
    func flags() throws {
        let parsed = try LiqmapCommand.parseAsRoot(["eval", "--assets", "BTC", "--feeds", "okx,bybit-linear", "--hours", "1.5", "--seed", "5",
                                                    "--leads", "0,30", "--warmup-minutes", "10", "--json"])
        let command = try #require(parsed as? EvalCommand)
        let config = try command.evalConfig()
        #expect(config.simulation.assets.map(\.name) == ["BTC"])
        #expect(config.simulation.feeds == [.okx, .bybitLinear])
        #expect(config.simulation.durationMs == 90 * 60_000)
        #expect(config.simulation.seed == 5)
        #expect(config.simulation.recordTruth)
        #expect(config.leadsMinutes == [0, 30])
        #expect(config.warmupMinutes == 10)
        #expect(command.json)
        let defaults = try #require(try LiqmapCommand.parseAsRoot(["eval"]) as? EvalCommand).evalConfig()
        #expect(defaults.simulation.feeds == Feed.allCases)
        #expect(defaults.simulation.assets.map(\.name) == ["BTC", "ETH"])
        #expect(defaults.simulation.durationMs == 24 * 3_600_000)
        #expect(defaults.leadsMinutes == [0, 15, 60])
    }

    @Test("bad flags are refused", arguments: [
        ["eval", "--feeds", "nowhere"], ["eval", "--hours", "0"], ["eval", "--hours", "0.001"], ["eval", "--leads=-5"], ["eval", "--leads", "1,x"],
        ["eval", "--assets", "DOGE"],
    ])
    func refused(_ arguments: [String]) throws {
        let command = try #require(try LiqmapCommand.parseAsRoot(arguments) as? EvalCommand)
        #expect(throws: (any Error).self) { try command.evalConfig() }
    }
}

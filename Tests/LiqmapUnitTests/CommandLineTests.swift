import ArgumentParser
@testable import LiqmapCLI
import Testing

@Suite("The liqmap command line")
struct CommandLineTests {
    @Test("every contract command parses its contract flags", arguments: [
        ["collector", "--feed", "okx", "--symbols", "BTC-USDT-SWAP", "--instruments", "a.json", "--instruments", "b.json",
         "--replay", "x.rec", "--speed", "max", "--record", "y.rec"],
        ["aggregator", "--shard", "0", "--shards", "2"],
        ["gateway", "--port", "8080"],
        ["gateway", "--port", "9090", "--host", "0.0.0.0", "--pool-size", "2", "--postgres", "postgresql://h/db"],
        ["migrate", "--postgres", "postgresql://h/db", "--redis", "redis://h:1", "--config", "c.json"],
        ["aggregator", "--shard", "1", "--shards", "2", "--redis", "redis-cluster://h1:7001,h2:7002"],
        ["status", "--json"],
        ["parse", "--feed", "bitmex", "--instruments", "i.json", "-"],
        ["simulate", "--assets", "BTC,ETH", "--feeds", "okx", "--duration", "24h", "--seed", "7", "--out", "dir"],
        ["bench", "redis-xadd", "--count", "10"],
        ["bench", "pg-copy", "--rows", "10"],
        ["simulate", "--serve", "--port-base", "9600", "--speed", "max", "--wait-for-collectors", "5", "--feeds", "okx"],
        ["bench", "simulate", "--duration", "90m", "--feeds", "deribit,bitmex", "--volatility", "2", "--no-truth"],
    ])
    func parses(_ arguments: [String]) throws {
        _ = try LiqmapCommand.parseAsRoot(arguments)
    }

    @Test("the aggregator refuses a shard count the cluster is not configured with, and a shard outside it")
    func aggregatorShardChecks() async throws {
        let command = try #require(try LiqmapCommand.parseAsRoot(["aggregator", "--shard", "0", "--shards", "1"]) as? any AsyncParsableCommand)
        await #expect(throws: ValidationError.self, "cluster.shards is 2 by default") { try await runAsync(command) }
        #expect(throws: (any Error).self) { _ = try LiqmapCommand.parseAsRoot(["aggregator", "--shard", "2", "--shards", "2"]) }
    }

    @Test("status exits 2 with a message when Redis cannot be reached")
    func statusUnreachable() async throws {
        let command = try #require(try LiqmapCommand.parseAsRoot(["status", "--redis", "redis://127.0.0.1:1"]) as? any AsyncParsableCommand)
        do {
            try await runAsync(command)
            Issue.record("status returned normally with no Redis")
        } catch let exit as ExitCode {
            #expect(exit.rawValue == 2)
        }
    }
}

/// Runs a command's async `run()` (through a generic, so the async overload is the one called).
func runAsync<C: AsyncParsableCommand>(_ command: C) async throws {
    var command = command
    try await command.run()
}

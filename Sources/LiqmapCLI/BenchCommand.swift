import ArgumentParser
import Foundation
import LiqmapConfig
import LiqmapCore
import LiqmapPostgres
import LiqmapRedis
import LiqmapWire

/// `liqmap bench`: micro-benchmarks of the C-client wrappers against real servers, run by hand
/// (results go to docs/BENCHMARKS.md beside the servers' own tools).
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Measure the Redis and PostgreSQL wrappers against the real servers.",
        subcommands: [RedisXaddBench.self, PostgresCopyBench.self, ParseBench.self, CollectorBench.self, SimulateBench.self, AggregatorBench.self, GatewayBench.self])
}

/// Pipelined `XADD` through ``RedisClient``, shaped like `redis-benchmark -P N -c 1 XADD key * f v …`.
struct RedisXaddBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "redis-xadd", abstract: "Pipelined XADD entries/s (and event batches).")
    @Option(help: "Entries to add.") var count = 200_000
    @Option(help: "Commands per pipeline.") var pipeline = 1000
    @Option(help: "Field/value pairs per entry (redis-benchmark comparison uses 7).") var fields = 7
    @Option(help: "Events per batch entry for the event-batch pass.") var batchEvents = 100
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let settings = try await connection.settings()
        let redis = try RedisClient(url: settings.redisURL)
        let key = "liqmap:bench:xadd:\(ProcessInfo.processInfo.processIdentifier)"
        try await redis.send(["DEL", RedisArgument(key)])
        let entry: [(name: String, value: [UInt8])] = (1...fields).map { ("f\($0)", Array("v\($0)".utf8)) }
        let elapsed = try await xaddAll(redis, key, entry, count: count, perPipeline: pipeline)
        let length = try await redis.xinfoStream(key).length
        guard length == count else { throw ValidationError("stream holds \(length) entries, expected \(count)") }
        report("xadd \(fields) fields, pipeline \(pipeline)", count: count, unit: "entries", elapsed)

        // Event batches: the real shape of collector output (Protocols/streams.md).
        try await redis.send(["DEL", RedisArgument(key)])
        let event = NormalizedEvent(venue: .binance, feed: .binanceUSDM, symbol: "BTCUSDT", instrument: "BTC-USDT-PERP",
                                    ts: 1_700_000_000_000, recvTs: 1_700_000_000_005,
                                    body: .trade(Trade(id: "123456789", side: .buy, price: 37_000.5, qty: 0.014, notionalUSD: 518.007)))
        let batch = EventBatchCodec.encode(EventBatch(source: "bench", sequence: 1, events: Array(repeating: event, count: batchEvents)))
        let batches = max(1, count / batchEvents)
        let perPipeline = max(1, pipeline / 10)
        let elapsedBatches = try await xaddAll(redis, key, batch, count: batches, perPipeline: perPipeline)
        report("xadd event batches of \(batchEvents) (\(batch.last!.value.count) bytes), pipeline \(perPipeline)",
               count: batches, unit: "entries", elapsedBatches, extra: batches * batchEvents, extraUnit: "events")
        try await redis.send(["DEL", RedisArgument(key)])
    }

    /// Adds `count` copies of `entry` in pipelines of `perPipeline`; returns the time taken.
    private func xaddAll(_ redis: RedisClient, _ key: String, _ entry: [(name: String, value: [UInt8])], count: Int,
                         perPipeline: Int) async throws -> Duration
    {
        var added = 0
        return try await ContinuousClock().measure {
            while added < count {
                let n = min(perPipeline, count - added)
                _ = try await redis.xaddPipelined(key, entries: Array(repeating: entry, count: n))
                added += n
            }
        }
    }
}

/// `COPY … FROM STDIN` through ``PGConnection/copyIn(_:_:)``, with pgbench_accounts' row shape so
/// `pgbench -i -I dtg` (client-side generation, also COPY) is the peer.
struct PostgresCopyBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pg-copy", abstract: "COPY rows/s into a pgbench_accounts-shaped table.")
    @Option(help: "Rows to copy (pgbench scale 1 = 100000).") var rows = 500_000
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let settings = try await connection.settings()
        let pg = PostgresClient(conninfo: settings.postgresURL, settings: ["application_name": "liqmap-bench"])
        let rows = self.rows
        try await pg.withConnection { conn in
            try conn.runScript("""
                DROP TABLE IF EXISTS liqmap_bench_accounts;
                CREATE TABLE liqmap_bench_accounts (aid int NOT NULL, bid int, abalance int, filler char(84))
                """)
        }
        let clock = ContinuousClock()
        let copied = try await pg.withConnection { conn in
            let start = clock.now
            let n = try conn.copyIn("COPY liqmap_bench_accounts FROM STDIN") { w in
                for aid in 1...rows {
                    w.field(aid)
                    w.field((aid - 1) / 100_000 + 1)
                    w.field(0)
                    w.field("")
                    try w.endRow()
                }
            }
            return (n, clock.now - start)
        }
        guard copied.0 == rows else { throw ValidationError("server reports \(copied.0) rows, expected \(rows)") }
        report("copy pgbench_accounts rows", count: rows, unit: "rows", copied.1)
        try await pg.query("DROP TABLE liqmap_bench_accounts")
    }
}

private func report(_ what: String, count: Int, unit: String, _ elapsed: Duration, extra: Int? = nil, extraUnit: String = "") {
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    var line = String(format: "%@: %d %@ in %.3f s = %.0f %@/s", what, count, unit, seconds, Double(count) / seconds, unit)
    if let extra { line += String(format: " (%.0f %@/s)", Double(extra) / seconds, extraUnit) }
    print(line)
}

import ArgumentParser
import Foundation
import LiqmapAggregator
import LiqmapConfig
import LiqmapPostgres
import LiqmapStatus

/// `liqmap reshard --to M`: moves the cluster to M shards (drain, checkpoint, switch; see Resharder).
struct ReshardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reshard",
        abstract: "Move the cluster to another shard count without losing or double-counting an event.",
        discussion: """
            Collectors hold new events while the aggregators read their streams to the end; the owners then checkpoint and let go, \
            the checkpoints are split for the new layout, and everyone follows it. Start aggregators for new shards afterwards \
            (two each); aggregators of removed shards stop by themselves. See docs/OPERATIONS.md, "Resharding".
            """)
    @Option(help: "The new shard count.") var to: Int?
    @Flag(help: "Put an interrupted reshard's layout back to active on its old count.") var abort = false
    @Option(help: "Seconds to wait for the aggregators to read their streams to the end.") var drainTimeout: Double = 180
    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        guard abort != (to != nil) else { throw ValidationError("give --to M, or --abort") }
        if let to, to < 1 { throw ValidationError("--to must be at least 1") }
    }

    func run() async throws {
        let settings = try await connection.settings()
        let logger = makeLogger("liqmap.reshard", settings: settings)
        if abort {
            let layout = try await Resharder.abort(redisURL: settings.redisURL)
            print(layout.map { "layout: \($0.shards) shards, generation \($0.generation), active" } ?? "no layout was ever written")
            return
        }
        let postgresURL = settings.postgresURL
        var resharder = Resharder(redisURL: settings.redisURL,
                                  postgres: { PostgresClient(conninfo: postgresURL, settings: ["application_name": "liqmap-reshard"]) }, logger: logger)
        resharder.drainTimeoutSeconds = drainTimeout
        do {
            let r = try await resharder.run(to: to!, configuredShards: settings.shards)
            print("resharded \(r.from) → \(r.to) shards (generation \(r.generation)): drained in \(String(format: "%.1f", r.drainSeconds)) s, switched in \(String(format: "%.1f", r.switchSeconds)) s")
            print("  \(r.publishers.count) publishers held and re-batched their events; projection state of \(r.instruments) instruments moved")
            if r.to > r.from {
                print("  next: start two aggregators for each new shard \(r.from)..<\(r.to) with --shards \(r.to), and set cluster.shards / LIQMAP_CLUSTER_SHARDS=\(r.to)")
            } else {
                print("  aggregators of shards \(r.to)..<\(r.from) have stopped by themselves; deleted \(r.removedStreams.joined(separator: ", ")); set LIQMAP_CLUSTER_SHARDS=\(r.to)")
            }
        } catch let refused as Resharder.Refused {
            printError("liqmap reshard: \(refused)")
            throw ExitCode(1)
        }
    }
}

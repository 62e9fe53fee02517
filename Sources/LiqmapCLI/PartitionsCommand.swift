import ArgumentParser
import Foundation
import LiqmapAggregator
import LiqmapConfig
import LiqmapPostgres

/// `liqmap partitions`: the monthly partitions of `realized_liquidations` and `tiles`, and what
/// maintenance would do now; `--apply` does it (the owner of aggregator shard 0 does the same at
/// every retention pass). Windows are judged by the wall clock here; the aggregator judges them by
/// its newest event time, never later than the wall clock.
struct PartitionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "partitions",
        abstract: "List the time partitions and the maintenance due; --apply carries it out.")
    @Flag(help: "Carry the maintenance out: make the months ahead, move rows out of the default partitions, drop months past retention.")
    var apply = false
    @Option(help: "Days of realized liquidation rows to keep, instead of retention.realized_days (0: for ever).")
    var realizedRetentionDays: Int?
    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        if let realizedRetentionDays, realizedRetentionDays < 0 { throw ValidationError("--realized-retention-days must be ≥ 0 (0 keeps rows for ever)") }
    }

    func run() async throws {
        let settings = try await connection.settings()
        let policy = PartitionPolicy(realizedRetentionDays: realizedRetentionDays ?? settings.realizedRetentionDays)
        let maintainer = PartitionMaintainer(client: PostgresClient(conninfo: settings.postgresURL, settings: ["application_name": "liqmap-partitions"]),
                                             policy: policy)
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let (catalog, plan) = try await maintainer.plan(now: now, retentionClock: now)
        guard !catalog.isEmpty else {
            printError("liqmap partitions: no partitioned tables in this schema; run `liqmap migrate` (migration 5 partitions them)")
            throw ExitCode(2)
        }
        print(PartitionsText.listing(catalog, policy: policy), terminator: "")
        print(PartitionsText.plan(plan, now: now, applying: apply), terminator: "")
        guard apply, !plan.actions.isEmpty else { return }
        let outcome = try await maintainer.run(now: now, retentionClock: now)
        print(PartitionsText.outcome(outcome), terminator: "")
        if outcome.busy || !outcome.failed.isEmpty { throw ExitCode(1) }
    }
}

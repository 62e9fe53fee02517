import ArgumentParser
import Foundation
import LiqmapConfig
import LiqmapRegistry
import LiqmapStatus

/// `liqmap status`: the operator's one screen (collectors, shards, gateways); exit 0 when healthy,
/// 1 when anything fails, 2 when Redis or PostgreSQL cannot be read. Usable as a probe.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show every collector, shard and gateway; exit 1 when something is unhealthy, 2 when the stores are unreachable.",
        discussion: "Collectors, aggregators and gateways register themselves in Redis (a beat every 2 s). See docs/OPERATIONS.md.")
    @Flag(help: "Print the report as JSON.") var json = false
    @Option(name: .customLong("gateway"), help: "A gateway base URL to probe besides the registered ones (repeatable).") var gateways: [String] = []
    @Option(help: "The shard count (default: the cluster's shard layout in Redis, else cluster.shards / LIQMAP_CLUSTER_SHARDS).") var shards: Int?
    @Option(help: "A process whose beat is older than this is dead.") var staleSeconds: Double = 10
    @Option(help: "A connected collector with no frame for this long is stalled.") var stallSeconds: Double = 120
    @Option(help: "A shard more than this many entries behind is lagging.") var maxLag: Int64 = 1_000
    @Option(help: "A shard with unread entries and no commit for this long is stuck.") var commitStaleSeconds: Double = 30
    @Option(help: "Dead processes are forgotten (and removed from the registry) after this long.") var forgetAfterSeconds: Double = 900
    @Option(help: "A live collector whose clock is more than this many seconds off the venue's trade times gets a warning (a simulated market served faster than ×1 needs a large value).")
    var maxClockOffset: Double = 5
    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        if let shards, shards < 1 { throw ValidationError("--shards must be at least 1") }
        guard staleSeconds > 0, stallSeconds > 0, maxLag >= 0, commitStaleSeconds > 0, forgetAfterSeconds > staleSeconds, maxClockOffset > 0 else {
            throw ValidationError("thresholds must be positive, and --forget-after-seconds larger than --stale-seconds")
        }
    }

    func run() async throws {
        let settings = try await connection.settings()
        var thresholds = StatusThresholds()
        thresholds.beatStaleSeconds = staleSeconds
        thresholds.stallSeconds = stallSeconds
        thresholds.maxLagEntries = maxLag
        thresholds.commitStaleSeconds = commitStaleSeconds
        thresholds.forgetAfterSeconds = forgetAfterSeconds
        thresholds.clockOffsetSeconds = maxClockOffset
        var reader = StatusReader(redisURL: settings.redisURL, postgresURL: settings.postgresURL)
        reader.gatewayURLs = gateways
        reader.shards = shards
        reader.configuredShards = settings.shards
        reader.thresholds = thresholds
        let snapshot: ClusterSnapshot
        do {
            snapshot = try await reader.snapshot()
        } catch let error as StatusReader.Unreachable {
            printError("liqmap status: \(error)")
            throw ExitCode(2)
        }
        let evaluator = StatusEvaluator(thresholds: thresholds)
        let report = evaluator.report(snapshot)
        await reader.prune(evaluator.forgotten(snapshot))
        if json {
            print(String(decoding: try StatusJSON.encode(report, pretty: true), as: UTF8.self))
        } else {
            print(StatusText.render(report, clock: Self.utc(snapshot.nowMs)), terminator: "")
        }
        if !report.healthy { throw ExitCode(1) }
    }

    static func utc(_ ms: Int64) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd HH:mm:ss 'UTC'"
        return f.string(from: Date(timeIntervalSince1970: Double(ms) / 1000))
    }
}

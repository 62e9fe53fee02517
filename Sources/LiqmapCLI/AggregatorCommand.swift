import ArgumentParser
import Foundation
import LiqmapAggregation
import LiqmapAggregator
import LiqmapConfig
import LiqmapRegistry
import LiqmapCore
import LiqmapObservability
import LiqmapPostgres
import LiqmapRedis
import LiqmapStatus
import Logging
import ServiceLifecycle
import UnixSignals

/// `liqmap aggregator`: one process for one shard; owns it or stands by (docs/ARCHITECTURE.md).
struct AggregatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aggregator", abstract: "Run the aggregator of one shard: own it, or stand by and take over.")
    @Option(help: "This process's shard, 0-based.") var shard: Int
    @Option(help: "The shard count.") var shards: Int
    @Option(help: "Consumer name in the group (default <host>:<pid>).") var consumer: String?
    @Option(help: "Projection model parameters, JSON (default Config/model.json when present, else built-in).") var model: String?
    @Option(help: "Maintenance-margin tiers per venue instrument, JSON (default Config/margin-tiers.json when present).") var marginTiers: String?
    @Option(help: "Stream entries per read and transaction.") var entriesPerRead: Int = 64
    @Option(help: "Seconds without a heartbeat before a standby takes over.") var leaseSeconds: Double = 5
    @Option(help: "Seconds between projection checkpoints.") var checkpointSeconds: Double = 5
    @Option(help: "Serve /metrics and /healthz on this port (0 picks a free port; off when not given).") var metricsPort: Int?
    @Option(help: "The address the metrics endpoint binds (0.0.0.0 for a scraper or probe outside the host or pod).") var metricsHost: String = "127.0.0.1"
    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        guard shards >= 1 else { throw ValidationError("--shards must be at least 1") }
        guard (0..<shards).contains(shard) else { throw ValidationError("--shard must be in 0..<\(shards)") }
        guard entriesPerRead >= 1 else { throw ValidationError("--entries-per-read must be positive") }
        guard leaseSeconds >= 1 else { throw ValidationError("--lease-seconds must be at least 1") }
    }

    func run() async throws {
        let settings = try await connection.settings()
        let logger = makeLogger("liqmap.aggregator", settings: settings)
        // The layout in Redis is the truth (written from cluster.shards on first start; `liqmap reshard` moves it).
        // (Redis not answering yet: the configured count is all there is to check against.)
        let layoutShards = (try? await ShardLayoutStore.ensure(try RedisClient(url: settings.redisURL, timeout: 3), shards: settings.shards))?.shards
        guard (layoutShards ?? settings.shards) == shards else {
            throw ValidationError("--shards \(shards) but the cluster's shard layout has \(layoutShards ?? settings.shards) (set from cluster.shards / LIQMAP_CLUSTER_SHARDS on first start, changed only by `liqmap reshard`): the collectors publish to that many shard streams")
        }
        var options = AggregatorOptions(shard: shard, shards: shards,
                                        consumer: consumer ?? "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)")
        options.entriesPerRead = entriesPerRead
        options.leaseSeconds = leaseSeconds
        options.checkpointSeconds = checkpointSeconds
        options.followsLayout = true
        if let text = ProcessInfo.processInfo.environment["LIQMAP_FAILPOINT"], !text.isEmpty {
            guard let failpoint = Failpoint(text) else {
                throw ValidationError("LIQMAP_FAILPOINT '\(text)' is not <site>[@probability] with site one of \(Failpoint.Site.allCases.map(\.rawValue))")
            }
            options.failpoint = failpoint
            logger.warning("failpoint armed", metadata: ["failpoint": "\(text)"])
        }
        // Shard 0's owner maintains the partitions; every process keeps the setting, since any may become it.
        options.realizedRetentionDays = settings.realizedRetentionDays
        let parameters = try ModelFiles.parameters(explicit: model)
        let tables = try ModelFiles.marginTables(explicit: marginTiers)
        // Metrics first: the aggregator's counters bind to whatever factory exists when it is made.
        let registry = metricsPort.map { _ in Observability.bootstrap() }
        let postgresURL = settings.postgresURL
        let aggregator = try ShardAggregator(
            options: options, redisURL: settings.redisURL,
            postgres: { PostgresClient(conninfo: postgresURL, settings: ["application_name": "liqmap-aggregator"]) },
            parameters: parameters, marginTables: tables, logger: logger)
        let gauges = try StreamGauges(shard: shard, redisURL: settings.redisURL)
        var services: [any Service] = [aggregator, RegistryBeats.aggregator(aggregator, options: options, gauges: gauges,
                                                                            redisURL: settings.redisURL, logger: logger)]
        if let metricsPort, let registry {
            services.append(MetricsServer(host: metricsHost, port: metricsPort, registry: registry, logger: logger))
        }
        logger.info("aggregator starting", metadata: ["shard": "\(shard)", "shards": "\(shards)", "consumer": "\(options.consumer)"])
        // The aggregator returns on its own only when a reshard removed its shard: the others then
        // shut down gracefully (the heartbeat deregisters) and the process exits 0.
        let configured = services.enumerated().map { i, service in
            ServiceGroupConfiguration.ServiceConfiguration(service: service, successTerminationBehavior: i == 0 ? .gracefullyShutdownGroup : .cancelGroup)
        }
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: configured, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        let stats = await aggregator.stats
        printError("shard=\(shard) takeovers=\(stats.takeovers) commits=\(stats.commits) entries=\(stats.entries) events=\(stats.events) liquidations=\(stats.liquidationsApplied) duplicate_batches=\(stats.duplicateBatches) fenced=\(stats.fencedRejections)")
    }
}

/// The model's files in `Config/`: parameters (ModelParameters JSON) and margin tiers
/// (`{"<venue>|<instrument>": [{"notional_cap", "mmr", "deduction"}, ...]}`).
enum ModelFiles {
    static func parameters(explicit: String?) throws -> ModelParameters {
        guard let path = explicit ?? existing("Config/model.json") else { return ModelParameters() }
        do {
            let p = try JSONDecoder().decode(ModelParameters.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
            if let problem = p.problems.first { throw ValidationError("\(path): \(problem)") }
            return p
        } catch let error as ValidationError {
            throw error
        } catch {
            throw ValidationError("cannot read model parameters \(path): \(error)")
        }
    }

    static func marginTables(explicit: String?) throws -> [InstrumentKey: MarginTable] {
        guard let path = explicit ?? existing("Config/margin-tiers.json") else { return [:] }
        let raw: [String: [MarginTier]]
        do {
            raw = try JSONDecoder().decode([String: [MarginTier]].self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw ValidationError("cannot read margin tiers \(path): \(error)")
        }
        var out: [InstrumentKey: MarginTable] = [:]
        for (name, tiers) in raw where !name.hasPrefix("_") {
            let parts = name.split(separator: "|").map(String.init)
            guard parts.count == 2, let venue = Venue(rawValue: parts[0]), !tiers.isEmpty else {
                throw ValidationError("\(path): '\(name)' is not <venue>|<instrument> with at least one tier")
            }
            out[InstrumentKey(venue: venue, instrument: parts[1])] = MarginTable(tiers: tiers)
        }
        return out
    }

    static func existing(_ path: String) -> String? { FileManager.default.fileExists(atPath: path) ? path : nil }
}

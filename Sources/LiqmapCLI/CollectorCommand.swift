import ArgumentParser
import Foundation
import LiqmapCollector
import LiqmapConfig
import LiqmapRegistry
import LiqmapStatus
import LiqmapCore
import LiqmapExchanges
import LiqmapObservability
import LiqmapRedis
import Logging
import ServiceLifecycle
import UnixSignals

/// `liqmap collector`: one exchange feed → normalized events → the shard streams on Redis.
struct CollectorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collector", abstract: "Run one exchange collector: live, or replaying a recording.")
    @Option(help: "The feed: \(Feed.allCases.map(\.rawValue).joined(separator: ", ")).") var feed: String
    @Option(help: "Comma-separated venue symbols.") var symbols: String?
    @Option(help: "Instrument metadata REST body (repeatable).") var instruments: [String] = []
    @Option(help: "Replay a recording instead of connecting.") var replay: String?
    @Option(help: "Replay speed: a factor of the recorded pace, or max.") var speed: String = "max"
    @Option(help: "Record every received frame as RECV_TS_MS<TAB>FRAME.") var record: String?
    @Option(help: "Where batches wait while Redis is unreachable (default: $LIQMAP_HOME/spool/<feed>.spool).") var spool: String?
    @Option(help: "Producer id in the stream entries (default: <feed>@<host>:<pid>).") var source: String?
    @Option(help: "Seconds of published batches kept in memory to publish again if Redis loses its data (0: none; at most 256 MB).") var journalSeconds: Int = 300
    @Option(help: "WebSocket base URL replacing the venue's host, e.g. ws://127.0.0.1:9000 (loopback exchange, simulator).") var endpoint: String?
    @Option(help: "REST base URL replacing the venue's host, e.g. http://127.0.0.1:9000.") var restEndpoint: String?
    @Option(help: "Serve /metrics and /healthz on this port (0 picks a free port; off when not given).") var metricsPort: Int?
    @Option(help: "The address the metrics endpoint binds (0.0.0.0 for a scraper or probe outside the host or pod).") var metricsHost: String = "127.0.0.1"
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        guard let feed = Feed(rawValue: feed) else {
            throw ValidationError("unknown feed '\(self.feed)'; one of: \(Feed.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let replaySpeed: Double?
        if speed == "max" {
            replaySpeed = nil
        } else {
            guard let factor = Double(speed), factor > 0 else { throw ValidationError("--speed takes a positive factor or max") }
            replaySpeed = factor
        }
        let settings = try await connection.settings()
        let logger = makeLogger("liqmap.collector", settings: settings)
        let home = ProcessInfo.processInfo.environment["LIQMAP_HOME"] ?? ".liqmap"
        let host = ProcessInfo.processInfo.hostName
        let instance = source ?? "\(feed.rawValue)@\(host):\(ProcessInfo.processInfo.processIdentifier)"
        let redis = try RedisClient(url: settings.redisURL)
        let shards = await Self.layoutShards(redis, configured: settings.shards, logger: logger)
        let publisher = try EventPublisher(
            redis: redis, feed: feed, source: instance,
            shards: ShardMap(shards: shards), spoolPath: spool ?? "\(home)/spool/\(feed.rawValue).spool", journalSeconds: journalSeconds,
            logger: logger)
        await publisher.setFollowsLayout(true)
        if let replay {
            var session = ParseSession(feed: feed, instruments: try loadInstruments(instruments))
            let beat = RegistryBeats.replay(feed: feed, instance: instance, publisher: publisher, redisURL: settings.redisURL, logger: logger)
            let beating = Task { try await beat.run() }
            defer { beating.cancel() }
            try await Replay(path: replay, speed: replaySpeed).run(session: &session, publisher: publisher, logger: logger)
            let stats = await publisher.stats
            printError("\(session.summary) batches=\(stats.batches) published=\(stats.events) quarantined=\(stats.quarantined)")
            return
        }
        let spec = FeedConnections.spec(feed)
        let registry = await InstrumentSource(spec: spec, files: instruments, restBase: restEndpoint,
                                              cacheDirectory: "\(home)/instruments", logger: logger).load()
        let core = try CollectorCore(session: ParseSession(feed: feed, instruments: registry), publisher: publisher,
                                     recordPath: record, logger: logger)
        let list = symbols.map { $0.split(separator: ",").map(String.init) } ?? spec.defaultSymbols
        var collector = LiveCollector(spec: spec, symbols: list, wsBase: endpoint, restBase: restEndpoint, core: core,
                                      publisher: publisher, logger: logger)
        collector.trim = (shards, settings.streamMaxLength)
        logger.info("collector starting", metadata: ["feed": "\(feed.rawValue)", "symbols": "\(list.joined(separator: ","))"])
        var services: [any Service] = [collector, RegistryBeats.collector(feed: feed, instance: instance, core: core, publisher: publisher,
                                                                          redisURL: settings.redisURL, logger: logger)]
        if let metricsPort {
            services.append(MetricsServer(host: metricsHost, port: metricsPort, registry: Observability.bootstrap(), logger: logger))
        }
        let group = ServiceGroup(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        try await group.run()
        let counters = await core.counters
        printError("frames=\(counters.frames) events=\(counters.events) malformed=\(counters.malformed) duplicates=\(counters.duplicatesDropped) reconnects=\(counters.reconnects)")
    }

    /// The shard count of the cluster's layout (written from the configured count on first start);
    /// the configured count when Redis cannot be read yet (the publisher follows the layout later).
    static func layoutShards(_ redis: RedisClient, configured: Int, logger: Logger) async -> Int {
        do {
            let layout = try await ShardLayoutStore.ensure(redis, shards: configured)
            if layout.shards != configured {
                logger.notice("the cluster's shard layout differs from the configured count: following the layout", metadata: [
                    "layout": "\(layout.shards)", "configured": "\(configured)"])
            }
            return layout.shards
        } catch {
            logger.warning("shard layout unreadable: starting with the configured count", metadata: ["error": "\(error)"])
            return configured
        }
    }
}

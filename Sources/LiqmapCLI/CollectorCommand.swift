import ArgumentParser
import Foundation
import LiqmapCollector
import LiqmapConfig
import LiqmapCore
import LiqmapExchanges
import LiqmapRedis

/// `liqmap collector`: one exchange feed → normalized events → the shard streams on Redis.
struct CollectorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collector", abstract: "Run one exchange collector (live connections not built yet: use --replay).")
    @Option(help: "The feed: \(Feed.allCases.map(\.rawValue).joined(separator: ", ")).") var feed: String
    @Option(help: "Comma-separated venue symbols.") var symbols: String?
    @Option(help: "Instrument metadata REST body (repeatable).") var instruments: [String] = []
    @Option(help: "Replay a recording instead of connecting.") var replay: String?
    @Option(help: "Replay speed: a factor of the recorded pace, or max.") var speed: String = "max"
    @Option(help: "Record every received frame as RECV_TS_MS<TAB>FRAME.") var record: String?
    @Option(help: "Where batches wait while Redis is unreachable (default: $LIQMAP_HOME/spool/<feed>.spool).") var spool: String?
    @Option(help: "Producer id in the stream entries (default: <feed>@<host>:<pid>).") var source: String?
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
        guard let replay else {
            if record != nil { throw ValidationError("--record needs a live connection, which is not built yet (issue #3)") }
            try notYetBuilt("collector (live connections; --replay works)", issue: 3)
        }
        let settings = try await connection.settings()
        let logger = makeLogger("liqmap.collector", settings: settings)
        let registry = try loadInstruments(instruments)
        let home = ProcessInfo.processInfo.environment["LIQMAP_HOME"] ?? ".liqmap"
        let host = ProcessInfo.processInfo.hostName
        let publisher = try EventPublisher(
            redis: try RedisClient(url: settings.redisURL), feed: feed,
            source: source ?? "\(feed.rawValue)@\(host):\(ProcessInfo.processInfo.processIdentifier)",
            shards: ShardMap(shards: settings.shards), spoolPath: spool ?? "\(home)/spool/\(feed.rawValue).spool", logger: logger)
        var session = ParseSession(feed: feed, instruments: registry)
        try await Replay(path: replay, speed: replaySpeed).run(session: &session, publisher: publisher, logger: logger)
        let stats = await publisher.stats
        printError("\(session.summary) batches=\(stats.batches) published=\(stats.events) quarantined=\(stats.quarantined)")
    }
}

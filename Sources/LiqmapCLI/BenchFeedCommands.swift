import ArgumentParser
import Foundation
import LiqmapCollector
import LiqmapConfig
import LiqmapCore
import LiqmapExchanges
import LiqmapRedis

/// `liqmap bench parse`: parse-only throughput of one feed's parser on a recording, one core.
struct ParseBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "parse", abstract: "Parser frames/s and events/s on a recording (one core).")
    @Option(help: "The feed.") var feed: String
    @Option(help: "Instrument metadata REST body (repeatable).") var instruments: [String] = []
    @Option(name: .customLong("repeat"), help: "Passes over the recording.") var passes: Int = 200
    @Flag(help: "Only read each frame as JSON (the tokenizer alone, no events): the floor under the parser's cost.")
    var jsonOnly = false
    @Argument(help: "A recording.") var file: String

    func run() throws {
        guard let feed = Feed(rawValue: feed) else { throw ValidationError("unknown feed '\(self.feed)'") }
        let frames = try loadFrames(file)
        if jsonOnly { return try tokenizeOnly(frames) }
        var session = ParseSession(feed: feed, instruments: try loadInstruments(instruments))
        let clock = ContinuousClock()
        var events = 0
        let elapsed = clock.measure {
            for _ in 0..<passes {
                for (recv, text) in frames {
                    if case .events(let e) = session.frame(text, recvTs: recv) { events += e.count }
                }
            }
        }
        let seconds = elapsed.seconds
        print(String(format: "parse %@: %d frames, %d events in %.3f s = %.0f frames/s, %.0f events/s (malformed %d)", feed.rawValue,
                     frames.count * passes, events, seconds, Double(frames.count * passes) / seconds, Double(events) / seconds, session.malformed))
    }
}

extension ParseBench {
    func tokenizeOnly(_ frames: [(Int64?, String)]) throws {
        struct Unreadable: Error {}
        let clock = ContinuousClock()
        var tokens = 0, unreadable = 0
        let elapsed = clock.measure {
            for _ in 0..<passes {
                for (_, text) in frames {
                    do throws(Unreadable) {
                        tokens += try JSONNode.read(text, onError: { _ in Unreadable() }) { (root: JSONNode) throws(Unreadable) -> Int in root.isObject ? 1 : 0 }
                    } catch {
                        unreadable += 1
                    }
                }
            }
        }
        print(String(format: "json-only: %d frames in %.3f s = %.0f frames/s (objects %d, not JSON %d)", frames.count * passes, elapsed.seconds,
                     Double(frames.count * passes) / elapsed.seconds, tokens, unreadable))
    }
}

/// `liqmap bench collector`: a recording, held in memory, through the collector's parse → batch →
/// pipelined XADD path into Redis, as fast as it goes.
struct CollectorBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "collector", abstract: "Collector-to-Redis events/s on a recording.")
    @Option(help: "The feed.") var feed: String
    @Option(help: "Instrument metadata REST body (repeatable).") var instruments: [String] = []
    @Option(name: .customLong("repeat"), help: "Passes over the recording.") var passes: Int = 50
    @Argument(help: "A recording.") var file: String
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        guard let feed = Feed(rawValue: feed) else { throw ValidationError("unknown feed '\(self.feed)'") }
        let settings = try await connection.settings()
        let redis = try RedisClient(url: settings.redisURL)
        let frames = try loadFrames(file)
        var session = ParseSession(feed: feed, instruments: try loadInstruments(instruments))
        let shards = settings.shards
        for shard in 0..<shards { try await redis.send(["DEL", RedisArgument("liqmap:v1:{s\(shard)}:events")]) }
        let publisher = try EventPublisher(redis: redis, feed: feed, source: "bench", shards: ShardMap(shards: shards), spoolPath: nil)
        let clock = ContinuousClock()
        let start = clock.now
        var events = 0
        for pass in 0..<passes {
            for (recv, text) in frames {
                if case .events(let e) = session.frame(text, recvTs: recv) {
                    events += e.count
                    try await publisher.publish(e, now: Int64(pass))
                }
            }
        }
        try await publisher.flush(now: Int64(passes))
        let seconds = (clock.now - start).seconds
        let stats = await publisher.stats
        guard stats.events == events else { throw ValidationError("published \(stats.events) of \(events) events") }
        print(String(format: "collector %@ → redis: %d events in %d batches in %.3f s = %.0f events/s", feed.rawValue, events, stats.batches,
                     seconds, Double(events) / seconds))
        for shard in 0..<shards { try await redis.send(["DEL", RedisArgument("liqmap:v1:{s\(shard)}:events")]) }
    }
}

/// A recording's frames with their receive times, in memory.
func loadFrames(_ path: String) throws -> [(Int64?, String)] {
    guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read '\(path)'") }
    return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap { line in
        if case .frame(let recv, let text) = RecordingLine.split(line) { (recv, String(text)) } else { nil }
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

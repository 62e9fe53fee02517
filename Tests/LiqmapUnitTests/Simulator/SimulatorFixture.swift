import Foundation
import LiqmapCore
import LiqmapExchanges
import LiqmapSimulator

/// A simulated run shared by the simulator tests: all eight feeds, ten minutes of a stressed market
/// (high volatility, thin books) so that liquidations and cascades happen on every venue.
enum SimulatorFixture {
    static let feeds = Feed.allCases

    static func stressedConfig(seed: UInt64 = 7, minutes: Int64 = 10, feeds: [Feed] = SimulatorFixture.feeds) -> SimulationConfig {
        var config = try! SimulationConfig(assets: ["BTC", "ETH", "SOL"], feeds: feeds, durationMs: minutes * 60_000, seed: seed)
        config.volatilityScale = 4
        config.depthScale = 0.3
        config.populationScale = 0.5
        return config
    }

    struct Run: Sendable {
        let directory: String
        let summary: SimulationSummary
        let config: SimulationConfig
    }

    /// Written once per test process.
    static let stressed: Run = {
        let dir = temporaryDirectory("stressed")
        let config = stressedConfig()
        let summary = try! SimulationWriter.run(config, directory: dir)
        return Run(directory: dir, summary: summary, config: config)
    }()

    static func temporaryDirectory(_ name: String) -> String {
        let path = NSTemporaryDirectory() + "liqmap-sim-\(name)-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func text(_ path: String) -> String {
        String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
    }

    /// The instrument registry a collector would load from `<feed>.instruments.json` (built-in rules
    /// alone where the simulator writes none).
    static func registry(_ run: Run, _ feed: Feed) -> InstrumentRegistry {
        var registry = InstrumentRegistry()
        let path = "\(run.directory)/\(feed.rawValue).instruments.json"
        if FileManager.default.fileExists(atPath: path) {
            let loaded = registry.load(file: text(path))
            precondition(loaded.bodies == 1 && loaded.errors.isEmpty, "\(feed): instrument body not loadable: \(loaded.errors)")
        }
        return registry
    }

    /// A CSV file as rows of named fields.
    static func csv(_ path: String) -> [[String: String]] {
        let lines = text(path).split(separator: "\n")
        guard let header = lines.first?.split(separator: ",").map(String.init) else { return [] }
        return lines.dropFirst().map { line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return Dictionary(uniqueKeysWithValues: zip(header, fields))
        }
    }

    /// Every frame of a feed's recording parsed: the session (counts) and the events with their line numbers.
    static func parse(_ run: Run, _ feed: Feed) -> (session: ParseSession, events: [NormalizedEvent], gaps: [SequenceGap], recvOrdered: Bool) {
        var session = ParseSession(feed: feed, instruments: registry(run, feed))
        var events: [NormalizedEvent] = []
        var gaps: [SequenceGap] = []
        var last: Int64 = .min
        var ordered = true
        for line in text("\(run.directory)/\(feed.rawValue).rec").split(separator: "\n") {
            if case .frame(let recv, _) = RecordingLine.split(line) {
                if let recv, recv < last { ordered = false }
                last = recv ?? last
            }
            if case .events(let e) = session.line(line) { events += e }
            gaps += session.takeGaps()
        }
        return (session, events, gaps, ordered)
    }
}

import ArgumentParser
import Foundation
import LiqmapCore
import LiqmapEval
import LiqmapSimulator

/// `liqmap eval`: replays a simulated market through the collectors' parsers and the projection model
/// and reports how well the projected layer found the true liquidations (docs/MODEL.md §7).
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Model accuracy on a simulated market: hit rate vs the naive nearest-bands baseline, distance-aware variant, correlations.")
    @Option(help: "Comma-separated base assets (BTC, ETH, SOL).") var assets: String = "BTC,ETH"
    @Option(help: "Comma-separated feeds: \(Feed.allCases.map(\.rawValue).joined(separator: ", ")).")
    var feeds: String = Feed.allCases.map(\.rawValue).joined(separator: ",")
    @Option(help: "Simulated hours (fractions allowed, whole minutes).") var hours: Double = 24
    @Option(help: "Random seed of the simulated market.") var seed: UInt64 = 1
    @Option(help: "Comma-separated leads in minutes: each liquidation is judged against the snapshot published at least this long before.")
    var leads: String = "0,15,60"
    @Option(help: "Price level of the scored bands (2 = 0.08 % rows).") var level: Int = 2
    @Option(help: "Distance-aware variant: reach in standard deviations of the price over the lead.") var reachSigmas: Double = 2
    @Option(help: "Liquidations in the first minutes are not scored (the book starts empty).") var warmupMinutes: Int = 0
    @Option(help: "Simulator volatility scale.") var volatility: Double = 1
    @Flag(help: "Print the report as JSON.") var json = false

    func run() throws {
        let config = try evalConfig()
        let started = Date()
        let report = Evaluator.run(config)
        let seconds = Date().timeIntervalSince(started)
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(report.table)
        }
        printError(String(format: "eval: frames=%d events=%d malformed=%d late=%d seconds=%.1f", report.frames, report.events, report.malformed,
                          report.lateEvents, seconds))
    }

    func evalConfig() throws -> EvalConfig {
        var parsedFeeds: [Feed] = []
        for name in feeds.split(separator: ",") {
            guard let feed = Feed(rawValue: String(name)) else { throw ValidationError("unknown feed '\(name)'") }
            parsedFeeds.append(feed)
        }
        let minutes = (hours * 60).rounded()
        guard hours.isFinite, minutes >= 1, minutes <= 60 * 24 * 30, abs(minutes - hours * 60) < 1e-6 else {
            throw ValidationError("--hours must be whole minutes between 1 minute and 30 days")
        }
        var parsedLeads: [Int] = []
        for text in leads.split(separator: ",") {
            guard let lead = Int(text), lead >= 0 else { throw ValidationError("bad lead '\(text)' (whole minutes ≥ 0)") }
            parsedLeads.append(lead)
        }
        guard !parsedLeads.isEmpty else { throw ValidationError("--leads needs at least one lead") }
        guard (0...10).contains(level) else { throw ValidationError("--level must be 0…10") }
        guard reachSigmas.isFinite, reachSigmas > 0 else { throw ValidationError("--reach-sigmas must be positive") }
        guard volatility.isFinite, volatility > 0 else { throw ValidationError("--volatility must be positive") }
        guard warmupMinutes >= 0 else { throw ValidationError("--warmup-minutes must be ≥ 0") }
        var simulation: SimulationConfig
        do {
            simulation = try SimulationConfig(
                assets: assets.split(separator: ",").map(String.init), feeds: parsedFeeds, durationMs: Int64(minutes) * 60_000, seed: seed)
        } catch {
            throw ValidationError(error.description)
        }
        simulation.volatilityScale = volatility
        var config = EvalConfig(simulation: simulation)
        config.leadsMinutes = parsedLeads
        config.level = level
        config.reachSigmas = reachSigmas
        config.warmupMinutes = warmupMinutes
        return config
    }
}

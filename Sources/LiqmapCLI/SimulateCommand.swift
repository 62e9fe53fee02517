import ArgumentParser
import Foundation
import LiqmapCore
import LiqmapSimulator

/// `liqmap simulate`: a simulated multi-exchange market written as wire-format recordings with its
/// ground truth (docs/SIMULATOR.md).
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Write a simulated multi-exchange market (wire recordings, instrument bodies, truth/), or serve it live on loopback.")
    @OptionGroup var market: SimulationOptions
    @Option(help: "Output folder (created if missing).") var out: String?
    @Flag(help: "Serve the market live on loopback: feed i on --port-base + i (WebSocket + REST), faults on POST /_loopback/fault/<drop|stall|duplicate|garbage>?n=N.")
    var serve = false
    @Option(help: "With --serve: the first port.") var portBase: Int = 9600
    @Option(help: "With --serve: the address to listen on.") var host: String = "127.0.0.1"
    @Option(help: "With --serve: simulated time per wall time (1 = real time), or 'max'.") var speed: String = "1"
    @Option(help: "With --serve: wait up to this many seconds for a collector on every feed before the clock starts.")
    var waitForCollectors: Double = 0

    func run() async throws {
        if serve { return try await runServer() }
        guard let out else { throw ValidationError("--out DIR is required") }
        let config = try market.config()
        let summary: SimulationSummary
        do { summary = try SimulationWriter.run(config, directory: out) } catch { throw ValidationError(error.description) }
        printSummary(summary)
    }
}

extension SimulateCommand {
    func runServer() async throws {
        let rate: Double
        if speed == "max" { rate = .infinity } else if let s = Double(speed), s.isFinite, s > 0 { rate = s } else {
            throw ValidationError("--speed must be a positive number or 'max'")
        }
        guard (1...65_000).contains(portBase) else { throw ValidationError("--port-base must be a port") }
        var config = try market.config()
        if !market.startGiven { config.startMs = Int64(Date().timeIntervalSince1970) / 60 * 60_000 }  // live: this minute
        config.recordTruth = false
        let server = SimulationServer(config: config, host: host, portBase: portBase, speed: rate, waitForCollectors: waitForCollectors)
        let task = Task {
            try await server.run { endpoints in
                for e in endpoints { printError("serving \(e.feed.rawValue) ws=\(e.ws) rest=\(e.rest)") }
            }
        }
        // SIGTERM/SIGINT: stop serving and exit 0 (the contract for long-running commands).
        let signals = [SIGTERM, SIGINT].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number)
            source.setEventHandler { task.cancel() }
            source.resume()
            return source
        }
        let served = try await task.value.served
        signals.forEach { $0.cancel() }
        printError("served: " + zip(config.feeds, served).map { "\($0.rawValue)=\($1)" }.joined(separator: " "))
    }
}

/// `liqmap bench simulate`: the simulator's frames/s on one core, frames produced and encoded but not
/// written (`--out` to include the writing).
struct SimulateBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "simulate", abstract: "Simulator frames/s (one core).")
    @OptionGroup var market: SimulationOptions
    @Option(help: "Also write the output to this folder.") var out: String?

    func run() throws {
        let summary: SimulationSummary
        do { summary = try SimulationWriter.run(try market.config(), directory: out) } catch let error as SimulationWriter.WriteError {
            throw ValidationError(error.description)
        }
        printSummary(summary)
        print(String(format: "simulate %@: %d frames (%.1f MB) in %.3f s = %.0f frames/s", out == nil ? "(no files)" : "(with files)",
                     summary.totalFrames, Double(summary.bytes) / 1e6, summary.seconds, summary.framesPerSecond))
    }
}

/// The market arguments `simulate` and `bench simulate` share.
struct SimulationOptions: ParsableArguments {
    @Option(help: "Comma-separated base assets (BTC, ETH, SOL).") var assets: String = "BTC,ETH,SOL"
    @Option(help: "Comma-separated feeds: \(Feed.allCases.map(\.rawValue).joined(separator: ", ")).")
    var feeds: String = "binance-usdm,bybit-linear,okx"
    @Option(help: "Simulated duration, e.g. 24h, 90m, 1h30m.") var duration: String = "1h"
    @Option(help: "Random seed: the same arguments and seed give byte-identical output.") var seed: UInt64 = 1
    @Option(help: "Start time: Unix ms, or YYYY-MM-DD (UTC midnight); with --serve the default is now.") var start: String?
    @Option(help: "Volatility scale (1 = defaults; higher = more liquidations).") var volatility: Double = 1
    @Option(help: "Trade-rate scale.") var activity: Double = 1
    @Option(help: "Open-position count scale.") var population: Double = 1
    @Option(help: "Book-depth scale (lower = more impact per liquidation, bigger cascades).") var depth: Double = 1
    @Flag(help: "Do not write truth/.") var noTruth = false

    var startGiven: Bool { start != nil }

    func config() throws -> SimulationConfig {
        var parsedFeeds: [Feed] = []
        for name in feeds.split(separator: ",") {
            guard let feed = Feed(rawValue: String(name)) else { throw ValidationError("unknown feed '\(name)'") }
            parsedFeeds.append(feed)
        }
        guard let ms = SimulationConfig.parseDuration(duration) else { throw ValidationError("bad duration '\(duration)' (e.g. 24h, 90m)") }
        guard let startMs = Self.parseStart(start ?? "2025-01-01") else { throw ValidationError("bad start '\(start ?? "")' (Unix ms or YYYY-MM-DD)") }
        for (name, value) in [("volatility", volatility), ("activity", activity), ("population", population), ("depth", depth)]
        where !(value.isFinite && value > 0) {
            throw ValidationError("--\(name) must be a positive number")
        }
        var config: SimulationConfig
        do {
            config = try SimulationConfig(assets: assets.split(separator: ",").map(String.init), feeds: parsedFeeds, durationMs: ms, seed: seed,
                                          startMs: startMs)
        } catch {
            throw ValidationError(error.description)
        }
        config.volatilityScale = volatility
        config.activityScale = activity
        config.populationScale = population
        config.depthScale = depth
        config.recordTruth = !noTruth
        return config
    }

    static func parseStart(_ text: String) -> Int64? {
        if let ms = Int64(text) { return ms }
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, (1970...9999).contains(parts[0]), (1...12).contains(parts[1]), (1...31).contains(parts[2]) else { return nil }
        var components = DateComponents()
        components.year = parts[0]
        components.month = parts[1]
        components.day = parts[2]
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let date = calendar.date(from: components) else { return nil }
        return Int64(date.timeIntervalSince1970) * 1000
    }
}

private func printSummary(_ s: SimulationSummary) {
    for (i, feed) in s.feeds.enumerated() {
        printError("\(feed.rawValue): frames=\(s.frames[i]) liquidations=\(s.liquidations[i]) shown=\(s.reportedLiquidations[i])")
    }
    printError(String(format: "frames=%d bytes=%d seconds=%.3f frames_per_second=%.0f", s.totalFrames, s.bytes, s.seconds, s.framesPerSecond))
}

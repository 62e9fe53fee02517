#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LiqmapCore

/// What a run produced.
public struct SimulationSummary: Sendable {
    public var feeds: [Feed]
    public var frames: [Int]
    public var bytes: Int
    public var liquidations: [Int]
    public var reportedLiquidations: [Int]
    public var seconds: Double

    public var totalFrames: Int { frames.reduce(0, +) }
    public var framesPerSecond: Double { seconds > 0 ? Double(totalFrames) / seconds : 0 }
}

/// Writes a simulation to a folder: `<feed>.rec` (`RECV_TS_MS<TAB>FRAME` lines),
/// `<feed>.instruments.json` and `truth/` (see docs/SIMULATOR.md). The only part of the simulator
/// that does I/O.
public enum SimulationWriter {
    /// A file that cannot be written.
    public struct WriteError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Runs `config` to the end; with `directory` nil the frames are produced and counted but not written.
    public static func run(_ config: SimulationConfig, directory: String?) throws(WriteError) -> SimulationSummary {
        let clock = ContinuousClock()
        let started = clock.now
        var sim = Simulator(config: config)
        var outputs: [Output] = []
        var truthFiles: [TruthFile: Output] = [:]
        if let directory {
            try makeDirectory(directory)
            for (feed, body) in sim.instrumentBodies() {
                guard let body else { continue }
                var file = try Output(path: "\(directory)/\(feed.rawValue).instruments.json")
                file.buffer.append(contentsOf: body.utf8)
                file.buffer.append(0x0A)
                try file.close()
            }
            outputs = try config.feeds.map { feed throws(WriteError) in try Output(path: "\(directory)/\(feed.rawValue).rec") }
            if config.recordTruth {
                try makeDirectory("\(directory)/truth")
                for kind in TruthFile.allCases { truthFiles[kind] = try Output(path: "\(directory)/truth/\(kind.rawValue)") }
                var meta = try Output(path: "\(directory)/truth/meta.json")
                meta.buffer.append(contentsOf: metadata(config, instruments: sim.instruments).utf8)
                try meta.close()
            }
        }
        var bytes = 0
        var failure: WriteError?
        while failure == nil {
            let more = sim.advance { frame in
                bytes += frame.bytes.count
                guard !outputs.isEmpty else { return }
                ByteFormat.append(int: frame.recvTs, to: &outputs[frame.feedIndex].buffer)
                outputs[frame.feedIndex].buffer.append(0x09)
                outputs[frame.feedIndex].buffer.append(contentsOf: frame.bytes)
                outputs[frame.feedIndex].buffer.append(0x0A)
            }
            do throws(WriteError) {
                for i in outputs.indices where outputs[i].buffer.count >= Output.flushBytes { try outputs[i].flush() }
                if !truthFiles.isEmpty {
                    var drained: [(TruthFile, [UInt8])] = []
                    sim.drainTruth { drained.append(($0, $1)) }
                    for (kind, data) in drained where !data.isEmpty {
                        truthFiles[kind]!.buffer.append(contentsOf: data)
                        if truthFiles[kind]!.buffer.count >= Output.flushBytes { try truthFiles[kind]!.flush() }
                    }
                } else if config.recordTruth {
                    sim.drainTruth { _, _ in }
                }
            } catch {
                failure = error
            }
            if !more { break }
        }
        if let failure { throw failure }
        for i in outputs.indices { try outputs[i].close() }
        for kind in TruthFile.allCases { try truthFiles[kind]?.close() }
        return SimulationSummary(feeds: config.feeds, frames: sim.frames, bytes: bytes, liquidations: sim.liquidations,
                                 reportedLiquidations: sim.reportedLiquidations, seconds: (clock.now - started).simSeconds)
    }

    /// `truth/meta.json`: the arguments and the parameters a reader needs.
    static func metadata(_ config: SimulationConfig, instruments: [[SimInstrument]]) -> String {
        let assets = config.assets.map {
            "{\"name\":\"\($0.name)\",\"start_price\":\($0.startPrice),\"annual_volatility\":\($0.annualVolatility),\"density_bucket\":\($0.densityBucket)}"
        }
        let feeds = config.feeds.enumerated().map { f, feed in
            let symbols = instruments[f].map { "\"\($0.symbol)\"" }.joined(separator: ",")
            let mix = config.profiles[f].leverageMix.map { "[\($0.leverage),\($0.weight)]" }.joined(separator: ",")
            return "{\"feed\":\"\(feed.rawValue)\",\"symbols\":[\(symbols)],\"leverage_mix\":[\(mix)]}"
        }
        return "{\"format\":1,\"seed\":\(config.seed),\"start_ms\":\(config.startMs),\"duration_ms\":\(config.durationMs),"
            + "\"step_ms\":\(SimulationConfig.stepMs),\"volatility_scale\":\(config.volatilityScale),\"activity_scale\":\(config.activityScale),"
            + "\"population_scale\":\(config.populationScale),\"depth_scale\":\(config.depthScale),\"holding_hours\":\(config.holdingHours),"
            + "\"leverage_tiers\":[\(LeverageTier.labels.map { "\"\($0)\"" }.joined(separator: ","))],"
            + "\"assets\":[\(assets.joined(separator: ","))],\"feeds\":[\(feeds.joined(separator: ","))]}\n"
    }

    static func makeDirectory(_ path: String) throws(WriteError) {
        if mkdir(path, 0o755) != 0 && errno != EEXIST { throw WriteError(description: "cannot create folder '\(path)' (errno \(errno))") }
    }

    /// A file written through a buffer with `fwrite`.
    struct Output {
        static let flushBytes = 4 << 20
        let path: String
        let file: UnsafeMutablePointer<FILE>
        var buffer: [UInt8] = []

        init(path: String) throws(WriteError) {
            guard let file = fopen(path, "wb") else { throw WriteError(description: "cannot write '\(path)' (errno \(errno))") }
            self.path = path
            self.file = file
            buffer.reserveCapacity(Self.flushBytes + (1 << 16))
        }

        mutating func flush() throws(WriteError) {
            guard !buffer.isEmpty else { return }
            let written = buffer.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
            guard written == buffer.count else { throw WriteError(description: "short write to '\(path)' (errno \(errno))") }
            buffer.removeAll(keepingCapacity: true)
        }

        mutating func close() throws(WriteError) {
            try flush()
            guard fclose(file) == 0 else { throw WriteError(description: "cannot close '\(path)' (errno \(errno))") }
        }
    }
}

extension Duration {
    var simSeconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

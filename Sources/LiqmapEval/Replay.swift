import LiqmapAggregation
import LiqmapCore
import LiqmapExchanges
import LiqmapSimulator

/// What replaying a simulated market through the parsers and the projection engine produced:
/// per group, the published snapshots (one a minute) and the true liquidations; sampled pairs of
/// projected and true density; the pipeline's counts.
public struct ReplayResult: Sendable, Hashable {
    public var snapshots: [EvalGroup: [DensitySnapshot]] = [:]
    public var truth: [EvalGroup: [TrueLiquidation]] = [:]
    /// Per group and minute end: the mark and the projected USD per truth bucket, and the true USD per bucket.
    public var projectedDensity: [EvalGroup: [Int64: DensitySample]] = [:]
    public var trueDensity: [EvalGroup: [Int64: [Int64: Double]]] = [:]
    public var frames = 0
    public var events = 0
    public var malformed = 0
    public var lateEvents = 0
    public var startMs: Int64 = 0

    public init() {}
}

/// A projected density in the truth's price buckets (index = price / width, floored), with the mark then.
public struct DensitySample: Sendable, Hashable {
    public var price: Double
    public var width: Double
    public var buckets: [Int64: Double]

    public init(price: Double, width: Double, buckets: [Int64: Double]) {
        self.price = price
        self.width = width
        self.buckets = buckets
    }
}

/// The cluster's path for one simulated run, in process: every frame through its feed's
/// `ParseSession` (instrument metadata from the simulator's REST bodies), every event into one
/// `ProjectionEngine` as an aggregator adds them, minutes closed by an event-time watermark
/// (receive time − lateness), and after each minute a snapshot of every book.
public struct Replay {
    let config: EvalConfig
    var sessions: [Feed: ParseSession] = [:]
    var engine: ProjectionEngine
    var groups: [InstrumentKey: EvalGroup] = [:]
    /// The next minute to close (`advance(before: nextMinute + 1)`).
    var nextMinute: Int64
    public private(set) var result = ReplayResult()

    public init(config: EvalConfig, instrumentBodies: [(feed: Feed, body: String?)]) {
        self.config = config
        var registry = InstrumentRegistry()
        for (_, body) in instrumentBodies { if let body { _ = try? registry.load(body: body) } }
        for feed in config.simulation.feeds { sessions[feed] = ParseSession(feed: feed, instruments: registry) }
        engine = ProjectionEngine(parameters: config.parameters, resolutions: [])
        nextMinute = config.simulation.startMs / 60_000
        result.startMs = config.simulation.startMs
    }

    /// One frame as the collector receives it.
    public mutating func frame(_ text: String, feed: Feed, recvTs: Int64) {
        close(upTo: recvTs)
        result.frames += 1
        guard let outcome = sessions[feed]?.frame(text, recvTs: recvTs) else {
            result.malformed += 1  // a feed the run was not configured with
            return
        }
        guard case .events(let events) = outcome else { return }  // malformed frames are counted by the session
        for event in events {
            result.events += 1
            let key = InstrumentKey(venue: event.venue, instrument: event.instrument)
            if groups[key] == nil { groups[key] = EvalGroup(feed: event.feed.rawValue, asset: InstrumentName.asset(of: event.instrument)) }
            engine.add(event)
        }
    }

    /// Truth bytes drained from the simulator.
    public mutating func truth(_ file: TruthFile, _ bytes: [UInt8]) {
        switch file {
        case .liquidations:
            for (group, liquidation) in TruthCSV.liquidations(bytes) { result.truth[group, default: []].append(liquidation) }
        case .density:
            let found = TruthCSV.density(bytes, everyMs: Int64(config.densityEveryMinutes) * 60_000) { AssetSpec.named($0)?.densityBucket }
            for (group, byTime) in found {
                result.trueDensity[group, default: [:]].merge(byTime) { a, b in a.merging(b, uniquingKeysWith: +) }
            }
        case .minutes: break
        }
    }

    /// Closes every minute the watermark has passed at receive time `now`.
    public mutating func close(upTo now: Int64) {
        while (nextMinute + 1) * 60_000 + config.latenessMs <= now {
            nextMinute += 1
            closeMinute(endingAt: nextMinute * 60_000)
        }
    }

    /// The end of the run: closes the minutes up to `endMs` and counts what came late.
    public mutating func finish(endMs: Int64) -> ReplayResult {
        close(upTo: endMs + config.latenessMs)
        for (_, s) in sessions { result.malformed += s.malformed }
        result.lateEvents = engine.lateEvents
        return result
    }

    mutating func closeMinute(endingAt end: Int64) {
        _ = engine.advance(before: end / 60_000)
        let published = end + config.latenessMs
        let sampleDensity = end % (Int64(config.densityEveryMinutes) * 60_000) == 0
        for key in engine.books.keys.sorted() {
            guard let group = groups[key], let book = engine.books[key], let price = book.markPrice, book.minute == end / 60_000 - 1 else { continue }
            result.snapshots[group, default: []].append(DensitySnapshot(time: published, price: price, density: book.snapshot(level: config.level).density))
            if sampleDensity, let width = AssetSpec.named(group.asset)?.densityBucket {
                result.projectedDensity[group, default: [:]][end] = DensitySample(price: price, width: width, buckets: Self.buckets(book.snapshot(level: 0), width: width))
            }
        }
    }

    /// A snapshot's USD per truth bucket (index = band middle / width); level-0 bands are far narrower than a bucket.
    static func buckets(_ snapshot: BookSnapshot, width: Double) -> [Int64: Double] {
        var out: [Int64: Double] = [:]
        for band in snapshot.bands {
            let mid = (band.low * band.high).squareRoot()
            out[Int64((mid / width).rounded(.down)), default: 0] += band.totalUSD
        }
        return out
    }
}

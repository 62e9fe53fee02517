import LiqmapCore

/// One output frame, valid only inside the callback that receives it (the bytes live in the
/// simulator's arena).
public struct SimulatedFrameView {
    public let recvTs: Int64
    public let feed: Feed
    /// The feed's position in `SimulationConfig.feeds`.
    public let feedIndex: Int
    public let bytes: UnsafeBufferPointer<UInt8>
}

/// One output frame, owned (for callers that pull frames one at a time, such as a live server).
public struct SimulatedFrame: Sendable, Hashable {
    public let recvTs: Int64
    public let feed: Feed
    public let bytes: [UInt8]
    public var text: String { String(decoding: bytes, as: UTF8.self) }
}

/// The truth files.
public enum TruthFile: String, Sendable, CaseIterable {
    case liquidations = "liquidations.csv"
    case minutes = "minutes.csv"
    case density = "density.csv"
}

/// The market simulator: a latent price per asset, per feed a venue market with its trader
/// population and margin rules, and per feed a wire encoder. It advances in steps of 100 ms and
/// hands out frames in receive-time order as soon as no later step can produce an earlier one, so
/// a caller can write files (`SimulationWriter`) or serve frames live, incrementally.
public struct Simulator {
    public let config: SimulationConfig
    var latents: [LatentPrice]
    var markets: [[VenueMarket]]
    var encoders: [any FeedEncoder]
    var quotes: [[VenueQuote]]
    var sink = FrameSink()
    var spare: [UInt8] = []
    var truth = TruthLog()
    var prints: [MarketPrint] = []
    var order: [(ts: Int64, index: Int)] = []
    var stepIndex: Int64 = 0
    let steps: Int64
    var started = false
    public private(set) var finished = false
    let feedNames: [String]
    /// Frames handed out per feed, liquidations per feed (all, and shown by the feed).
    public private(set) var frames: [Int]
    public private(set) var liquidations: [Int]
    public private(set) var reportedLiquidations: [Int]
    private var queue: [SimulatedFrame] = []
    private var queueHead = 0

    public init(config: SimulationConfig) {
        self.config = config
        steps = config.durationMs / SimulationConfig.stepMs
        latents = config.assets.enumerated().map { i, spec in
            LatentPrice(spec: spec, rng: SimRandom(seed: config.seed, stream: 100 + UInt64(i)), volatilityScale: config.volatilityScale)
        }
        var markets: [[VenueMarket]] = []
        var encoders: [any FeedEncoder] = []
        for (f, feed) in config.feeds.enumerated() {
            let profile = config.profiles[f]
            var row: [VenueMarket] = []
            for (a, asset) in config.assets.enumerated() {
                guard let inst = profile.instrument(asset.name) else { preconditionFailure("no \(asset.name) contract on \(feed)") }
                row.append(VenueMarket(feedIndex: f, assetIndex: a, instrument: inst, profile: profile, asset: asset, config: config, seed: config.seed))
            }
            markets.append(row)
            encoders.append(FeedEncoders.make(feed, feedIndex: f, instruments: row.map(\.instrument), start: config.startMs, seed: config.seed,
                                              latency: profile.latencyMs))
        }
        self.markets = markets
        self.encoders = encoders
        quotes = markets.map { $0.map(\.quote) }
        feedNames = config.feeds.map(\.rawValue)
        frames = Array(repeating: 0, count: config.feeds.count)
        liquidations = Array(repeating: 0, count: config.feeds.count)
        reportedLiquidations = Array(repeating: 0, count: config.feeds.count)
    }

    /// The contracts of each feed.
    public var instruments: [[SimInstrument]] { markets.map { $0.map(\.instrument) } }

    /// Each feed's instrument REST body (`<feed>.instruments.json`); nil where the venue's parser needs none.
    public func instrumentBodies() -> [(feed: Feed, body: String?)] {
        config.feeds.enumerated().map { f, feed in (feed, FeedEncoders.instrumentsBody(feed, instruments: instruments[f], at: config.startMs)) }
    }

    /// Advances one step and calls `body` with every frame that is now final, in receive-time order
    /// (ties in the order they were produced). Returns false once everything has been handed out.
    @discardableResult
    public mutating func advance(_ body: (SimulatedFrameView) -> Void) -> Bool {
        if finished { return false }
        if !started { begin() }
        if stepIndex == steps {
            end()
            release(before: .max, body)
            finished = true
            return true
        }
        let dt = SimulationConfig.stepMs
        let t = config.startMs + stepIndex * dt
        if stepIndex > 0, t % 60_000 == 0 {
            for a in latents.indices { latents[a].minute() }
        }
        for a in latents.indices { _ = latents[a].step(dtSeconds: Double(dt) / 1000) }
        let views = latents.map(\.view)
        for f in markets.indices {
            prints.removeAll(keepingCapacity: true)
            for a in markets[f].indices { markets[f][a].step(t: t, dtMs: dt, latent: views[a], prints: &prints) }
            dispatch(feed: f)
        }
        for f in markets.indices {
            for a in markets[f].indices {
                latents[a].absorb(markets[f][a].takePermanent())
                quotes[f][a] = markets[f][a].quote
            }
        }
        let now = t + dt
        for f in encoders.indices {
            encoders[f].tick(now: now, quotes: quotes[f], into: &sink)
            takeReported(feed: f)
        }
        stepIndex += 1
        if now % 60_000 == 0 { minuteEnd(now) }
        release(before: now, body)
        return true
    }

    /// The next frame, owned; nil at the end.
    public mutating func next() -> SimulatedFrame? {
        while queueHead == queue.count {
            queue.removeAll(keepingCapacity: true)
            queueHead = 0
            var batch: [SimulatedFrame] = []
            guard advance({ batch.append(SimulatedFrame(recvTs: $0.recvTs, feed: $0.feed, bytes: Array($0.bytes))) }) else { return nil }
            queue = batch
        }
        defer { queueHead += 1 }
        return queue[queueHead]
    }

    /// Hands out the truth bytes produced so far and forgets them.
    public mutating func drainTruth(_ body: (TruthFile, [UInt8]) -> Void) {
        body(.liquidations, truth.liquidationsCSV)
        body(.minutes, truth.minutesCSV)
        body(.density, truth.densityCSV)
        truth.liquidationsCSV.removeAll(keepingCapacity: true)
        truth.minutesCSV.removeAll(keepingCapacity: true)
        truth.densityCSV.removeAll(keepingCapacity: true)
    }

    // MARK: - Steps

    mutating func begin() {
        started = true
        let t = config.startMs
        for f in markets.indices {
            for a in markets[f].indices {
                markets[f][a].seedPopulation(at: t)
                quotes[f][a] = markets[f][a].quote
            }
        }
        for f in encoders.indices { encoders[f].open(at: t, quotes: quotes[f], into: &sink) }
    }

    /// Sends one feed's prints of this step to its encoder (all assets merged in time order) and
    /// records the liquidations in the truth.
    mutating func dispatch(feed f: Int) {
        guard !prints.isEmpty else { return }
        order.removeAll(keepingCapacity: true)
        for (i, p) in prints.enumerated() {
            switch p {
            case .trade(let t): order.append((t.ts, i))
            case .liquidation(let l, _, _): order.append((l.ts, i))
            }
        }
        order.sort { $0.ts < $1.ts || ($0.ts == $1.ts && $0.index < $1.index) }
        var lastTruth = -1
        for (_, i) in order {
            switch prints[i] {
            case .trade(var t):
                if t.liquidation >= 0 { t.liquidation = lastTruth }
                encoders[f].trade(t, quote: quotes[f][t.asset], into: &sink)
            case .liquidation(var l, let position, let trigger):
                if config.recordTruth {
                    l.truthIndex = truth.record(TruthLiquidation(ts: l.ts, feedIndex: f, assetIndex: l.asset, position: position, triggerMark: trigger,
                                                                 fillPrice: l.fillPrice, bankruptcyPrice: l.bankruptcyPrice))
                } else {
                    l.truthIndex = liquidations[f]
                }
                lastTruth = l.truthIndex
                liquidations[f] += 1
                encoders[f].liquidation(l, into: &sink)
            }
        }
        takeReported(feed: f)
    }

    /// Notes the liquidations feed `f` has just shown.
    mutating func takeReported(feed f: Int) {
        guard !sink.reported.isEmpty else { return }
        for index in sink.reported { truth.markReported(index) }
        reportedLiquidations[f] += sink.reported.count
        sink.reported.removeAll(keepingCapacity: true)
    }

    mutating func minuteEnd(_ now: Int64) {
        guard config.recordTruth else {
            for f in markets.indices { for a in markets[f].indices { markets[f][a].resetMinute() } }
            return
        }
        truth.minuteBoundary(markets: markets, feeds: feedNames)
        let minute = (now - 1) / 60_000 * 60_000
        for f in markets.indices {
            for a in markets[f].indices {
                truth.minuteRows(minute: minute, market: markets[f][a], feed: feedNames[f])
                markets[f][a].density?.snapshot(ts: now, into: &truth.densityCSV)
                markets[f][a].resetMinute()
            }
        }
    }

    mutating func end() {
        let t = config.startMs + steps * SimulationConfig.stepMs
        for f in encoders.indices {
            encoders[f].close(at: t, quotes: quotes[f], into: &sink)
            takeReported(feed: f)
        }
        if t % 60_000 != 0 { minuteEnd(t) }  // the last, partial minute
        if config.recordTruth { truth.flushAll(markets: markets, feeds: feedNames) }
    }

    /// Hands out the frames received before `threshold` (no later step can make an earlier one) and
    /// keeps the rest.
    mutating func release(before threshold: Int64, _ body: (SimulatedFrameView) -> Void) {
        guard !sink.entries.isEmpty else { return }
        sink.entries.sort { $0.recvTs < $1.recvTs || ($0.recvTs == $1.recvTs && $0.seq < $1.seq) }
        var split = sink.entries.count
        if threshold != .max {
            split = 0
            while split < sink.entries.count, sink.entries[split].recvTs < threshold { split += 1 }
        }
        guard split > 0 else { return }
        let feeds = config.feeds
        sink.arena.withUnsafeBufferPointer { arena in
            for e in sink.entries[0..<split] {
                let f = Int(e.feed)
                frames[f] += 1
                body(SimulatedFrameView(recvTs: e.recvTs, feed: feeds[f], feedIndex: f,
                                        bytes: UnsafeBufferPointer(rebasing: arena[Int(e.start)..<Int(e.end)])))
            }
        }
        // Keep the unreleased frames; once the arena is large, move them to the front of a fresh one.
        guard sink.arena.count > 1 << 20 else {
            sink.entries.removeFirst(split)
            return
        }
        spare.removeAll(keepingCapacity: true)
        var kept: [FrameSink.Entry] = []
        kept.reserveCapacity(sink.entries.count - split)
        for var e in sink.entries[split...] {
            let start = spare.count
            spare.append(contentsOf: sink.arena[Int(e.start)..<Int(e.end)])
            e.start = Int32(start)
            e.end = Int32(spare.count)
            kept.append(e)
        }
        swap(&spare, &sink.arena)
        sink.entries = kept
    }
}

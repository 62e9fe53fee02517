import LiqmapCore

/// Turns one feed's market prints into frames in that venue's exact wire format, with its
/// reporting quirks (throttled or batched liquidations, snapshot + delta tickers, polled open
/// interest). One implementation per venue; pure apart from writing into the sink.
protocol FeedEncoder {
    var feed: Feed { get }
    /// Frames on connecting: subscription acks, welcome messages, first snapshots.
    mutating func open(at t: Int64, quotes: [VenueQuote], into sink: inout FrameSink)
    mutating func trade(_ p: TradePrint, quote: VenueQuote, into sink: inout FrameSink)
    /// A liquidation the market executed; the encoder shows it (now, later, batched) or hides it,
    /// and appends the truth index of every one it shows to `sink.reported`.
    mutating func liquidation(_ p: LiquidationPrint, into sink: inout FrameSink)
    /// Called at the end of every step (`now` = the next step's start): cadence frames.
    mutating func tick(now: Int64, quotes: [VenueQuote], into sink: inout FrameSink)
    /// Flushes whatever is pending at the end of the run.
    mutating func close(at t: Int64, quotes: [VenueQuote], into sink: inout FrameSink)
}

/// The encoder and instrument body of each feed.
enum FeedEncoders {
    static func make(_ feed: Feed, feedIndex: Int, instruments: [SimInstrument], start: Int64, seed: UInt64,
                     latency: ClosedRange<Int>) -> any FeedEncoder {
        let ctx = EncoderContext(feed: feed, feedIndex: feedIndex, instruments: instruments, start: start, seed: seed, latency: latency)
        switch feed {
        case .binanceUSDM, .binanceCOINM: return BinanceEncoder(ctx)
        case .bybitLinear, .bybitInverse: return BybitEncoder(ctx)
        case .okx: return OKXEncoder(ctx)
        case .deribit: return DeribitEncoder(ctx)
        case .bitmex: return BitMEXEncoder(ctx)
        case .hyperliquid: return HyperliquidEncoder(ctx)
        }
    }

    /// The venue's instrument REST body for these contracts, in the shape `InstrumentRegistry.load(body:)`
    /// reads; nil for Hyperliquid, whose parser needs none.
    static func instrumentsBody(_ feed: Feed, instruments: [SimInstrument], at t: Int64) -> String? {
        switch feed {
        case .binanceUSDM, .binanceCOINM: BinanceEncoder.instrumentsBody(feed, instruments, at: t)
        case .bybitLinear, .bybitInverse: BybitEncoder.instrumentsBody(feed, instruments, at: t)
        case .okx: OKXEncoder.instrumentsBody(instruments, at: t)
        case .deribit: DeribitEncoder.instrumentsBody(instruments, at: t)
        case .bitmex: BitMEXEncoder.instrumentsBody(instruments, at: t)
        case .hyperliquid: nil
        }
    }
}

/// What every encoder starts from.
struct EncoderContext {
    var feed: Feed
    var feedIndex: Int
    var instruments: [SimInstrument]
    var start: Int64
    var seed: UInt64
    var latency: ClosedRange<Int>

    /// The encoder's own random streams (ids, latencies), separate per feed and purpose.
    func random(_ purpose: UInt64) -> SimRandom { SimRandom(seed: seed, stream: 50_000 + UInt64(feedIndex) * 16 + purpose) }

    /// The websocket connection's receive times.
    var connection: Connection { Connection(rng: random(1), latency: latency) }
}

/// Helpers shared by the encoders.
enum Wire {
    static let fundingIntervalMs: Int64 = 8 * 3_600_000

    static func nextFunding(after t: Int64) -> Int64 { (t / fundingIntervalMs + 1) * fundingIntervalMs }

    @inline(__always)
    static func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    /// `"…"`: a quoted decimal (the venues that send numbers as strings).
    @inline(__always)
    static func quoted(units: Int64, decimals: Int, _ out: inout [UInt8]) {
        out.append(0x22)
        ByteFormat.append(units: units, decimals: decimals, to: &out)
        out.append(0x22)
    }

    @inline(__always)
    static func quoted(fixed value: Double, decimals: Int, _ out: inout [UInt8]) {
        out.append(0x22)
        ByteFormat.append(fixed: value, decimals: decimals, to: &out)
        out.append(0x22)
    }

    @inline(__always)
    static func quoted(int value: Int64, _ out: inout [UInt8]) {
        out.append(0x22)
        ByteFormat.append(int: value, to: &out)
        out.append(0x22)
    }

    /// Bybit/BitMEX tick direction against the previous trade price.
    static func tickDirection(_ price: Int64, previous: Int64, previousDirection: Int) -> Int {
        if price > previous { return 0 }  // PlusTick
        if price < previous { return 2 }  // MinusTick
        return previousDirection == 0 || previousDirection == 1 ? 1 : 3  // ZeroPlusTick / ZeroMinusTick
    }

    static let tickDirectionNames: [[UInt8]] = ["PlusTick", "ZeroPlusTick", "MinusTick", "ZeroMinusTick"].map { Array($0.utf8) }
}

/// A pending liquidation of a venue that shows at most one per symbol per window (Binance, OKX):
/// the latest one within the window wins.
struct ThrottledLiquidation {
    var window: Int64 = -1
    var latest: LiquidationPrint?
}

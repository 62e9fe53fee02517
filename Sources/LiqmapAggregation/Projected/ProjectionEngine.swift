import LiqmapCore

/// A venue's instrument, the unit of shard ownership and of the projected book.
public struct InstrumentKey: Sendable, Hashable, Codable, Comparable {
    public var venue: Venue
    public var instrument: String

    public init(venue: Venue, instrument: String) {
        self.venue = venue
        self.instrument = instrument
    }

    public static func < (a: InstrumentKey, b: InstrumentKey) -> Bool { (a.venue.rawValue, a.instrument) < (b.venue.rawValue, b.instrument) }
}

/// What advancing one instrument produced: the steps taken and the projected columns to write
/// (one per tile column, the latest snapshot of each).
public struct ProjectionUpdate: Sendable, Hashable {
    public var key: InstrumentKey
    public var steps: [MinuteStep]
    public var columns: [ProjectedColumn]
    /// The mark price and open interest of each stepped minute that had a price.
    public var marks: [MinuteMark] = []
}

/// One minute's mark price range and open interest of an instrument (the price line of the views).
public struct MinuteMark: Sendable, Hashable {
    public var minute: Int64
    public var close: Double
    public var high: Double
    public var low: Double
    /// Open interest in USD: the summary's own USD figure, else its base units × the close.
    public var openInterestUSD: Double?

    public init(minute: Int64, close: Double, high: Double, low: Double, openInterestUSD: Double?) {
        self.minute = minute
        self.close = close
        self.high = high
        self.low = low
        self.openInterestUSD = openInterestUSD
    }

    /// The mark of a summary with a close; nil without one.
    public init?(_ summary: MinuteSummary) {
        guard let close = summary.markClose, close > 0, close.isFinite else { return nil }
        self.init(minute: summary.minute, close: close, high: max(summary.markHigh ?? close, close), low: min(summary.markLow ?? close, close),
                  openInterestUSD: summary.openInterestUSD ?? summary.openInterestBase.map { $0 * close })
    }
}

/// The projected layer of one shard: a `MinuteSummaryBuilder` and a `LiquidationBook` per venue
/// instrument, created on the instrument's first event (its feed picks the formula). `advance(before:)`
/// closes every minute before the owner's event-time watermark and advances each book through every
/// minute up to it (a minute without events is an empty summary, so columns stay continuous).
/// Codable: the whole engine, open minutes included, can be checkpointed with the shard's progress.
public struct ProjectionEngine: Sendable, Hashable, Codable {
    public let parameters: ModelParameters
    /// Margin tables by instrument; instruments without one use `parameters.fallbackMarginTable`.
    public let marginTables: [InstrumentKey: MarginTable]
    public let resolutions: [TimeResolution]
    public private(set) var books: [InstrumentKey: LiquidationBook] = [:]
    private var builders: [InstrumentKey: MinuteSummaryBuilder] = [:]

    public init(
        parameters: ModelParameters = ModelParameters(), marginTables: [InstrumentKey: MarginTable] = [:],
        resolutions: [TimeResolution] = TimeResolution.allCases
    ) {
        self.parameters = parameters
        self.marginTables = marginTables
        self.resolutions = resolutions
    }

    /// Adds one event (liquidations and events without `ts` change nothing).
    public mutating func add(_ event: NormalizedEvent) {
        guard event.kind != .liquidation, event.ts != nil else { return }
        let key = InstrumentKey(venue: event.venue, instrument: event.instrument)
        if books[key] == nil {
            books[key] = LiquidationBook(feed: event.feed, instrument: event.instrument, marginTable: marginTables[key], parameters: parameters)
        }
        builders[key, default: MinuteSummaryBuilder()].add(event)
    }

    /// At most this many minutes are stepped through per book in one `advance` (an hour): a book
    /// without events does not change, and walking a long gap minute by minute costs a snapshot per
    /// minute and resolution. The rest of a longer gap is left without columns (shown as no data).
    public static let maxCatchUpMinutes: Int64 = 60

    /// Events dropped because their minute had already been advanced past, over all instruments.
    public var lateEvents: Int { builders.values.reduce(0) { $0 + $1.late } }

    /// Advances every book through the minutes before `minute`, in instrument order.
    public mutating func advance(before minute: Int64) -> [ProjectionUpdate] {
        var updates: [ProjectionUpdate] = []
        for key in books.keys.sorted() {
            let summaries = builders[key, default: MinuteSummaryBuilder()].close(before: minute)
            guard var book = books[key] else { continue }
            var byMinute = Dictionary(uniqueKeysWithValues: summaries.map { ($0.minute, $0) })
            guard var first = book.minute.map({ $0 + 1 }) ?? summaries.first?.minute, first < minute else { continue }
            // A jump of the watermark (a clock-skewed event, a replay resumed days later) is not
            // walked minute by minute: only the last `maxCatchUpMinutes` are, the rest is one gap.
            first = max(first, minute - Self.maxCatchUpMinutes)
            var steps: [MinuteStep] = []
            var marks: [MinuteMark] = []
            var columns: [TileKey: [UInt8: ProjectedColumn]] = [:]
            for m in first..<minute {
                let summary = byMinute.removeValue(forKey: m) ?? MinuteSummary(minute: m)
                if let mark = MinuteMark(summary) { marks.append(mark) }
                steps.append(book.advance(summary))
                for column in book.projectedColumns(resolutions: resolutions) { columns[column.key, default: [:]][column.column] = column }
            }
            books[key] = book
            let ordered = columns.keys.sorted().flatMap { tile in columns[tile]!.keys.sorted().map { columns[tile]![$0]! } }
            updates.append(ProjectionUpdate(key: key, steps: steps, columns: ordered, marks: marks))
        }
        return updates
    }
}

extension ProjectionEngine {
    /// Resharding: one engine per new shard, each holding the books and open minutes of the
    /// instruments `owner` assigns to it (parameters and margin tables carried over unchanged).
    public func split(into count: Int, by owner: (InstrumentKey) -> Int) -> [ProjectionEngine] {
        var out = (0..<count).map { _ in ProjectionEngine(parameters: parameters, marginTables: marginTables, resolutions: resolutions) }
        for (key, book) in books { out[owner(key)].books[key] = book }
        for (key, builder) in builders { out[owner(key)].builders[key] = builder }
        return out
    }

    /// Resharding: the union of engines whose instruments are disjoint (the old shards); nil for
    /// none. Parameters and margin tables come from the first.
    public static func merged(_ engines: [ProjectionEngine]) -> ProjectionEngine? {
        guard var out = engines.first else { return nil }
        for e in engines.dropFirst() {
            out.books.merge(e.books) { a, _ in a }
            out.builders.merge(e.builders) { a, _ in a }
        }
        return out
    }

    /// The instruments with state in this engine (books or open minutes).
    public var instruments: Set<InstrumentKey> { Set(books.keys).union(builders.keys) }
}

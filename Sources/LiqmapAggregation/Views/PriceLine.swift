import LiqmapCore

/// One instrument's mark price and open interest over one column of a resolution, as the
/// aggregators store them (`market_columns`).
public struct MarketColumn: Sendable, Hashable, Codable {
    public var venue: Venue
    public var instrument: String
    public var resolution: TimeResolution
    public var column: Int64
    public var close: Double
    public var high: Double
    public var low: Double
    /// Open interest in USD at the column's last minute, when known.
    public var openInterestUSD: Double?

    public init(venue: Venue, instrument: String, resolution: TimeResolution, column: Int64, close: Double, high: Double, low: Double,
                openInterestUSD: Double?) {
        self.venue = venue
        self.instrument = instrument
        self.resolution = resolution
        self.column = column
        self.close = close
        self.high = high
        self.low = low
        self.openInterestUSD = openInterestUSD
    }

    /// Folds a later minute of the same column into this one.
    public mutating func fold(close: Double, high: Double, low: Double, openInterestUSD: Double?) {
        self.close = close
        self.high = max(self.high, high)
        self.low = min(self.low, low)
        if let openInterestUSD { self.openInterestUSD = openInterestUSD }
    }
}

/// The last price per view column, merged over instruments: the median of their closes (robust to
/// one venue's odd print or a quanto contract), nil where no instrument has a close (pure).
public enum PriceLine {
    public static func closes(_ columns: [MarketColumn], firstColumn: Int64, count: Int) -> [Double?] {
        var byColumn = Array(repeating: [Double](), count: count)
        for c in columns {
            let i = c.column - firstColumn
            guard i >= 0, i < Int64(count), c.close > 0, c.close.isFinite else { continue }
            byColumn[Int(i)].append(c.close)
        }
        return byColumn.map(median)
    }

    /// The lowest low and highest high in view, or nil without prices.
    public static func range(_ columns: [MarketColumn]) -> (low: Double, high: Double)? {
        let lows = columns.map(\.low).filter { $0 > 0 && $0.isFinite }
        let highs = columns.map(\.high).filter { $0 > 0 && $0.isFinite }
        guard let low = lows.min(), let high = highs.max() else { return nil }
        return (low, high)
    }

    /// Per venue, the open interest in USD of its latest column per instrument, summed (consensus weights).
    public static func openInterest(_ columns: [MarketColumn]) -> [Venue: Double] {
        var latest: [InstrumentKey: MarketColumn] = [:]
        for c in columns where c.openInterestUSD != nil {
            let key = InstrumentKey(venue: c.venue, instrument: c.instrument)
            if (latest[key]?.column ?? .min) < c.column { latest[key] = c }
        }
        var out: [Venue: Double] = [:]
        for (key, c) in latest { out[key.venue, default: 0] += c.openInterestUSD! }
        return out
    }

    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let s = values.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
}

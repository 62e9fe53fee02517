import LiqmapCore

/// One price band of a book snapshot: long and short USD in total and per leverage tier.
public struct BookBand: Sendable, Hashable {
    /// Row at the snapshot's price level, and its price band `[low, high)`.
    public var row: Int32
    public var low: Double
    public var high: Double
    public var longUSD: Double
    public var shortUSD: Double
    /// Per leverage tier (index into `ModelParameters.leverageTiers`).
    public var longUSDByTier: [Double]
    public var shortUSDByTier: [Double]

    /// Long plus short USD.
    public var totalUSD: Double { longUSD + shortUSD }
}

/// The book as price bands at one price level, for `/v1/levels` and the consensus score.
public struct BookSnapshot: Sendable, Hashable {
    public var venue: Venue
    public var instrument: String
    public var minute: Int64?
    public var level: Int
    public var markPrice: Double?
    /// The leverage of each tier, in tier order.
    public var leverages: [Double]
    /// Non-empty bands, ascending by row.
    public var bands: [BookBand]

    /// USD per row (long + short), the density the consensus score and accuracy metrics read.
    public var density: [Int32: Double] {
        Dictionary(uniqueKeysWithValues: bands.map { ($0.row, $0.totalUSD) })
    }
}

extension LiquidationBook {
    /// The levels within `parameters.snapshotRangeFraction` of the mark, as bands at `level`;
    /// `tiers` limits the snapshot to some leverage tiers (indices), e.g. for a leverage filter.
    public func snapshot(level: Int, tiers selected: Set<Int>? = nil) -> BookSnapshot {
        let tierCount = tiers.count
        var bands: [Int32: BookBand] = [:]
        forEachLevelInRange { t, isLong, level0 in
            guard selected?.contains(t) ?? true else { return }
            let row = PriceGrid.row(level0.row, toLevel: level)
            var band = bands[row] ?? {
                let b = grid.band(row: row, level: level)
                return BookBand(
                    row: row, low: b.low, high: b.high, longUSD: 0, shortUSD: 0, longUSDByTier: Array(repeating: 0, count: tierCount),
                    shortUSDByTier: Array(repeating: 0, count: tierCount))
            }()
            if isLong {
                band.longUSD += level0.usd
                band.longUSDByTier[t] += level0.usd
            } else {
                band.shortUSD += level0.usd
                band.shortUSDByTier[t] += level0.usd
            }
            bands[row] = band
        }
        return BookSnapshot(
            venue: venue, instrument: instrument, minute: minute, level: level, markPrice: markPrice,
            leverages: parameters.leverageTiers.map(\.leverage), bands: bands.values.sorted { $0.row < $1.row })
    }

    /// Calls `body` for every level within the snapshot range of the mark, in a fixed order
    /// (tier, long before short, ascending price), so sums over it are deterministic.
    func forEachLevelInRange(_ body: (Int, Bool, BookLevel) -> Void) {
        let range = parameters.snapshotRangeFraction
        let low = markPrice.map { $0 * (1 - range) } ?? 0
        let high = markPrice.map { $0 * (1 + range) } ?? .infinity
        for (t, tier) in tiers.enumerated() {
            for level in tier.long where level.price >= low && level.price <= high { body(t, true, level) }
            for level in tier.short where level.price >= low && level.price <= high { body(t, false, level) }
        }
    }
}

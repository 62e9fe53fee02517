import LiqmapCore

/// The current projected liquidation levels around the last price: price bands with long and short
/// USD per venue, consensus, and the magnet zones, the nearest prominent clusters above and below
/// the price (pure; docs/CONSENSUS.md §Magnet zones).
public struct LevelsView: Sendable, Hashable {
    /// One price band of the current book.
    public struct Band: Sendable, Hashable {
        public var low: Double
        public var high: Double
        public var longMicros: Int64
        public var shortMicros: Int64
        /// Per venue: long and short micro-dollars, and the band's share of that venue's total in view.
        public var byVenue: [Venue: (long: Int64, short: Int64, share: Double)]
        public var consensus: BandConsensus
        /// USD by which the band rises above the higher of the lowest bands within `neighbourhood`
        /// on either side (0 unless it is the highest band of that neighbourhood).
        public var prominenceUSD: Double

        public var totalMicros: Int64 { longMicros + shortMicros }

        public static func == (a: Band, b: Band) -> Bool {
            a.low == b.low && a.high == b.high && a.longMicros == b.longMicros && a.shortMicros == b.shortMicros
                && a.consensus == b.consensus && a.prominenceUSD == b.prominenceUSD
                && a.byVenue.keys.sorted { $0.rawValue < $1.rawValue } == b.byVenue.keys.sorted { $0.rawValue < $1.rawValue }
                && a.byVenue.allSatisfy { v, x in b.byVenue[v].map { $0.long == x.long && $0.short == x.short && $0.share == x.share } ?? false }
        }

        public func hash(into h: inout Hasher) {
            h.combine(low)
            h.combine(longMicros)
            h.combine(shortMicros)
        }
    }

    /// A magnet zone: a prominent band, its distance from the last price and which side it would liquidate.
    public struct Zone: Sendable, Hashable {
        public var band: Int
        public var price: Double
        public var usd: Double
        public var prominenceUSD: Double
        /// Signed: positive above the last price.
        public var distancePercent: Double
        public var consensus: Double
        public var label: BandConsensus.Label
    }

    public var bands: [Band]
    public var lastPrice: Double?
    /// Nearest first.
    public var above: [Zone]
    public var below: [Zone]

    /// A zone must rise above its neighbourhood by at least this share of the view's largest band.
    public static let minProminenceShare = 0.1

    /// Bands of `grid` (its projected rows at the latest column of each venue), restricted to `venues`.
    public init(grid: HeatmapGrid, lastPrice: Double?, weights: [Venue: Double], venues chosen: Set<Venue>? = nil,
                neighbourhood: Int = 8, maxZones: Int = 3) {
        let venues = grid.venues.filter { chosen?.contains($0) ?? true }
        let rows = grid.spec.rowCount
        var long = Array(repeating: Int64(0), count: rows), short = long
        var totals: [Venue: Int64] = [:]
        for v in venues {
            let l = grid.rowLong[v]!, s = grid.rowShort[v]!
            for r in 0..<rows {
                long[r] += l[r]
                short[r] += s[r]
            }
            totals[v] = l.reduce(0, +) + s.reduce(0, +)
        }
        let densities = Dictionary(uniqueKeysWithValues: venues.map { v in (v, grid.rowTotals(v).map { Double($0) / 1e6 }) })
        let consensus = ConsensusScore.bands(densities, weights: weights)
        let usd = (0..<rows).map { Double(long[$0] + short[$0]) / 1e6 }
        let prominence = Self.prominence(usd, neighbourhood: neighbourhood)
        var bands: [Band] = []
        for r in 0..<rows {
            let band = grid.spec.band(r)
            var byVenue: [Venue: (long: Int64, short: Int64, share: Double)] = [:]
            for v in venues {
                let l = grid.rowLong[v]![r], s = grid.rowShort[v]![r]
                guard l != 0 || s != 0 else { continue }
                byVenue[v] = (l, s, totals[v]! > 0 ? Double(l + s) / Double(totals[v]!) : 0)
            }
            bands.append(Band(low: band.low, high: band.high, longMicros: long[r], shortMicros: short[r], byVenue: byVenue,
                              consensus: consensus.isEmpty ? BandConsensus(score: 0, label: .none, hotVenues: [], strength: [:]) : consensus[r],
                              prominenceUSD: prominence[r]))
        }
        self.bands = bands
        self.lastPrice = lastPrice
        let largest = usd.max() ?? 0
        var above: [Zone] = [], below: [Zone] = []
        if let lastPrice, largest > 0 {
            for (r, band) in bands.enumerated() where band.prominenceUSD > 0 && band.prominenceUSD >= Self.minProminenceShare * largest {
                let mid = (band.low * band.high).squareRoot()
                let zone = Zone(band: r, price: mid, usd: usd[r], prominenceUSD: band.prominenceUSD,
                                distancePercent: (mid / lastPrice - 1) * 100, consensus: band.consensus.score, label: band.consensus.label)
                if band.low > lastPrice { above.append(zone) } else if band.high <= lastPrice { below.append(zone) }
            }
        }
        self.above = Array(above.sorted { $0.distancePercent < $1.distancePercent }.prefix(maxZones))
        self.below = Array(below.sorted { $0.distancePercent > $1.distancePercent }.prefix(maxZones))
    }

    /// Prominence of each band: for a band that is the highest within `k` bands each side (the first
    /// of equal highs), its value less the higher of the two lowest values within `k` on either
    /// side (a side past the grid's edge counts as 0); 0 for every other band.
    public static func prominence(_ values: [Double], neighbourhood k: Int) -> [Double] {
        let n = values.count
        return (0..<n).map { i in
            let v = values[i]
            guard v > 0 else { return 0 }
            let lo = max(0, i - k), hi = min(n - 1, i + k)
            for j in lo...hi where j != i {
                if values[j] > v || (values[j] == v && j < i) { return 0 }
            }
            let leftMin = i - k < 0 ? 0 : (i > lo ? values[lo..<i].min()! : 0)
            let rightMin = i + k > n - 1 ? 0 : (i < hi ? values[(i + 1)...hi].min()! : 0)
            return v - max(leftMin, rightMin)
        }
    }
}

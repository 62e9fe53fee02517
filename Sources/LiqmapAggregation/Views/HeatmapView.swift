import LiqmapCore

/// A finished heatmap: the merged grid, its colour scale, the price line and the per-row venue
/// breakdown with consensus (pure; the gateway formats it as JSON, CSV or PNG).
public struct HeatmapView: Sendable {
    /// What to build (already validated by the gateway).
    public struct Query: Sendable, Hashable {
        public var layer: TileLayer
        public var plan: WindowPlan
        public var venues: Set<Venue>?
        public var side: ViewSide
        public var tiers: Set<UInt8>?
        public var absoluteScale: Bool
        public var maxRows: Int
        public var minPrice: Double?
        public var maxPrice: Double?

        public init(layer: TileLayer, plan: WindowPlan, venues: Set<Venue>? = nil, side: ViewSide = .both, tiers: Set<UInt8>? = nil,
                    absoluteScale: Bool = false, maxRows: Int = 200, minPrice: Double? = nil, maxPrice: Double? = nil) {
            self.layer = layer
            self.plan = plan
            self.venues = venues
            self.side = side
            self.tiers = tiers
            self.absoluteScale = absoluteScale
            self.maxRows = maxRows
            self.minPrice = minPrice
            self.maxPrice = maxPrice
        }
    }

    public let query: Query
    /// Nil when there is neither data nor a price in view (an empty answer).
    public let grid: HeatmapGrid?
    /// Merged micro-dollars per cell over the chosen venues (row-major).
    public let cells: [Int64]
    public let scale: IntensityScale
    /// The last price per column (median over instruments), nil where unknown.
    public let lastPrice: [Double?]
    /// Venues in view with data.
    public let venues: [Venue]
    /// Consensus per row (over the row totals of each venue).
    public let consensus: [BandConsensus]
    /// Open interest (USD) per venue used as consensus weights (empty when unknown).
    public let openInterest: [Venue: Double]

    /// How far the default price range reaches beyond the price path: ×/÷ 1.15 for the projected
    /// layer (where open levels sit away from the price), ×/÷ 1.02 for realized liquidations.
    public static func margin(_ layer: TileLayer) -> Double { layer == .projected ? 1.15 : 1.02 }

    public init(query: Query, tiles: [VenueTile], market: [MarketColumn]) {
        self.query = query
        let plan = query.plan
        let chosen = query.venues
        let tiles = tiles.filter { chosen?.contains($0.venue) ?? true }
        let market = market.filter { chosen?.contains($0.venue) ?? true }
        let count = Int(plan.columnCount)
        let level = plan.resolution.priceLevel
        // The price range: as asked, else the price path widened, else the rows with data.
        var low = query.minPrice, high = query.maxPrice
        if low == nil || high == nil {
            let m = Self.margin(query.layer)
            if let path = PriceLine.range(market.filter { $0.column >= plan.firstColumn && $0.column <= plan.lastColumn }) {
                low = low ?? path.low / m
                high = high ?? path.high * m
            } else if let rows = Self.rowRange(tiles, plan: plan) {
                let grid = PriceGrid.standard
                low = low ?? grid.band(row: rows.lowerBound, level: level).low
                high = high ?? grid.band(row: rows.upperBound, level: level).high * 0.999_999
            }
        }
        self.lastPrice = PriceLine.closes(market, firstColumn: plan.firstColumn, count: count)
        self.openInterest = PriceLine.openInterest(market)
        guard let low, let high, high > low,
              let rows = HeatmapSpec.rows(low: low, high: high, maxRows: query.maxRows, minimumLevel: level) else {
            self.grid = nil
            self.cells = []
            self.scale = query.absoluteScale ? .absolute : .relative(maxUSD: 0)
            self.venues = []
            self.consensus = []
            return
        }
        let spec = HeatmapSpec(layer: query.layer, resolution: plan.resolution, firstColumn: plan.firstColumn, columnCount: count,
                               level: rows.level, firstRow: rows.firstRow, rowCount: rows.rowCount, side: query.side, tiers: query.tiers)
        let grid = HeatmapGrid(spec: spec, tiles: tiles)
        self.grid = grid
        self.cells = grid.merged()
        self.scale = query.absoluteScale ? .absolute : IntensityScale.relative(cellsMicros: cells)
        self.venues = grid.venues
        let densities = Dictionary(uniqueKeysWithValues: grid.venues.map { v in (v, grid.rowTotals(v).map { Double($0) / 1e6 }) })
        self.consensus = ConsensusScore.bands(densities, weights: openInterest)
    }

    /// The lowest and highest tile row with a cell in the window, or nil.
    static func rowRange(_ tiles: [VenueTile], plan: WindowPlan) -> ClosedRange<Int32>? {
        var lo = Int32.max, hi = Int32.min
        for t in tiles {
            let base = t.tile.tile * TimeResolution.columnsPerTile
            for key in t.tile.cells.cells.keys {
                let column = base + Int64(key.column)
                guard column >= plan.firstColumn, column <= plan.lastColumn else { continue }
                lo = min(lo, key.row)
                hi = max(hi, key.row)
            }
        }
        return lo <= hi ? lo...hi : nil
    }
}

/// The grid a heatmap view is drawn on: time columns of one resolution and price rows at one
/// display level, with the filters applied while merging (pure data).
///
/// Display rows are rows of `PriceGrid.standard` at `level` (≥ the resolution's tile level), so a
/// tile row `r` lands on display row `r >> (level − tileLevel)`: merging is adding cells, exact.
public struct HeatmapSpec: Sendable, Hashable {
    public var layer: TileLayer
    public var resolution: TimeResolution
    /// First absolute column (`resolution.column(ts:)`) and how many columns.
    public var firstColumn: Int64
    public var columnCount: Int
    /// The price level of display rows and the lowest display row; `rowCount` rows upward.
    public var level: Int
    public var firstRow: Int32
    public var rowCount: Int
    public var side: ViewSide
    /// Leverage tiers to keep (1…n, projected only); nil keeps all.
    public var tiers: Set<UInt8>?

    public init(layer: TileLayer, resolution: TimeResolution, firstColumn: Int64, columnCount: Int, level: Int, firstRow: Int32,
                rowCount: Int, side: ViewSide = .both, tiers: Set<UInt8>? = nil) {
        precondition(level >= resolution.priceLevel, "display level must not be finer than the tiles'")
        precondition(columnCount >= 1 && rowCount >= 1, "an empty grid")
        self.layer = layer
        self.resolution = resolution
        self.firstColumn = firstColumn
        self.columnCount = columnCount
        self.level = level
        self.firstRow = firstRow
        self.rowCount = rowCount
        self.side = side
        self.tiers = tiers
    }

    /// The cell count of the dense grid.
    public var cellCount: Int { columnCount * rowCount }

    /// Start (Unix ms) of view column `index`.
    public func columnStart(_ index: Int) -> Int64 { resolution.start(ofColumn: firstColumn + Int64(index)) }

    /// The price band of view row `index`.
    public func band(_ index: Int, grid: PriceGrid = .standard) -> (low: Double, high: Double) {
        grid.band(row: firstRow + Int32(index), level: level)
    }

    /// The view row of a price, or nil outside the grid.
    public func rowIndex(price: Double, grid: PriceGrid = .standard) -> Int? {
        guard let row = grid.row(price: price, level: level) else { return nil }
        let index = Int(row) - Int(firstRow)
        return (0..<rowCount).contains(index) ? index : nil
    }

    /// The rows `[low, high]` at the coarsest needed level: the finest level ≥ `minimumLevel` at which
    /// the prices `[low, high]` span at most `maxRows` rows (levels up to 24).
    public static func rows(low: Double, high: Double, maxRows: Int, minimumLevel: Int, grid: PriceGrid = .standard)
        -> (level: Int, firstRow: Int32, rowCount: Int)? {
        guard low > 0, high >= low, maxRows >= 1 else { return nil }
        for level in minimumLevel...max(minimumLevel, 24) {
            guard let a = grid.row(price: low, level: level), let b = grid.row(price: high, level: level) else { return nil }
            let count = Int(b) - Int(a) + 1
            if count <= maxRows { return (level, a, count) }
        }
        return nil
    }
}

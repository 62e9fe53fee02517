import LiqmapCore

/// A heatmap merged from stored tiles: per venue, a dense row-major grid of exact
/// micro-dollars (`cells[row * columnCount + column]`) for the spec's side, plus each venue's long
/// and short row totals (pure, no I/O).
///
/// Merging adds cells: every instrument of a venue (USD-, USDT-, USDC-quoted and inverse contracts,
/// all already valued in USD by the collectors) lands in its venue's grid, and the merged view is the
/// sum over the chosen venues, so totals are exact whatever the grouping.
public struct HeatmapGrid: Sendable, Hashable {
    public let spec: HeatmapSpec
    /// Venues with at least one cell in the grid, in name order.
    public let venues: [Venue]
    /// Per venue: micro-dollars per cell of the spec's side.
    public let cells: [Venue: [Int64]]
    /// Per venue and row: the row's long and short micro-dollars. Realized: the sum over the window.
    /// Projected: each instrument's latest column in view (its current book), added over the venue's
    /// instruments, since adding snapshots of the same positions over time would count them once per column.
    public let rowLong: [Venue: [Int64]]
    public let rowShort: [Venue: [Int64]]
    /// Per venue: the latest view column with data.
    public let latestColumn: [Venue: Int]

    /// Merges `tiles` onto `spec`; cells outside the grid, of other layers or resolutions, or of
    /// tiers the spec leaves out are skipped.
    public init(spec: HeatmapSpec, tiles: [VenueTile]) {
        self.spec = spec
        let shift = Int32(spec.level - spec.resolution.priceLevel)
        let columns = spec.columnCount
        let kept = tiles.filter { $0.tile.layer == spec.layer && $0.tile.resolution == spec.resolution }
        // Each instrument's latest column in view (the projected row totals read it).
        var latestOf: [InstrumentKey: Int64] = [:]
        for item in kept {
            let base = item.tile.tile * TimeResolution.columnsPerTile - spec.firstColumn
            for key in item.tile.cells.cells.keys {
                let column = base + Int64(key.column)
                guard column >= 0, column < Int64(columns) else { continue }
                let id = InstrumentKey(venue: item.venue, instrument: item.instrument)
                latestOf[id] = max(latestOf[id] ?? 0, column)
            }
        }
        var cells: [Venue: [Int64]] = [:]
        var rowLong: [Venue: [Int64]] = [:], rowShort: [Venue: [Int64]] = [:]
        var latest: [Venue: Int] = [:]
        let empty = Array(repeating: Int64(0), count: spec.rowCount)
        for item in kept {
            let base = item.tile.tile * TimeResolution.columnsPerTile - spec.firstColumn
            let newest = latestOf[InstrumentKey(venue: item.venue, instrument: item.instrument)]
            for (key, value) in item.tile.cells.cells {
                if let tiers = spec.tiers, !tiers.contains(key.tier) { continue }
                let column = base + Int64(key.column)
                guard column >= 0, column < Int64(columns) else { continue }
                let row = Int(key.row >> shift) - Int(spec.firstRow)
                guard row >= 0, row < spec.rowCount else { continue }
                if cells[item.venue] == nil {
                    cells[item.venue] = Array(repeating: 0, count: spec.cellCount)
                    rowLong[item.venue] = empty
                    rowShort[item.venue] = empty
                }
                cells[item.venue]![row * columns + Int(column)] += spec.side.micros(value)
                if spec.layer == .realized || column == newest {
                    if spec.side != .short { rowLong[item.venue]![row] += value.longUSD.micros }
                    if spec.side != .long { rowShort[item.venue]![row] += value.shortUSD.micros }
                }
                latest[item.venue] = max(latest[item.venue] ?? 0, Int(column))
            }
        }
        self.cells = cells
        self.rowLong = rowLong
        self.rowShort = rowShort
        self.latestColumn = latest
        self.venues = cells.keys.sorted { $0.rawValue < $1.rawValue }
    }

    /// The merged grid over `venues` (all when nil): micro-dollars per cell.
    public func merged(venues chosen: Set<Venue>? = nil) -> [Int64] {
        var out = Array(repeating: Int64(0), count: spec.cellCount)
        for venue in venues where chosen?.contains(venue) ?? true {
            let grid = cells[venue]!
            for i in out.indices { out[i] += grid[i] }
        }
        return out
    }

    /// Per row, the spec side's micro-dollars of one venue (row totals, see `rowLong`).
    public func rowTotals(_ venue: Venue) -> [Int64] {
        let long = rowLong[venue] ?? Array(repeating: 0, count: spec.rowCount)
        let short = rowShort[venue] ?? Array(repeating: 0, count: spec.rowCount)
        return zip(long, short).map { $0 + $1 }
    }
}

/// Derives coarser realized tiles from finer ones by exact summation: a cell moves to the coarse
/// column containing its column and to its row at the coarse resolution's price level
/// (`row >> (Lcoarse − Lfine)`); values add. Rolling up 1m cells to 1h gives exactly the tiles that
/// accumulating the same events at 1h gives.
public enum Rollup {
    /// Whether `fine` can be summed into `coarse` (coarse is a whole multiple of fine).
    public static func canRollUp(from fine: TimeResolution, to coarse: TimeResolution) -> Bool {
        coarse.minutes >= fine.minutes && coarse.minutes % fine.minutes == 0
    }

    /// The `coarse` tiles made from every realized delta of a resolution that divides it; other
    /// resolutions and projected tiles are skipped (projected columns are snapshots, not sums).
    public static func rollUp(_ deltas: TileDeltas, to coarse: TimeResolution, from fine: TimeResolution) -> TileDeltas {
        precondition(canRollUp(from: fine, to: coarse), "\(coarse) is not a multiple of \(fine)")
        let shift = coarse.priceLevel - fine.priceLevel
        var out: TileDeltas = [:]
        for (key, delta) in deltas where key.layer == .realized && key.resolution == fine {
            for (cell, value) in delta.cells {
                let column = coarse.column(containing: TimeResolution.column(tile: key.tile, offset: cell.column), of: fine)
                var coarseKey = key
                coarseKey.resolution = coarse
                coarseKey.tile = TimeResolution.tile(ofColumn: column)
                let coarseCell = CellKey(
                    column: TimeResolution.offset(ofColumn: column),
                    row: PriceGrid.row(cell.row, fromLevel: fine.priceLevel, toLevel: fine.priceLevel + shift),
                    tier: cell.tier)
                out[coarseKey, default: .empty].add(value, at: coarseCell)
            }
        }
        return out.filter { !$0.value.isEmpty }
    }
}

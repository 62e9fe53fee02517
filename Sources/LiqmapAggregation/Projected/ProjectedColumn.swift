/// One column of a projected tile: the book's snapshot at the end of the latest minute, which
/// replaces whatever the column held (`TileCodec.replaceColumn`), so writing it twice changes nothing.
/// Cells carry tier = leverage tier index + 1, at the resolution's price level, in MicroUSD.
public struct ProjectedColumn: Sendable, Hashable {
    public var key: TileKey
    public var column: UInt8
    public var cells: TileDelta

    public init(key: TileKey, column: UInt8, cells: TileDelta) {
        self.key = key
        self.column = column
        self.cells = cells
    }
}

extension LiquidationBook {
    /// The projected column of each resolution that contains the book's current minute (empty when
    /// the book has not advanced). Cells whose long and short USD are both under `minTileCellUSD` are left out.
    public func projectedColumns(resolutions: [TimeResolution] = TimeResolution.allCases) -> [ProjectedColumn] {
        guard let minute else { return [] }
        return resolutions.map { resolution in
            let column = resolution.column(containing: minute, of: .m1)
            var sums: [CellKey: (long: Double, short: Double)] = [:]
            let offset = TimeResolution.offset(ofColumn: column)
            forEachLevelInRange { t, isLong, level in
                let key = CellKey(column: offset, row: PriceGrid.row(level.row, toLevel: resolution.priceLevel), tier: UInt8(t + 1))
                var sum = sums[key] ?? (0, 0)
                if isLong { sum.long += level.usd } else { sum.short += level.usd }
                sums[key] = sum
            }
            let floor = parameters.minTileCellUSD
            let cells = TileDelta(sums.compactMap { key, sum -> (CellKey, CellValue)? in
                guard sum.long >= floor || sum.short >= floor,
                    let long = MicroUSD(usd: sum.long), let short = MicroUSD(usd: sum.short)
                else { return nil }
                return (key, CellValue(longUSD: long, shortUSD: short))
            })
            return ProjectedColumn(
                key: TileKey(venue: venue, instrument: instrument, layer: .projected, resolution: resolution, tile: TimeResolution.tile(ofColumn: column)),
                column: offset, cells: cells)
        }
    }
}

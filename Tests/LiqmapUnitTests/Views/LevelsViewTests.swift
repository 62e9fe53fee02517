import LiqmapAggregation
import LiqmapCore
import Testing

@Suite("Views: levels and magnet zones")
struct LevelsViewTests {
    @Test("prominence: a local maximum over the higher of the neighbouring valleys; plateaus and slopes score 0")
    func prominence() {
        let values: [Double] = [1, 1, 1, 9, 1, 1, 1, 1, 4, 4, 1, 1, 2, 3, 4, 5, 6, 7]
        let p = LevelsView.prominence(values, neighbourhood: 3)
        #expect(p[3] == 8)
        #expect(p[8] == 3 && p[9] == 0)  // the first of equal highs
        #expect(p[14] == 0)  // on a slope
        #expect(p[17] == 3)  // at the edge: the right side counts as 0, so 7 − max(left valley 4, 0)
    }

    static func column(_ cells: [(Int32, Int64, Int64)], venue: Venue = .binance) -> VenueTile {
        VenueTile(venue: venue, instrument: "BTC-USDT-PERP", tile: DecodedTile(layer: .projected, resolution: .m1, tile: 0, cells: TileDelta(cells.map {
            (CellKey(column: 0, row: $0.0, tier: 1), CellValue(longUSD: MicroUSD(micros: $0.1), shortUSD: MicroUSD(micros: $0.2)))
        })))
    }

    @Test("zones above and below the last price, nearest first, with signed distance; small bumps are not zones")
    func zones() {
        let grid = PriceGrid.standard
        // Rows 0…59 at level 0; last price in row 30.
        var cells: [(Int32, Int64, Int64)] = (0..<60).map { ($0, 1_000_000, 0) }
        cells[10] = (10, 50_000_000, 0)  // a long cluster below
        cells[20] = (20, 1_500_000, 0)  // a small bump (below 10 % of the largest)
        cells[45] = (45, 0, 30_000_000)  // a short cluster above
        let spec = HeatmapSpec(layer: .projected, resolution: .m1, firstColumn: 0, columnCount: 1, level: 0, firstRow: 0, rowCount: 60)
        let view = LevelsView(grid: HeatmapGrid(spec: spec, tiles: [Self.column(cells)]), lastPrice: grid.mid(row: 30, level: 0), weights: [:])
        #expect(view.above.map(\.band) == [45])
        #expect(view.below.map(\.band) == [10])
        let expected = (grid.mid(row: 45, level: 0) / grid.mid(row: 30, level: 0) - 1) * 100
        #expect(abs(view.above[0].distancePercent - expected) < 1e-9)
        #expect(view.below[0].distancePercent < 0)
        #expect(view.bands[45].shortMicros == 30_000_000 && view.bands[45].byVenue[.binance]!.share > 0.2)
    }
}

import LiqmapAggregation
import LiqmapCore
import Testing

@Suite("Views: merging tiles into a heatmap grid")
struct HeatmapGridTests {
    static func tile(_ venue: Venue, _ instrument: String, layer: TileLayer = .realized, resolution: TimeResolution = .m1, tile: Int64 = 10,
                     _ cells: [(UInt8, Int32, UInt8, Int64, Int64)]) -> VenueTile {
        VenueTile(venue: venue, instrument: instrument, tile: DecodedTile(layer: layer, resolution: resolution, tile: tile, cells: TileDelta(cells.map {
            (CellKey(column: $0.0, row: $0.1, tier: $0.2), CellValue(longUSD: MicroUSD(micros: $0.3), shortUSD: MicroUSD(micros: $0.4),
                                                                   longCount: $0.3 > 0 ? 1 : 0, shortCount: $0.4 > 0 ? 1 : 0))
        })))
    }

    static func spec(layer: TileLayer = .realized, level: Int = 0, firstRow: Int32 = 100, rows: Int = 10, side: ViewSide = .both, tiers: Set<UInt8>? = nil) -> HeatmapSpec {
        HeatmapSpec(layer: layer, resolution: .m1, firstColumn: 10 * 256, columnCount: 4, level: level, firstRow: firstRow, rowCount: rows, side: side, tiers: tiers)
    }

    @Test("instruments and venues add exactly; per-venue cells and row totals")
    func exactMerge() {
        let tiles = [
            Self.tile(.binance, "BTC-USDT-PERP", [(0, 101, 0, 1_000_001, 0), (1, 101, 0, 0, 7)]),
            Self.tile(.binance, "BTC-USD-PERP", [(0, 101, 0, 2, 3)]),
            Self.tile(.okx, "BTC-USDT-PERP", [(3, 109, 0, 5, 0), (3, 110, 0, 99, 0)]),  // row 110 is outside (rows 100…109)
        ]
        let grid = HeatmapGrid(spec: Self.spec(), tiles: tiles)
        #expect(grid.venues == [.binance, .okx])
        #expect(grid.cells[.binance]![1 * 4 + 0] == 1_000_006)
        #expect(grid.cells[.binance]![1 * 4 + 1] == 7)
        #expect(grid.cells[.okx]![9 * 4 + 3] == 5)
        let merged = grid.merged()
        let expected: Int64 = 1_000_018
        #expect(merged.reduce(0, +) == expected)
        #expect(grid.merged(venues: [.okx]).reduce(0, +) == 5)
        #expect(grid.rowLong[.binance]![1] == 1_000_003 && grid.rowShort[.binance]![1] == 10)
        #expect(grid.rowTotals(.okx)[9] == 5)
    }

    @Test("sides, tiers, layers, resolutions and columns outside the window are filtered")
    func filters() {
        let tiles = [
            Self.tile(.bybit, "BTC-USDT-PERP", layer: .projected, [(0, 100, 1, 10, 20), (0, 100, 2, 100, 200), (4, 100, 1, 1, 1)]),  // col 4 is outside
            Self.tile(.bybit, "BTC-USDT-PERP", layer: .realized, [(0, 100, 0, 1000, 1000)]),
            Self.tile(.bybit, "BTC-USDT-PERP", layer: .projected, resolution: .m3, [(0, 100, 1, 5000, 5000)]),
            Self.tile(.bybit, "BTC-USDT-PERP", layer: .projected, tile: 9, [(255, 100, 1, 7000, 7000)]),  // the column before the window
        ]
        let long = HeatmapGrid(spec: Self.spec(layer: .projected, side: .long), tiles: tiles)
        #expect(long.merged().reduce(0, +) == 110)
        #expect(long.rowShort[.bybit]![0] == 0)
        let tier2Short = HeatmapGrid(spec: Self.spec(layer: .projected, side: .short, tiers: [2]), tiles: tiles)
        #expect(tier2Short.merged().reduce(0, +) == 200)
    }

    @Test("coarser display levels merge rows by shifting (floor for negative rows)")
    func levels() {
        let tiles = [Self.tile(.okx, "X-USDT-PERP", [(0, -3, 0, 1, 0), (0, -4, 0, 2, 0), (0, -5, 0, 4, 0), (0, 3, 0, 8, 0)])]
        // level 2 merges 4 base rows: -3 and -4 → -1, -5 → -2, 3 → 0.
        let grid = HeatmapGrid(spec: Self.spec(level: 2, firstRow: -2, rows: 3), tiles: tiles)
        #expect(grid.cells[.okx]!.enumerated().filter { $0.element != 0 }.map { [$0.offset / 4, Int($0.element)] } == [[0, 4], [1, 3], [2, 8]])
    }

    @Test("projected row totals are each instrument's latest column, not a sum over time")
    func projectedLatest() {
        let tiles = [
            Self.tile(.binance, "BTC-USDT-PERP", layer: .projected, [(0, 100, 1, 100, 0), (2, 100, 1, 300, 0)]),
            Self.tile(.binance, "BTC-USDC-PERP", layer: .projected, [(1, 100, 1, 50, 0)]),  // its latest is column 1
        ]
        let grid = HeatmapGrid(spec: Self.spec(layer: .projected), tiles: tiles)
        #expect(grid.rowLong[.binance]![0] == 350)
        #expect(grid.latestColumn[.binance] == 2)
        let realized = HeatmapGrid(spec: Self.spec(), tiles: [Self.tile(.binance, "BTC-USDT-PERP", [(0, 100, 0, 100, 0), (2, 100, 0, 300, 0)])])
        #expect(realized.rowLong[.binance]![0] == 400)
    }

    @Test("row planning: the finest level whose rows cover the prices within the ceiling")
    func rowPlanning() {
        let p = HeatmapSpec.rows(low: 90_000, high: 110_000, maxRows: 200, minimumLevel: 0)!
        // ln(110000/90000)/ln(1.0002) ≈ 1003 base rows → level 3 (≈126 rows).
        #expect(p.level == 3)
        #expect(p.rowCount <= 200 && p.rowCount > 100)
        let grid = PriceGrid.standard
        #expect(grid.band(row: p.firstRow, level: 3).low <= 90_000 && grid.band(row: p.firstRow + Int32(p.rowCount) - 1, level: 3).high > 110_000)
        #expect(HeatmapSpec.rows(low: 100, high: 100, maxRows: 10, minimumLevel: 4)!.rowCount == 1)
        #expect(HeatmapSpec.rows(low: 0, high: 1, maxRows: 10, minimumLevel: 0) == nil)
    }

    @Test("colour scales: absolute is fixed log10 from $1k to $100M; relative is linear to the 99th percentile")
    func scales() {
        #expect(IntensityScale.absolute.intensity(usd: 1_000) == 0)
        #expect(IntensityScale.absolute.intensity(usd: 100_000_000) == 1)
        #expect(abs(IntensityScale.absolute.intensity(usd: 1_000_000) - 0.6) < 1e-6)
        #expect(IntensityScale.absolute.intensity(usd: 1e12) == 1)
        let cells = (1...100).map { Int64($0) * 1_000_000 } + [0, 0]
        let relative = IntensityScale.relative(cellsMicros: cells)
        #expect(relative == .relative(maxUSD: 100))  // index ⌈0.99 × 99⌉ = 99 of 1…100
        #expect(relative.intensity(usd: 50) == 0.5)
        #expect(relative.intensity(usd: 1000) == 1)
        #expect(IntensityScale.relative(cellsMicros: []).intensity(usd: 5) == 0)
        #expect(IntensityScale.absolute.intensity(usd: .nan) == 0)
    }

    @Test("price line: median close per column; open interest from each instrument's latest column")
    func priceLine() {
        func m(_ v: Venue, _ i: String, _ c: Int64, _ close: Double, oi: Double?) -> MarketColumn {
            MarketColumn(venue: v, instrument: i, resolution: .m1, column: c, close: close, high: close + 1, low: close - 1, openInterestUSD: oi)
        }
        let cols = [m(.binance, "A", 10, 100, oi: 5), m(.okx, "A", 10, 102, oi: 7), m(.bybit, "A", 10, 130, oi: nil), m(.binance, "A", 12, 104, oi: 6),
                    m(.binance, "B", 11, 101, oi: 1)]
        #expect(PriceLine.closes(cols, firstColumn: 10, count: 4) == [102, 101, 104, nil])
        #expect(PriceLine.openInterest(cols) == [.binance: 7, .okx: 7])
        #expect(PriceLine.range(cols)!.low == 99 && PriceLine.range(cols)!.high == 131)
    }
}

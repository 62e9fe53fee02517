import LiqmapGateway
import Testing

@Suite("Render: heatmap PNG")
struct HeatmapPNGTests {
    static let yellow: UInt32 = 0xFDE725  // viridis[255]
    static let purple: UInt32 = 0x440154  // viridis[0]
    static let middle: UInt32 = 0x21918C  // viridis[128]
    static let background: UInt32 = 0x0B0B12
    static let white: UInt32 = 0xFFFFFF

    /// A raster of `columns` × `rows` zeros over 1,000…2,000, one hour of minute columns.
    static func raster(columns: Int, rows: Int, fill: Float = 0) -> HeatmapRaster {
        HeatmapRaster(
            columns: columns, rows: rows, intensity: [Float](repeating: fill, count: columns * rows),
            timeStartMs: 1_731_542_400_000, columnMs: 3_600_000 / Int64(max(columns, 1)), priceLow: 1_000, priceHigh: 2_000,
            lastPrice: [Double?](repeating: nil, count: columns), title: "TEST · heatmap", legendLow: "$0",
            legendHigh: "$1M")
    }

    /// The pixel at the centre of cell (row, column) under `layout`.
    static func centre(_ layout: HeatmapLayout, _ raster: HeatmapRaster, row: Int, column: Int) -> (x: Int, y: Int) {
        let x = layout.plotX + Int((Double(column) + 0.5) * Double(layout.plotWidth) / Double(raster.columns))
        let y = layout.plotY + Int((Double(raster.rows - 1 - row) + 0.5) * Double(layout.plotHeight) / Double(raster.rows))
        return (x, y)
    }

    @Test("the PNG is 8-bit RGB at the asked size, 1200 × 600 by default")
    func header() throws {
        let image = try PNGTestImage(HeatmapPNG.render(Self.raster(columns: 500, rows: 200)))
        #expect(image.width == 1200)
        #expect(image.height == 600)
        #expect(image.bitDepth == 8 && image.colourType == 2)
        #expect(image.chunkTypes == ["IHDR", "IDAT", "IEND"])
        let small = try PNGTestImage(HeatmapPNG.render(Self.raster(columns: 5, rows: 5), width: 321, height: 123))
        #expect(small.width == 321 && small.height == 123)
    }

    @Test("cells take viridis colours, row 0 at the bottom; the background stays dark outside the plot")
    func cellsAndBackground() throws {
        var raster = Self.raster(columns: 4, rows: 3, fill: 0.5)
        raster.intensity[0 * 4 + 1] = 1  // bottom row, second column
        raster.intensity[2 * 4 + 3] = 0  // top row, last column
        let image = try PNGTestImage(HeatmapPNG.render(raster, width: 400, height: 200))
        let layout = HeatmapLayout(raster: raster, width: 400, height: 200)
        let hot = Self.centre(layout, raster, row: 0, column: 1)
        let cold = Self.centre(layout, raster, row: 2, column: 3)
        let mid = Self.centre(layout, raster, row: 1, column: 0)
        #expect(image.pixel(hot.x, hot.y) == Self.yellow)
        #expect(image.pixel(cold.x, cold.y) == Self.purple)
        #expect(image.pixel(mid.x, mid.y) == Self.middle)
        #expect(hot.y > cold.y)  // row 0 is the lowest price band, at the bottom
        #expect(image.pixel(0, 0) == Self.background)
        #expect(image.pixel(399, 100) == Self.background)
        #expect(image.pixel(layout.plotX - 2, layout.plotY + layout.plotHeight / 2 + 3) == Self.background)
        // Every plot pixel is a cell colour: the three used.
        var colours = Set<UInt32>()
        for y in layout.plotY..<(layout.plotY + layout.plotHeight) {
            for x in layout.plotX..<(layout.plotX + layout.plotWidth) { colours.insert(image.pixel(x, y)) }
        }
        #expect(colours == [Self.yellow, Self.purple, Self.middle])
    }

    @Test("intensities are clamped: NaN and negatives to 0, above 1 to 1")
    func clamping() throws {
        var raster = Self.raster(columns: 5, rows: 1)
        raster.intensity = [.nan, -3, 7, .infinity, -.infinity]
        let image = try PNGTestImage(HeatmapPNG.render(raster, width: 300, height: 150))
        let layout = HeatmapLayout(raster: raster, width: 300, height: 150)
        let expected = [Self.purple, Self.purple, Self.yellow, Self.yellow, Self.purple]
        for (column, colour) in expected.enumerated() {
            let p = Self.centre(layout, raster, row: 0, column: column)
            #expect(image.pixel(p.x, p.y) == colour, "column \(column)")
        }
    }

    @Test("the last price is drawn as a white line through the column centres, broken where unknown")
    func lastPriceLine() throws {
        var raster = Self.raster(columns: 10, rows: 10)
        let price = 1_000 * 1.5  // not on a row boundary
        raster.lastPrice = [price, price, price, price, nil, nil, price, price, price, price]
        let image = try PNGTestImage(HeatmapPNG.render(raster, width: 500, height: 250))
        let layout = HeatmapLayout(raster: raster, width: 500, height: 250)
        let y = try #require(layout.y(price: price))
        let row = Int(y.rounded(.down))
        func whiteNear(_ x: Int) -> Bool { (row - 2...row + 2).contains { image.pixel(x, $0) == Self.white } }
        for column in [0, 2, 3, 7, 9] {
            let x = Self.centre(layout, raster, row: 0, column: column).x
            #expect(whiteNear(x), "column \(column)")
        }
        let gap = Self.centre(layout, raster, row: 0, column: 5).x  // between the two unknown columns
        #expect(!whiteNear(gap))
        var whiteCount = 0
        for yy in 0..<250 { for xx in 0..<500 where image.pixel(xx, yy) == Self.white { whiteCount += 1 } }
        #expect(whiteCount > 0)
        let none = try PNGTestImage(HeatmapPNG.render(Self.raster(columns: 10, rows: 10), width: 500, height: 250))
        #expect(!(0..<250).contains { yy in (layout.plotX..<(layout.plotX + layout.plotWidth)).contains { none.pixel($0, yy) == Self.white } })
    }

    @Test("a grid larger than the plot keeps a single hot cell visible", arguments: [(1_999, 777), (0, 0), (1_234, 999)])
    func hotCellSurvivesDownsampling(_ column: Int, _ row: Int) throws {
        var raster = Self.raster(columns: 2_000, rows: 1_000)
        raster.intensity[row * 2_000 + column] = 1
        let image = try PNGTestImage(HeatmapPNG.render(raster, width: 400, height: 200))
        let layout = HeatmapLayout(raster: raster, width: 400, height: 200)
        #expect(layout.plotWidth < 2_000 && layout.plotHeight < 1_000)
        var hot: [(x: Int, y: Int)] = []
        for y in layout.plotY..<(layout.plotY + layout.plotHeight) {
            for x in layout.plotX..<(layout.plotX + layout.plotWidth) where image.pixel(x, y) == Self.yellow {
                hot.append((x, y))
            }
        }
        let expectedX = layout.plotX + column * layout.plotWidth / 2_000
        let expectedY = layout.plotY + (999 - row) * layout.plotHeight / 1_000
        #expect(!hot.isEmpty)
        #expect(hot.count <= 4)
        #expect(hot.allSatisfy { abs($0.x - expectedX) <= 1 && abs($0.y - expectedY) <= 1 })
    }

    @Test("a grid smaller than the plot draws every cell as a block")
    func smallGridBlocks() throws {
        var raster = Self.raster(columns: 3, rows: 2)
        raster.intensity = [1, 0, 1, 0, 1, 0]
        let image = try PNGTestImage(HeatmapPNG.render(raster, width: 300, height: 200))
        let layout = HeatmapLayout(raster: raster, width: 300, height: 200)
        for row in 0..<2 {
            for column in 0..<3 {
                let p = Self.centre(layout, raster, row: row, column: column)
                let want = raster.intensity[row * 3 + column] == 1 ? Self.yellow : Self.purple
                #expect(image.pixel(p.x, p.y) == want)
                #expect(image.pixel(p.x + 5, p.y + 5) == want)
            }
        }
    }

    @Test("odd inputs render without trapping", arguments: [(1, 1), (40, 20), (600, 300)])
    func degenerate(_ width: Int, _ height: Int) throws {
        var raster = Self.raster(columns: 3, rows: 2)
        raster.intensity = [1]  // fewer values than cells
        raster.lastPrice = [5_000_000, 0.0001, nil, 1_500, 1_600]  // off-axis, then more entries than columns
        raster.priceLow = 0  // no usable log axis
        raster.title = String(repeating: "a very long title ", count: 20) + "ünïcødé ✓"
        let image = try PNGTestImage(HeatmapPNG.render(raster, width: width, height: height))
        #expect(image.width == width && image.height == height)
        var empty = Self.raster(columns: 0, rows: 0)
        empty.columnMs = 0
        let blank = try PNGTestImage(HeatmapPNG.render(empty, width: 200, height: 100))
        #expect(blank.width == 200)
        let flipped = try PNGTestImage(HeatmapPNG.render(Self.raster(columns: 1, rows: 1), width: 0, height: -5))
        #expect(flipped.width == 1 && flipped.height == 1)
        var endless = Self.raster(columns: 4, rows: 4)
        endless.timeStartMs = .max - 10
        endless.columnMs = .max
        endless.priceHigh = .infinity
        let far = try PNGTestImage(HeatmapPNG.render(endless, width: 200, height: 100))
        #expect(far.width == 200)
        let huge = HeatmapLayout(raster: Self.raster(columns: 1, rows: 1), width: 1_000_000, height: 50_000)
        #expect(huge.width == HeatmapPNG.maximumSide && huge.height == HeatmapPNG.maximumSide)
    }

    @Test("the layout has 2–8 price ticks and up to 7 time ticks, all inside the plot")
    func layoutTicks() {
        let raster = Self.raster(columns: 60, rows: 100)
        let layout = HeatmapLayout(raster: raster, width: 1200, height: 600)
        #expect((2...8).contains(layout.priceTicks.count))
        #expect((2...7).contains(layout.timeTicks.count))
        for tick in layout.priceTicks {
            let y = layout.y(price: tick.price) ?? -1
            #expect(y >= Double(layout.plotY) && y <= Double(layout.plotY + layout.plotHeight))
        }
        #expect(layout.timeTicks.map(\.label).first == "00:00")
        #expect(layout.plotX > 0 && layout.plotX + layout.plotWidth < 1200)
        #expect(layout.y(price: 1_000) == Double(layout.plotY + layout.plotHeight))
        #expect(abs((layout.y(price: 2_000) ?? 0) - Double(layout.plotY)) < 1e-9)
        // Log spacing: the geometric mean sits halfway, 1,000 · 2^¼ a quarter of the way up.
        let bottom = Double(layout.plotY + layout.plotHeight)
        let half = (1_000.0 * 2_000).squareRoot()
        #expect(abs((layout.y(price: half) ?? 0) - (bottom - 0.5 * Double(layout.plotHeight))) < 1e-6)
        let quarter = 1_000 * 2.0.squareRoot().squareRoot()
        #expect(abs((layout.y(price: quarter) ?? 0) - (bottom - 0.25 * Double(layout.plotHeight))) < 1e-6)
        #expect(layout.y(price: 0) == nil && layout.y(price: -5) == nil)
        #expect(abs(layout.x(ms: raster.timeStartMs + 1_800_000) - (Double(layout.plotX) + Double(layout.plotWidth) / 2)) < 1e-9)
    }
}

import LiqmapAggregation
import Testing

@Suite("Aggregation: time and price grids")
struct AggregationGridTests {
    @Test("columns are floor(ts / resolution), tiles floor(column / 256), also before 1970")
    func columns() {
        #expect(TimeResolution.m1.column(ts: 0) == 0)
        #expect(TimeResolution.m1.column(ts: 59_999) == 0)
        #expect(TimeResolution.m1.column(ts: 60_000) == 1)
        #expect(TimeResolution.m1.column(ts: -1) == -1)
        #expect(TimeResolution.h1.column(ts: 1_700_000_000_000) == 472_222)
        #expect(TimeResolution.tile(ofColumn: 472_222) == 1_844)
        #expect(TimeResolution.offset(ofColumn: 472_222) == 158)
        #expect(TimeResolution.column(tile: 1_844, offset: 158) == 472_222)
        #expect(TimeResolution.tile(ofColumn: -1) == -1)
        #expect(TimeResolution.offset(ofColumn: -1) == 255)
        #expect(TimeResolution.h1.column(containing: 119, of: .m1) == 1)
        #expect(TimeResolution.h1.column(containing: -1, of: .m1) == -1)
    }

    @Test("every resolution is a whole number of minutes and codes are unique")
    func resolutions() {
        #expect(Set(TimeResolution.allCases.map(\.code)).count == TimeResolution.allCases.count)
        for res in TimeResolution.allCases {
            #expect(TimeResolution(code: res.code) == res)
            #expect(res.minutes % TimeResolution.m1.minutes == 0)
        }
        #expect(TimeResolution(code: 0) == nil)
        #expect(TimeResolution.allCases.map(\.priceLevel) == [0, 1, 2, 2, 3, 4, 5])
    }

    @Test("every standard window gets 300–1,000 columns from at most 5 tiles", arguments: WindowPlan.standardWindows)
    func windows(window: (name: String, milliseconds: Int64)) {
        for end: Int64 in [1_700_000_000_000, 1_700_000_123_456, 1_712_345_678_901] {
            let plan = WindowPlan(from: end - window.milliseconds, to: end)
            #expect((300...1_001).contains(plan.columnCount), "\(window.name): \(plan.columnCount) columns at \(plan.resolution)")
            #expect(plan.tiles.count <= 5, "\(window.name): \(plan.tiles.count) tiles")
        }
    }

    @Test("window plans pick the finest resolution that fits")
    func windowChoice() {
        let end: Int64 = 1_700_006_400_000  // a whole 12 h boundary
        let pick = { (hours: Int64) in WindowPlan(from: end - hours * 3_600_000, to: end).resolution }
        #expect(pick(12) == .m1)
        #expect(pick(24) == .m3)
        #expect(pick(72) == .m5)
        #expect(pick(168) == .m15)
        #expect(pick(720) == .h1)
        #expect(pick(2_160) == .h4)
        #expect(pick(4_320) == .h12)
        #expect(pick(8_760) == .h12)
        #expect(pick(1) == .m1)
        #expect(WindowPlan(from: end - 43_200_000, to: end).columnCount == 720)
    }

    @Test("base rows are floor(ln p / ln 1.0002); levels shift with floor semantics")
    func priceRows() {
        let grid = PriceGrid.standard
        // ln(20000)/ln(1.0002) = 49522.389…; ln(0.5)/ln(1.0002) = −3466.08…
        #expect(grid.baseRow(price: 20_000) == 49_522)
        #expect(grid.baseRow(price: 19_700) == 49_446)
        #expect(grid.baseRow(price: 1) == 0)
        #expect(grid.baseRow(price: 0.5) == -3_467)
        #expect(grid.row(price: 20_000, level: 3) == 6_190)
        #expect(grid.row(price: 20_000, level: 5) == 1_547)
        #expect(grid.row(price: 0.5, level: 3) == -434)  // floor(−3467 / 8) = −434, not −433
        #expect(grid.row(price: 0.5, level: 5) == -109)
        #expect(PriceGrid.row(6_190, fromLevel: 3, toLevel: 5) == 1_547)
        #expect(grid.baseRow(price: 0) == nil)
        #expect(grid.baseRow(price: -1) == nil)
        #expect(grid.baseRow(price: .nan) == nil)
    }

    @Test("row bands contain their prices and tile the axis without gaps")
    func bands() {
        let grid = PriceGrid.standard
        let band = grid.band(row: 49_522, level: 0)
        #expect(abs(band.low - 19_998.442_850_65) < 1e-6)
        #expect(abs(band.high - 20_002.442_539_22) < 1e-6)
        let coarse = grid.band(row: 1_547, level: 5)
        #expect(abs(coarse.low - 19_926.585_063_55) < 1e-6)
        #expect(abs(coarse.high - 20_054.511_343_24) < 1e-6)
        for level in 0...5 {
            for price in [0.000_123, 0.5, 1.7, 20_000, 65_432.1] {
                let row = grid.row(price: price, level: level)!
                let b = grid.band(row: row, level: level)
                #expect(b.low <= price * (1 + 1e-12) && price < b.high * (1 + 1e-12))
                #expect(grid.band(row: row + 1, level: level).low == b.high)
                let mid = grid.mid(row: row, level: level)
                #expect(b.low < mid && mid < b.high)
            }
        }
    }

    @Test("instrument names give asset, quote and contract kind")
    func instruments() {
        #expect(InstrumentName.asset(of: "BTC-USDT-PERP") == "BTC")
        #expect(InstrumentName.quote(of: "ETH-USD-20250926") == "USD")
        #expect(InstrumentName.isInverse("BTC-USD-PERP"))
        #expect(!InstrumentName.isInverse("BTC-USDC-PERP"))
    }
}

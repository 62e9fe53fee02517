import LiqmapAggregation
import LiqmapAggregator
import LiqmapCore
import Testing

@Suite("Partitioned tables: names and bounds of monthly partitions")
struct PartitionedTableTests {
    static let december2026 = UTCMonth(year: 2026, month: 12)!

    @Test("1m … 1h are split by month, 4h and 12h (tiles longer than a month) are not")
    func which() {
        #expect(PartitionedTable.monthlyTileResolutions == [.m1, .m3, .m5, .m15, .h1])
        #expect(PartitionedTable.all == [.realizedLiquidations, .tiles(.m1), .tiles(.m3), .tiles(.m5), .tiles(.m15), .tiles(.h1)])
    }

    @Test("names: <parent>_YYYYMM and <parent>_default; only a table's own monthly names parse back")
    func names() {
        let m15 = PartitionedTable.tiles(.m15), m1 = PartitionedTable.tiles(.m1)
        #expect(PartitionedTable.realizedLiquidations.partitionName(Self.december2026) == "realized_liquidations_202612")
        #expect(m15.partitionName(Self.december2026) == "tiles_15m_202612" && m15.defaultName == "tiles_15m_default")
        #expect(PartitionedTable.tiles(.h1).parent == "tiles_1h")
        #expect(m15.month(ofPartition: "tiles_15m_202612") == Self.december2026)
        #expect(m15.month(ofPartition: "tiles_15m_default") == nil)
        #expect(m1.month(ofPartition: "tiles_15m_202612") == nil && m15.month(ofPartition: "tiles_1m_202612") == nil)
        #expect(PartitionedTable.realizedLiquidations.month(ofPartition: "realized_liquidations_202613") == nil)
    }

    @Test("realized bounds are the month's milliseconds, printed as PostgreSQL prints them")
    func realizedBounds() {
        let t = PartitionedTable.realizedLiquidations
        #expect(t.bounds(Self.december2026) == 1_796_083_200_000..<1_798_761_600_000)
        #expect(t.boundText(Self.december2026) == "FOR VALUES FROM ('1796083200000') TO ('1798761600000')")
        #expect(t.month(ofKey: 1_798_761_599_999) == Self.december2026 && t.month(ofKey: 1_798_761_600_000) == Self.december2026.next)
    }

    @Test("tile bounds: every month 1970…2200 of every split resolution holds exactly the tiles that start in it, and months tile the axis")
    func tileBounds() {
        for r in PartitionedTable.monthlyTileResolutions {
            let table = PartitionedTable.tiles(r)
            let span = r.milliseconds * TimeResolution.columnsPerTile
            var month = UTCMonth.first
            var previousUpper: Int64 = 0
            while month.year <= 2200 {
                let b = table.bounds(month)
                #expect(b.lowerBound < b.upperBound, "\(r) \(month): not empty")
                #expect(b.lowerBound == previousUpper, "\(r) \(month): follows the month before without a gap")
                // The first tile starts in the month, the one before it did not; the last one too.
                #expect(b.lowerBound * span >= month.startMs && (b.lowerBound - 1) * span < month.startMs, "\(r) \(month) lower")
                #expect((b.upperBound - 1) * span < month.next.startMs && b.upperBound * span >= month.next.startMs, "\(r) \(month) upper")
                #expect(table.month(ofKey: b.lowerBound) == month && table.month(ofKey: b.upperBound - 1) == month)
                // The tile's own time span agrees (TileKey.timeSpan).
                let key = TileKey(venue: .okx, instrument: "BTC-USDT-SWAP", layer: .realized, resolution: r, tile: b.lowerBound)
                #expect(UTCMonth(containing: key.timeSpan.lowerBound) == month)
                previousUpper = b.upperBound
                month = month.next
            }
        }
    }

    @Test("a key outside 1970…9999 (or one whose start overflows) has no month")
    func outside() {
        #expect(PartitionedTable.realizedLiquidations.month(ofKey: -1) == nil)
        #expect(PartitionedTable.tiles(.m1).month(ofKey: -1) == nil)
        #expect(PartitionedTable.tiles(.h1).month(ofKey: .max / 1000) == nil)
        #expect(PartitionedTable.tiles(.m1).month(ofKey: 0) == .first)
    }
}

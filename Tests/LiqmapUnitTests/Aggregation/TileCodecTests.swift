import LiqmapAggregation
import LiqmapCore
import Testing

@Suite("Aggregation: binary tiles")
struct AggregationTileCodecTests {
    static let key = TileKey(venue: .okx, instrument: "BTC-USDT-PERP", layer: .realized, resolution: .h1, tile: -2)

    @Test("the documented byte layout, little-endian")
    func layout() {
        let delta = TileDelta([(CellKey(column: 3, row: -2), CellValue(longUSD: MicroUSD(micros: 258), shortUSD: MicroUSD(micros: -1), longCount: 1, shortCount: 2))])
        let bytes = TileCodec.encode(delta, key: AggregationTileCodecTests.key)
        #expect(bytes.count == 24 + 30)
        #expect(Array(bytes[0..<24]) == [
            0x4C, 0x51, 0x54, 0x4C, 1, 1, 5, 1,
            0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,  // tile −2
            1, 0, 0, 0, 3, 0, 0, 0,  // one cell; price level 3
        ])
        #expect(Array(bytes[24...]) == [
            3, 0, 0xFE, 0xFF, 0xFF, 0xFF,  // column 3, tier 0, row −2
            0x02, 0x01, 0, 0, 0, 0, 0, 0,  // long 258 µUSD
            0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,  // short −1 µUSD
            1, 0, 0, 0, 2, 0, 0, 0,  // counts
        ])
    }

    @Test("encode and decode round-trip; equal tiles give equal bytes")
    func roundTrip() throws {
        var acc = RealizedAccumulator(resolutions: [.m15])
        acc.add(contentsOf: AggregationFixtures.randomLiquidations(count: 2_000, seed: 5))
        for (key, delta) in acc.take() {
            let bytes = TileCodec.encode(delta, key: key)
            let decoded = try TileCodec.decode(bytes)
            #expect(decoded == DecodedTile(layer: .realized, resolution: .m15, tile: key.tile, cells: delta))
            #expect(TileCodec.encode(TileDelta(delta.cells.reversed().map { ($0.key, $0.value) }), key: key) == bytes)
        }
        let empty = TileCodec.encode(.empty, key: AggregationTileCodecTests.key)
        #expect(try TileCodec.decode(empty).cells.isEmpty)
    }

    @Test("projected tiles without counts use 22-byte cells")
    func projectedCells() throws {
        var key = AggregationTileCodecTests.key
        key.layer = .projected
        let delta = TileDelta([(CellKey(column: 0, row: 7, tier: 2), CellValue(longUSD: MicroUSD(micros: 1)))])
        let bytes = TileCodec.encode(delta, key: key)
        #expect(bytes.count == 24 + 22)
        #expect(bytes[7] == 0)
        #expect(try TileCodec.decode(bytes).cells == delta)
    }

    @Test("damaged bytes are refused with a reason")
    func refusals() {
        let good = TileCodec.encode(TileDelta([
            (CellKey(column: 1, row: 1), CellValue(longCount: 1)), (CellKey(column: 2, row: 1), CellValue(shortCount: 1)),
        ]), key: AggregationTileCodecTests.key)
        func error(_ bytes: [UInt8]) -> TileCodecError? {
            do { _ = try TileCodec.decode(bytes); return nil } catch { return error }
        }
        #expect(error(good) == nil)
        #expect(error(Array(good[0..<10])) == .truncated(10))
        #expect(error([0] + good[1...]) == .badMagic)
        var v = good; v[4] = 2
        #expect(error(v) == .unsupportedVersion(2))
        var l = good; l[5] = 9
        #expect(error(l) == .unknownLayer(9))
        var r = good; r[6] = 0
        #expect(error(r) == .unknownResolution(0))
        var f = good; f[7] = 3
        #expect(error(f) == .unknownFlags(3))
        var p = good; p[20] = 0
        #expect(error(p) == .priceLevelMismatch(0))
        #expect(error(Array(good.dropLast())) == .lengthMismatch(expected: 84, actual: 83))
        var o = good; o[24] = 2; o[54] = 1  // swap the columns: out of order
        #expect(error(o) == .cellsOutOfOrder)
        var z = good; z[46] = 0  // first cell's long count → the cell is all zero
        #expect(error(z) == .zeroCell)
    }

    @Test("applying a delta to a stored tile adds exactly; re-encoding is canonical")
    func applyRealized() throws {
        let events = AggregationFixtures.randomLiquidations(count: 1_500, seed: 21)
        var first = RealizedAccumulator(resolutions: [.h4])
        first.add(contentsOf: events[0..<700])
        var second = RealizedAccumulator(resolutions: [.h4])
        second.add(contentsOf: events[700...])
        var all = RealizedAccumulator(resolutions: [.h4])
        all.add(contentsOf: events)
        var stored: [TileKey: [UInt8]] = [:]
        for batch in [first.take(), second.take()] {
            for (key, delta) in batch { stored[key] = try TileCodec.apply(delta, to: stored[key], key: key) }
        }
        let expected = all.take()
        #expect(stored.count == expected.count)
        for (key, delta) in expected { #expect(stored[key] == TileCodec.encode(delta, key: key)) }
    }

    @Test("projected columns replace what the column held; the other layer's operation is refused")
    func replaceProjected() throws {
        var key = AggregationTileCodecTests.key
        key.layer = .projected
        let old = TileDelta([
            (CellKey(column: 4, row: 1, tier: 1), CellValue(longUSD: MicroUSD(micros: 9))),
            (CellKey(column: 5, row: 1, tier: 1), CellValue(longUSD: MicroUSD(micros: 8))),
        ])
        let column5 = ProjectedColumn(key: key, column: 5, cells: TileDelta([(CellKey(column: 5, row: 2, tier: 1), CellValue(shortUSD: MicroUSD(micros: 3)))]))
        let bytes = try TileCodec.replaceColumn(column5, in: TileCodec.encode(old, key: key))
        #expect(try TileCodec.decode(bytes).cells == TileDelta([
            (CellKey(column: 4, row: 1, tier: 1), CellValue(longUSD: MicroUSD(micros: 9))),
            (CellKey(column: 5, row: 2, tier: 1), CellValue(shortUSD: MicroUSD(micros: 3))),
        ]))
        #expect(try TileCodec.replaceColumn(column5, in: bytes) == bytes)  // idempotent
        let cleared = try TileCodec.replaceColumn(ProjectedColumn(key: key, column: 4, cells: .empty), in: bytes)
        #expect(try TileCodec.decode(cleared).cells.count == 1)
        #expect(throws: TileCodecError.notAdditive) { try TileCodec.apply(column5.cells, to: bytes, key: key) }
        var realized = column5
        realized.key.layer = .realized
        #expect(throws: TileCodecError.notReplaceable) { try TileCodec.replaceColumn(realized, in: nil) }
        var otherTile = column5
        otherTile.key.tile = 7
        #expect(throws: TileCodecError.headerMismatch) { try TileCodec.replaceColumn(otherTile, in: bytes) }
    }
}

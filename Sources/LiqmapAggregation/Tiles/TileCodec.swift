/// The binary form of a stored tile (PostgreSQL `bytea`, and `/v1/tiles` with
/// `Accept: application/octet-stream`). Little-endian, fixed width, canonical: equal tiles give equal
/// bytes (cells strictly ascending by column, row, tier; no zero cells), so a hash of the bytes is an ETag.
///
/// Version 1 layout:
///
/// | offset | size | field |
/// |---|---|---|
/// | 0 | 4 | magic `LQTL` (4C 51 54 4C) |
/// | 4 | 1 | format version = 1 |
/// | 5 | 1 | layer (1 realized, 2 projected) |
/// | 6 | 1 | resolution code (1 = 1m, 2 = 3m, 3 = 5m, 4 = 15m, 5 = 1h, 6 = 4h, 7 = 12h) |
/// | 7 | 1 | flags: bit 0 = cells carry counts; other bits 0 |
/// | 8 | 8 | tile index, Int64 |
/// | 16 | 4 | cell count n, UInt32 |
/// | 20 | 1 | price level of the rows |
/// | 21 | 3 | reserved, 0 |
/// | 24 | n × 22 or n × 30 | cells |
///
/// A cell: column offset UInt8, tier UInt8, row Int32, long USD Int64 (micro-dollars), short USD Int64
/// (micro-dollars), then with flag bit 0: long count UInt32, short count UInt32.
/// Absolute column = tile × 256 + offset; the column starts at column × resolution.
public enum TileCodec {
    public static let magic: [UInt8] = [0x4C, 0x51, 0x54, 0x4C]
    public static let version: UInt8 = 1
    public static let headerSize = 24
    public static let cellSizeWithCounts = 30
    public static let cellSizeWithoutCounts = 22

    /// Encodes a tile's cells. Realized tiles always carry counts; projected tiles only when a cell has one.
    public static func encode(_ delta: TileDelta, layer: TileLayer, resolution: TimeResolution, tile: Int64) -> [UInt8] {
        let cells = delta.sortedCells
        let withCounts = layer == .realized || cells.contains { $0.value.longCount != 0 || $0.value.shortCount != 0 }
        var out: [UInt8] = []
        out.reserveCapacity(headerSize + cells.count * (withCounts ? cellSizeWithCounts : cellSizeWithoutCounts))
        out += magic
        out.append(version)
        out.append(layer.code)
        out.append(resolution.code)
        out.append(withCounts ? 1 : 0)
        append(UInt64(bitPattern: tile), bytes: 8, to: &out)
        append(UInt64(cells.count), bytes: 4, to: &out)
        out.append(UInt8(resolution.priceLevel))
        out += [0, 0, 0]
        for (key, value) in cells {
            out.append(key.column)
            out.append(key.tier)
            append(UInt64(UInt32(bitPattern: key.row)), bytes: 4, to: &out)
            append(UInt64(bitPattern: value.longUSD.micros), bytes: 8, to: &out)
            append(UInt64(bitPattern: value.shortUSD.micros), bytes: 8, to: &out)
            if withCounts {
                append(UInt64(value.longCount), bytes: 4, to: &out)
                append(UInt64(value.shortCount), bytes: 4, to: &out)
            }
        }
        return out
    }

    /// Encodes for a key.
    public static func encode(_ delta: TileDelta, key: TileKey) -> [UInt8] {
        encode(delta, layer: key.layer, resolution: key.resolution, tile: key.tile)
    }

    /// Decodes and checks a tile: header, length, canonical cell order, no zero cells.
    public static func decode(_ bytes: [UInt8]) throws(TileCodecError) -> DecodedTile {
        guard bytes.count >= headerSize else { throw .truncated(bytes.count) }
        guard Array(bytes[0..<4]) == magic else { throw .badMagic }
        guard bytes[4] == version else { throw .unsupportedVersion(bytes[4]) }
        guard let layer = TileLayer(code: bytes[5]) else { throw .unknownLayer(bytes[5]) }
        guard let resolution = TimeResolution(code: bytes[6]) else { throw .unknownResolution(bytes[6]) }
        guard bytes[7] & ~1 == 0 else { throw .unknownFlags(bytes[7]) }
        let withCounts = bytes[7] & 1 == 1
        let tile = Int64(bitPattern: read(bytes, at: 8, bytes: 8))
        let count = Int(read(bytes, at: 16, bytes: 4))
        guard bytes[20] == UInt8(resolution.priceLevel) else { throw .priceLevelMismatch(bytes[20]) }
        let size = withCounts ? cellSizeWithCounts : cellSizeWithoutCounts
        guard bytes.count == headerSize + count * size else { throw .lengthMismatch(expected: headerSize + count * size, actual: bytes.count) }
        var cells: [CellKey: CellValue] = [:]
        cells.reserveCapacity(count)
        var previous: CellKey?
        var at = headerSize
        for _ in 0..<count {
            let key = CellKey(column: bytes[at], row: Int32(bitPattern: UInt32(read(bytes, at: at + 2, bytes: 4))), tier: bytes[at + 1])
            var value = CellValue(
                longUSD: MicroUSD(micros: Int64(bitPattern: read(bytes, at: at + 6, bytes: 8))),
                shortUSD: MicroUSD(micros: Int64(bitPattern: read(bytes, at: at + 14, bytes: 8))))
            if withCounts {
                value.longCount = UInt32(read(bytes, at: at + 22, bytes: 4))
                value.shortCount = UInt32(read(bytes, at: at + 26, bytes: 4))
            }
            if let previous, !(previous < key) { throw .cellsOutOfOrder }
            guard !value.isZero else { throw .zeroCell }
            cells[key] = value
            previous = key
            at += size
        }
        return DecodedTile(layer: layer, resolution: resolution, tile: tile, cells: TileDelta(cells.map { ($0.key, $0.value) }))
    }

    /// Adds a realized `delta` to a stored tile (nil: the tile does not exist yet) and returns the new bytes.
    public static func apply(_ delta: TileDelta, to stored: [UInt8]?, key: TileKey) throws(TileCodecError) -> [UInt8] {
        guard key.layer == .realized else { throw .notAdditive }
        var cells = try storedCells(stored, key: key)
        cells.merge(delta)
        return encode(cells, key: key)
    }

    /// Replaces one column of a stored projected tile with a snapshot column (an empty column clears it).
    public static func replaceColumn(_ column: ProjectedColumn, in stored: [UInt8]?) throws(TileCodecError) -> [UInt8] {
        try replaceColumns([column], of: column.key, in: stored)
    }

    /// Replaces several columns of one stored projected tile: decoded once, encoded once. Every
    /// column must belong to `key` (else `headerMismatch`).
    public static func replaceColumns(_ columns: [ProjectedColumn], of key: TileKey, in stored: [UInt8]?) throws(TileCodecError) -> [UInt8] {
        guard key.layer == .projected else { throw .notReplaceable }
        guard columns.allSatisfy({ $0.key == key }) else { throw .headerMismatch }
        var cells = try storedCells(stored, key: key)
        cells.replaceColumns(Dictionary(columns.map { ($0.column, $0.cells) }) { _, latest in latest })
        return encode(cells, key: key)
    }

    /// The cell count a tile's header states (bytes 16–19), without decoding its cells.
    public static func cellCount(of bytes: [UInt8]) -> Int { Int(read(bytes, at: 16, bytes: 4)) }

    private static func storedCells(_ stored: [UInt8]?, key: TileKey) throws(TileCodecError) -> TileDelta {
        guard let stored else { return .empty }
        let decoded = try decode(stored)
        guard decoded.layer == key.layer, decoded.resolution == key.resolution, decoded.tile == key.tile else { throw .headerMismatch }
        return decoded.cells
    }

    private static func append(_ value: UInt64, bytes: Int, to out: inout [UInt8]) {
        for i in 0..<bytes { out.append(UInt8(truncatingIfNeeded: value >> (8 * UInt64(i)))) }
    }

    private static func read(_ bytes: [UInt8], at offset: Int, bytes count: Int) -> UInt64 {
        var value: UInt64 = 0
        for i in 0..<count { value |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
        return value
    }
}

/// A decoded tile: its header fields and cells.
public struct DecodedTile: Sendable, Hashable {
    public var layer: TileLayer
    public var resolution: TimeResolution
    public var tile: Int64
    public var cells: TileDelta

    public init(layer: TileLayer, resolution: TimeResolution, tile: Int64, cells: TileDelta) {
        self.layer = layer
        self.resolution = resolution
        self.tile = tile
        self.cells = cells
    }
}

/// Why bytes are not a valid tile.
public enum TileCodecError: Error, Sendable, Hashable {
    case truncated(Int)
    case badMagic
    case unsupportedVersion(UInt8)
    case unknownLayer(UInt8)
    case unknownResolution(UInt8)
    case unknownFlags(UInt8)
    case priceLevelMismatch(UInt8)
    case lengthMismatch(expected: Int, actual: Int)
    case cellsOutOfOrder
    case zeroCell
    case headerMismatch
    /// `apply` adds; projected tiles are replaced column by column instead.
    case notAdditive
    /// `replaceColumn` is for projected tiles only.
    case notReplaceable
}

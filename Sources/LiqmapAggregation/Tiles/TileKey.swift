import LiqmapCore

/// The address of one stored tile: venue, instrument, layer, resolution and tile index
/// (`floor(column / 256)`). One venue's instrument belongs to exactly one shard (`ShardMap`), so
/// every tile row has a single writer; views of an asset add the tiles of its instruments.
public struct TileKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var venue: Venue
    public var instrument: String
    public var layer: TileLayer
    public var resolution: TimeResolution
    public var tile: Int64

    public init(venue: Venue, instrument: String, layer: TileLayer, resolution: TimeResolution, tile: Int64) {
        self.venue = venue
        self.instrument = instrument
        self.layer = layer
        self.resolution = resolution
        self.tile = tile
    }

    /// The base asset of the instrument (`BTC`).
    public var asset: String { InstrumentName.asset(of: instrument) }

    /// Time span `[start, end)` of the tile in Unix ms.
    public var timeSpan: Range<Int64> {
        let first = TimeResolution.column(tile: tile, offset: 0)
        return resolution.start(ofColumn: first)..<resolution.start(ofColumn: first + TimeResolution.columnsPerTile)
    }

    public static func < (a: TileKey, b: TileKey) -> Bool {
        (a.venue.rawValue, a.instrument, a.layer.code, a.resolution.minutes, a.tile)
            < (b.venue.rawValue, b.instrument, b.layer.code, b.resolution.minutes, b.tile)
    }

    public var description: String { "\(venue.rawValue)/\(instrument)/\(layer.rawValue)/\(resolution.rawValue)/\(tile)" }
}

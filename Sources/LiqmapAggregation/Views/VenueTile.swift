import LiqmapCore

/// One decoded stored tile (or one open projected column, which decodes the same way) of a venue's instrument.
public struct VenueTile: Sendable, Hashable {
    public var venue: Venue
    public var instrument: String
    public var tile: DecodedTile

    public init(venue: Venue, instrument: String, tile: DecodedTile) {
        self.venue = venue
        self.instrument = instrument
        self.tile = tile
    }
}

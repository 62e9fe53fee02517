import LiqmapAggregation
import LiqmapCore
import LiqmapPostgres

/// Reads what views are made of from PostgreSQL: stored tiles (closed tiles and, for the projected
/// layer, the open columns in `projected_columns`) and market columns, by asset, resolution and
/// tile range, through the index on `asset` (no row scans beyond the tiles asked for).
public struct ViewReader: Sendable {
    public let pool: PostgresPool

    public init(pool: PostgresPool) { self.pool = pool }

    /// Every tile of `asset` on `layer` and `resolution` whose index is in `tiles`, all venues.
    public func tiles(asset: String, layer: TileLayer, resolution: TimeResolution, tiles: ClosedRange<Int64>) async throws -> [VenueTile] {
        let code = Int(resolution.code)
        var out = try await decode(pool.query("""
            SELECT venue, instrument, data FROM tiles
            WHERE asset = \(asset) AND layer = \(Int(layer.code)) AND resolution = \(code)
              AND tile BETWEEN \(tiles.lowerBound) AND \(tiles.upperBound)
            """))
        if layer == .projected {
            out += try await decode(pool.query("""
                SELECT venue, instrument, data FROM projected_columns
                WHERE asset = \(asset) AND resolution = \(code) AND tile BETWEEN \(tiles.lowerBound) AND \(tiles.upperBound)
                """))
        }
        return out
    }

    /// The latest open projected 1m column of each of `asset`'s instruments in tiles ≥ `sinceTile`
    /// (the current book), falling back to closed tiles for an instrument whose tile just closed.
    public func latestProjected(asset: String, sinceTile: Int64) async throws -> [VenueTile] {
        // One index probe per instrument (the primary key read backwards), not a sort of every staged column.
        let latest = try await decode(pool.query("""
            SELECT k.venue, k.instrument, p.data
            FROM (SELECT DISTINCT venue, instrument FROM projected_columns WHERE asset = \(asset) AND resolution = 1 AND tile >= \(sinceTile)) k
            CROSS JOIN LATERAL (
                SELECT data FROM projected_columns q
                WHERE q.venue = k.venue AND q.instrument = k.instrument AND q.resolution = 1
                ORDER BY q.tile DESC, q.col DESC LIMIT 1) p
            """))
        let closed = try await decode(pool.query("""
            SELECT DISTINCT ON (venue, instrument) venue, instrument, data FROM tiles
            WHERE asset = \(asset) AND layer = 2 AND resolution = 1 AND tile >= \(sinceTile)
            ORDER BY venue, instrument, tile DESC
            """))
        let open = Set(latest.map { InstrumentKey(venue: $0.venue, instrument: $0.instrument) })
        return latest + closed.filter { !open.contains(InstrumentKey(venue: $0.venue, instrument: $0.instrument)) }
    }

    /// The market columns of `asset` at `resolution` in `columns`, all venues.
    public func market(asset: String, resolution: TimeResolution, columns: ClosedRange<Int64>) async throws -> [MarketColumn] {
        let result = try await pool.query("""
            SELECT venue, instrument, col, close, high, low, oi_usd FROM market_columns
            WHERE asset = \(asset) AND resolution = \(Int(resolution.code)) AND col BETWEEN \(columns.lowerBound) AND \(columns.upperBound)
            """)
        return try result.rows.compactMap { row throws -> MarketColumn? in
            guard let venue = Venue(rawValue: try row.decode(String.self, at: 0)) else { return nil }
            return MarketColumn(venue: venue, instrument: try row.decode(String.self, at: 1), resolution: resolution,
                                column: try row.decode(Int64.self, at: 2), close: try row.decode(Double.self, at: 3),
                                high: try row.decode(Double.self, at: 4), low: try row.decode(Double.self, at: 5),
                                openInterestUSD: try row.decodeIfPresent(Double.self, at: 6))
        }
    }

    /// The stored tile rows of one venue's instruments of `asset` (for `/v1/tiles`), each as stored.
    public func storedTiles(asset: String, venue: Venue, layer: TileLayer, resolution: TimeResolution, tile: Int64)
        async throws -> [(instrument: String, data: [UInt8])] {
        let code = Int(resolution.code)
        var rows = try await pool.query("""
            SELECT instrument, data FROM tiles
            WHERE asset = \(asset) AND venue = \(venue.rawValue) AND layer = \(Int(layer.code)) AND resolution = \(code) AND tile = \(tile)
            """).rows.map { (try $0.decode(String.self, at: 0), try $0.decode(PGBytes.self, at: 1).bytes) }
        if layer == .projected {
            rows += try await pool.query("""
                SELECT instrument, data FROM projected_columns
                WHERE asset = \(asset) AND venue = \(venue.rawValue) AND resolution = \(code) AND tile = \(tile) ORDER BY instrument, col
                """).rows.map { (try $0.decode(String.self, at: 0), try $0.decode(PGBytes.self, at: 1).bytes) }
        }
        return rows.map { (instrument: $0.0, data: $0.1) }
    }

    private func decode(_ result: PGResult) throws -> [VenueTile] {
        try result.rows.compactMap { row throws -> VenueTile? in
            guard let venue = Venue(rawValue: try row.decode(String.self, at: 0)) else { return nil }
            let bytes = try row.decode(PGBytes.self, at: 2).bytes
            let tile: DecodedTile
            do {
                tile = try TileCodec.decode(bytes)
            } catch {
                throw PostgresError(.decoding, "a stored tile does not decode: \(error)")
            }
            return VenueTile(venue: venue, instrument: try row.decode(String.self, at: 1), tile: tile)
        }
    }
}

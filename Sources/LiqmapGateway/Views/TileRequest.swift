import LiqmapAggregation
import LiqmapCore

/// The validated path of `GET /v1/tiles/{asset}/{venue}/{layer}/{resolution}/{tile}` (plus
/// `?instrument=` to read one instrument's row instead of the venue's instruments of the asset added up).
public struct TileRequest: Sendable, Hashable {
    public var asset: String
    public var venue: Venue
    public var layer: TileLayer
    public var resolution: TimeResolution
    public var tile: Int64
    public var instrument: String?
    public var binary: Bool

    public static func parse(asset: String?, venue: String?, layer: String?, resolution: String?, tile: String?,
                             instrument: String?, accept: String?) throws(APIError) -> TileRequest {
        let asset = try ViewParameters.asset { $0 == "asset" ? asset : nil }
        guard let venueText = venue, let venue = Venue(rawValue: venueText) else {
            throw .badRequest("venue must be one of \(LiquidationRequest.knownVenues.joined(separator: ", ")), got \(LiquidationRequest.quoted(venue ?? ""))")
        }
        let layer = try ViewParameters.layer { $0 == "layer" ? layer : nil }
        guard let resolutionText = resolution, let r = TimeResolution(rawValue: resolutionText) else {
            throw .badRequest("resolution must be one of \(TimeResolution.allCases.map(\.rawValue).joined(separator: ", ")), got \(LiquidationRequest.quoted(resolution ?? ""))")
        }
        guard let tileText = tile, let index = Int64(tileText), index >= -1_000_000_000, index <= 1_000_000_000 else {
            throw .badRequest("tile must be an integer tile index (floor(column / 256)), got \(LiquidationRequest.quoted(tile ?? ""))")
        }
        if let instrument {
            let ok = (3...40).contains(instrument.utf8.count) && instrument.utf8.allSatisfy { $0 == 45 || (48...57).contains($0) || (65...90).contains($0) }
            // An instrument of another asset is simply not stored under this path (404), not a bad request.
            guard ok else {
                throw .badRequest("instrument must be an instrument name like \(asset)-USDT-PERP (A-Z, 0-9, -), got \(LiquidationRequest.quoted(instrument))")
            }
        }
        let binary = accept?.contains("application/octet-stream") ?? false
        return TileRequest(asset: asset, venue: venue, layer: layer, resolution: r, tile: index, instrument: instrument, binary: binary)
    }

    public var key: TileKey { TileKey(venue: venue, instrument: instrument ?? "\(asset)*", layer: layer, resolution: resolution, tile: tile) }
}

/// The merged tile of a ``TileRequest``: the stored rows decoded and added up (exact), in TileCodec
/// v1 and as JSON.
enum TileBody {
    static func merge(_ rows: [(instrument: String, data: [UInt8])], request: TileRequest) throws -> (bytes: [UInt8], instruments: [String], cells: TileDelta)? {
        let rows = rows.filter { request.instrument == nil || $0.instrument == request.instrument }
        guard !rows.isEmpty else { return nil }
        var cells = TileDelta.empty
        for row in rows { cells.merge(try TileCodec.decode(row.data).cells) }
        return (TileCodec.encode(cells, key: request.key), Array(Set(rows.map(\.instrument))).sorted(), cells)
    }

    static func json(_ request: TileRequest, instruments: [String], cells: TileDelta) -> String {
        let r = request.resolution
        let first = TimeResolution.column(tile: request.tile, offset: 0)
        var out = "{\"asset\":\"\(request.asset)\",\"venue\":\"\(request.venue.rawValue)\",\"layer\":\"\(request.layer.rawValue)\""
        out += ",\"resolution\":\"\(r.rawValue)\",\"tile\":\(request.tile),\"price_level\":\(r.priceLevel),\"column_ms\":\(r.milliseconds)"
        out += ",\"first_column_start_ms\":\(r.start(ofColumn: first)),\"instruments\":[" + instruments.map { "\"\($0)\"" }.joined(separator: ",") + "]"
        out += ",\"cells\":[" + cells.sortedCells.map { key, v in
            "[\(key.column),\(key.row),\(key.tier),\(JSONNumber.usd(v.longUSD.micros)),\(JSONNumber.usd(v.shortUSD.micros)),\(v.longCount),\(v.shortCount)]"
        }.joined(separator: ",") + "]}"
        return out
    }
}

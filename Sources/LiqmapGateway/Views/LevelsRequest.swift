import LiqmapAggregation
import LiqmapCore

/// The validated parameters of `GET /v1/levels`: the asset, venues, side and leverage filters,
/// how far around the last price to look and how many bands to cut that into.
public struct LevelsRequest: Sendable, Hashable {
    public var asset: String
    public var venues: Set<Venue>?
    public var side: ViewSide
    public var tiers: Set<UInt8>?
    /// Bands reach ±`rangePercent` around the last price.
    public var rangePercent: Double
    /// At most this many bands.
    public var maxBands: Int
    /// How many zones to list above and below.
    public var zones: Int

    /// How far back the current book may be: a venue whose latest projected column is older is left out.
    public static let lookbackMs: Int64 = 2 * 3_600_000

    public static func parse(_ parameter: (String) -> String?, model: ModelParameters) throws(APIError) -> LevelsRequest {
        LevelsRequest(
            asset: try ViewParameters.asset(parameter), venues: try ViewParameters.venues(parameter), side: try ViewParameters.side(parameter),
            tiers: try ViewParameters.tiers(parameter, layer: .projected, model: model),
            rangePercent: try ViewParameters.number("range_pct", parameter, in: 0.5...80, default: 15),
            maxBands: try ViewParameters.integer("bands", parameter, in: 10...500, default: 120),
            zones: try ViewParameters.integer("zones", parameter, in: 1...10, default: 3))
    }

    /// A stable text for cache keys.
    public var cacheKey: String {
        let v = venues.map { $0.map(\.rawValue).sorted().joined(separator: ",") } ?? "*"
        let t = tiers.map { $0.sorted().map(String.init).joined(separator: ",") } ?? "*"
        return "levels|\(asset)|\(v)|\(side.rawValue)|\(t)|\(rangePercent)|\(maxBands)|\(zones)"
    }
}

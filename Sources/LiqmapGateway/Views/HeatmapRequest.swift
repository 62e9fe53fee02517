import LiqmapAggregation
import LiqmapCore

/// The validated parameters of `GET /v1/heatmap` (docs/API.md).
public struct HeatmapRequest: Sendable, Hashable {
    public enum Format: String, Sendable, Hashable { case json, csv, png }

    public var asset: String
    public var from: Int64
    public var to: Int64
    /// The standard window name when `window=` was used (then `to` is now).
    public var window: String?
    public var layer: TileLayer
    public var venues: Set<Venue>?
    public var side: ViewSide
    public var tiers: Set<UInt8>?
    public var absoluteScale: Bool
    public var format: Format
    /// An explicit column width, or nil to pick the finest with at most `maxColumns` columns.
    public var resolution: TimeResolution?
    public var maxColumns: Int
    public var maxRows: Int
    public var minPrice: Double?
    public var maxPrice: Double?
    /// Add each venue's own cells (`venue_cells`) to the JSON.
    public var venueBreakdown: Bool
    public var width: Int
    public var height: Int

    /// The most columns and price rows a view may have (the ceiling on range × resolution).
    public static let columnCeiling = 2_000
    public static let rowCeiling = 1_000

    /// Validates the query; `now` (Unix ms) ends `window=` spans.
    public static func parse(_ parameter: (String) -> String?, now: Int64, model: ModelParameters) throws(APIError) -> HeatmapRequest {
        let asset = try ViewParameters.asset(parameter)
        let span = try ViewParameters.span(parameter, now: now)
        let layer = try ViewParameters.layer(parameter)
        let venues = try ViewParameters.venues(parameter)
        let side = try ViewParameters.side(parameter)
        let tiers = try ViewParameters.tiers(parameter, layer: layer, model: model)
        let absolute = try ViewParameters.absoluteScale(parameter)
        let formatText = parameter("format") ?? "json"
        guard let format = Format(rawValue: formatText) else {
            throw .badRequest("format must be json, csv or png, got \(LiquidationRequest.quoted(formatText))")
        }
        var resolution: TimeResolution?
        if let text = parameter("resolution") {
            guard let r = TimeResolution(rawValue: text) else {
                throw .badRequest("resolution must be one of \(TimeResolution.allCases.map(\.rawValue).joined(separator: ", ")), got \(LiquidationRequest.quoted(text))")
            }
            let columns = (span.to - span.from + r.milliseconds - 1) / r.milliseconds
            guard columns <= Int64(columnCeiling) else {
                throw .badRequest("resolution=\(r.rawValue) over this span needs \(columns) columns; at most \(columnCeiling) (choose a coarser resolution or a shorter span)")
            }
            resolution = r
        }
        let maxColumns = try ViewParameters.integer("columns", parameter, in: 10...columnCeiling, default: 500)
        let maxRows = try ViewParameters.integer("rows", parameter, in: 10...rowCeiling, default: 200)
        let minPrice = try ViewParameters.price("min_price", parameter)
        let maxPrice = try ViewParameters.price("max_price", parameter)
        if let minPrice, let maxPrice, minPrice >= maxPrice {
            throw .badRequest("min_price must be below max_price, got \(minPrice) and \(maxPrice)")
        }
        var breakdown = false
        switch parameter("breakdown") {
        case nil, "none": breakdown = false
        case "venue": breakdown = true
        case let other?: throw .badRequest("breakdown must be venue or none, got \(LiquidationRequest.quoted(other))")
        }
        let width = try ViewParameters.integer("width", parameter, in: 200...4000, default: 1200)
        let height = try ViewParameters.integer("height", parameter, in: 150...3000, default: 600)
        return HeatmapRequest(asset: asset, from: span.from, to: span.to, window: span.window, layer: layer, venues: venues, side: side,
                              tiers: tiers, absoluteScale: absolute, format: format, resolution: resolution, maxColumns: maxColumns,
                              maxRows: maxRows, minPrice: minPrice, maxPrice: maxPrice, venueBreakdown: breakdown, width: width, height: height)
    }

    /// The time plan: the chosen resolution and columns.
    public var plan: WindowPlan {
        if let resolution {
            return WindowPlan(from: from, to: to, resolution: resolution)
        }
        return WindowPlan(from: from, to: to, maxColumns: Int64(maxColumns))
    }

    /// The request with `to` (and `from`, for windows) moved to the end of its last column, so every
    /// request inside one column shares a cache entry and an answer.
    public func aligned() -> HeatmapRequest {
        guard window != nil else { return self }
        var copy = self
        let r = plan.resolution
        let end = r.start(ofColumn: r.column(ts: to - 1) + 1)
        copy.from += end - to
        copy.to = end
        return copy
    }
}

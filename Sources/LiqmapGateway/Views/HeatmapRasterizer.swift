import LiqmapAggregation
import LiqmapCore

/// Turns a ``HeatmapView`` into the renderer's ``HeatmapRaster``: intensities through the view's
/// colour scale (the same function the JSON's `scale` describes), axes and legend text.
enum HeatmapRasterizer {
    static func raster(_ view: HeatmapView, request: HeatmapRequest, model: ModelParameters) -> HeatmapRaster {
        let plan = view.query.plan
        let columns = Int(plan.columnCount)
        let venues = request.venues.map { $0.map(\.rawValue).sorted().joined(separator: ",") } ?? "all venues"
        let span = request.window ?? "\(UTCText.dateTime(request.from))–\(UTCText.dateTime(request.to))"
        let title = "\(request.asset) · \(request.layer.rawValue) · \(request.side.rawValue) · \(venues) · \(span) · \(plan.resolution.rawValue) · \(view.scale.name)"
        let bounds = view.scale.bounds
        let legendLow = view.scale == .absolute ? "$" + USDText.short(bounds.low) : "$0"
        guard let grid = view.grid else {
            return HeatmapRaster(columns: columns, rows: 1, intensity: Array(repeating: 0, count: columns), timeStartMs: plan.resolution.start(ofColumn: plan.firstColumn),
                                 columnMs: plan.resolution.milliseconds, priceLow: 1, priceHigh: 2, lastPrice: view.lastPrice,
                                 title: title + " · no data", legendLow: legendLow, legendHigh: "$" + USDText.short(bounds.high))
        }
        let spec = grid.spec
        let intensity = view.cells.map { view.scale.intensity(usd: Double($0) / 1e6) }
        return HeatmapRaster(columns: columns, rows: spec.rowCount, intensity: intensity, timeStartMs: spec.columnStart(0),
                             columnMs: plan.resolution.milliseconds, priceLow: spec.band(0).low, priceHigh: spec.band(spec.rowCount - 1).high,
                             lastPrice: view.lastPrice, title: title, legendLow: legendLow, legendHigh: "$" + USDText.short(bounds.high))
    }
}

/// Short USD text for labels: 950, 12.5k, 3.2M, 1.1B.
enum USDText {
    static func short(_ usd: Double) -> String {
        let units: [(Double, String)] = [(1e9, "B"), (1e6, "M"), (1e3, "k")]
        for (size, suffix) in units where usd >= size {
            return trimmed(usd / size) + suffix
        }
        return trimmed(usd)
    }

    static func trimmed(_ x: Double) -> String {
        let scaled = (x * 10).rounded() / 10
        return scaled == scaled.rounded() ? String(Int(scaled)) : String(scaled)
    }
}

/// UTC date-times for labels, `2026-12-01 13:05` (the renderer's `UTCTime` calendar fields).
enum UTCText {
    static func dateTime(_ ms: Int64) -> String {
        let t = UTCTime(ms)
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(t.year)-\(two(t.month))-\(two(t.day)) \(two(t.hour)):\(two(t.minute))"
    }
}

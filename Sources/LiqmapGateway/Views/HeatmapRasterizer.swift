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

/// UTC date-times for labels, `2026-12-01 13:05` (pure civil-from-days arithmetic).
enum UTCText {
    static func dateTime(_ ms: Int64) -> String {
        let seconds = ms >= 0 ? ms / 1000 : (ms - 999) / 1000
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(y)-\(two(m))-\(two(d)) \(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60))"
    }
}

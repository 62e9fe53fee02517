import LiqmapAggregation
import LiqmapCore

/// The JSON body of `/v1/heatmap` (shape in docs/API.md and Protocols/openapi.json).
enum HeatmapJSON {
    static func render(_ view: HeatmapView, request: HeatmapRequest, model: ModelParameters) -> String {
        let plan = view.query.plan
        var out = "{\"asset\":\(JSONText.string(request.asset)),\"layer\":\"\(request.layer.rawValue)\",\"side\":\"\(request.side.rawValue)\""
        out += ",\"from\":\(request.from),\"to\":\(request.to),\"resolution\":\"\(plan.resolution.rawValue)\",\"column_ms\":\(plan.resolution.milliseconds)"
        let bounds = view.scale.bounds
        out += ",\"scale\":{\"kind\":\"\(view.scale.name)\",\"mapping\":\"\(view.scale == .absolute ? "log10" : "linear")\""
        out += ",\"min_usd\":\(JSONNumber.double(bounds.low)),\"max_usd\":\(JSONNumber.double(bounds.high))}"
        let tiers = (1...model.leverageTiers.count).filter { request.tiers?.contains(UInt8($0)) ?? true }
        out += ",\"leverage\":" + (request.layer == .realized ? "null" : "[" + tiers.map { ViewParameters.leverageName(model.leverageTiers[$0 - 1].leverage) }.joined(separator: ",") + "]")
        out += ",\"venues\":[" + view.venues.map { "\"\($0.rawValue)\"" }.joined(separator: ",") + "]"
        out += ",\"open_interest_usd\":{" + view.openInterest.keys.sorted { $0.rawValue < $1.rawValue }.map {
            "\"\($0.rawValue)\":\(JSONNumber.double(view.openInterest[$0]!.rounded()))"
        }.joined(separator: ",") + "}"
        out += ",\"columns\":[" + (0..<Int(plan.columnCount)).map { String(plan.resolution.start(ofColumn: plan.firstColumn + Int64($0))) }.joined(separator: ",") + "]"
        out += ",\"last_price\":[" + view.lastPrice.map(JSONNumber.optional).joined(separator: ",") + "]"
        guard let grid = view.grid else {
            out += ",\"price_level\":null,\"price_low\":[],\"price_high\":[],\"cells\":[],\"rows\":[]"
            if request.venueBreakdown { out += ",\"venue_cells\":{}" }
            return out + "}"
        }
        let spec = grid.spec
        let bands = (0..<spec.rowCount).map { spec.band($0) }
        out += ",\"price_level\":\(spec.level)"
        out += ",\"price_low\":[" + bands.map { JSONNumber.double($0.low) }.joined(separator: ",") + "]"
        out += ",\"price_high\":[" + bands.map { JSONNumber.double($0.high) }.joined(separator: ",") + "]"
        out += ",\"cells\":"
        appendCells(view.cells, columns: spec.columnCount, to: &out)
        if request.venueBreakdown {
            out += ",\"venue_cells\":{"
            for (i, venue) in grid.venues.enumerated() {
                if i > 0 { out += "," }
                out += "\"\(venue.rawValue)\":"
                appendCells(grid.cells[venue]!, columns: spec.columnCount, to: &out)
            }
            out += "}"
        }
        out += ",\"rows\":["
        let totals = Dictionary(uniqueKeysWithValues: grid.venues.map { v in (v, grid.rowTotals(v).reduce(0, +)) })
        for row in 0..<spec.rowCount {
            if row > 0 { out += "," }
            var long: Int64 = 0, short: Int64 = 0
            var byVenue = ""
            for venue in grid.venues {
                let l = grid.rowLong[venue]![row], s = grid.rowShort[venue]![row]
                long += l
                short += s
                guard l != 0 || s != 0 else { continue }
                let share = totals[venue]! > 0 ? Double(l + s) / Double(totals[venue]!) : 0
                if !byVenue.isEmpty { byVenue += "," }
                byVenue += "\"\(venue.rawValue)\":{\"long_usd\":\(JSONNumber.usd(l)),\"short_usd\":\(JSONNumber.usd(s)),\"share\":\(JSONNumber.ratio(share))}"
            }
            let c = view.consensus.isEmpty ? nil : view.consensus[row]
            out += "{\"long_usd\":\(JSONNumber.usd(long)),\"short_usd\":\(JSONNumber.usd(short)),\"by_venue\":{\(byVenue)}"
            out += ",\"consensus\":\(JSONNumber.ratio(c?.score ?? 0)),\"label\":\"\(c?.label.rawValue ?? "none")\"}"
        }
        return out + "]}"
    }

    /// `[[column, row, usd], …]` for the non-zero cells, column-major order (time, then price).
    static func appendCells(_ cells: [Int64], columns: Int, to out: inout String) {
        out += "["
        var first = true
        let rows = columns > 0 ? cells.count / columns : 0
        for column in 0..<columns {
            for row in 0..<rows {
                let micros = cells[row * columns + column]
                guard micros != 0 else { continue }
                if !first { out += "," }
                first = false
                out += "[\(column),\(row),\(JSONNumber.usd(micros))]"
            }
        }
        out += "]"
    }
}

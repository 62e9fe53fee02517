import LiqmapAggregation

/// The `column` object of a live message: the newest column with data in the view, as
/// `{"column_start_ms","column_ms","price_level","price_low":[…],"price_high":[…],"cells":[[row,usd],…],"last_price"}`
/// (`null` fields when the view has no data yet).
enum LiveColumnJSON {
    static func render(_ view: HeatmapView, lastPrice: Double?) -> String {
        guard let grid = view.grid, let column = grid.latestColumn.values.max() else {
            return "{\"column_start_ms\":null,\"column_ms\":60000,\"price_level\":null,\"price_low\":[],\"price_high\":[],\"cells\":[],\"last_price\":\(JSONNumber.optional(lastPrice))}"
        }
        let spec = grid.spec
        let bands = (0..<spec.rowCount).map { spec.band($0) }
        var cells: [String] = []
        for row in 0..<spec.rowCount {
            let micros = view.cells[row * spec.columnCount + column]
            if micros != 0 { cells.append("[\(row),\(JSONNumber.usd(micros))]") }
        }
        return "{\"column_start_ms\":\(spec.columnStart(column)),\"column_ms\":\(spec.resolution.milliseconds),\"price_level\":\(spec.level)"
            + ",\"price_low\":[" + bands.map { JSONNumber.double($0.low) }.joined(separator: ",") + "]"
            + ",\"price_high\":[" + bands.map { JSONNumber.double($0.high) }.joined(separator: ",") + "]"
            + ",\"cells\":[" + cells.joined(separator: ",") + "],\"last_price\":\(JSONNumber.optional(lastPrice))}"
    }
}

import LiqmapAggregation

/// The CSV form of `/v1/heatmap`: one line per non-zero cell,
/// `column_start_ms,price_low,price_high,usd,last_price`, header first (RFC 4180, no quoting needed).
enum HeatmapCSV {
    static func render(_ view: HeatmapView) -> String {
        var out = "column_start_ms,price_low,price_high,usd,last_price\r\n"
        guard let grid = view.grid else { return out }
        let spec = grid.spec
        let bands = (0..<spec.rowCount).map { spec.band($0) }
        for column in 0..<spec.columnCount {
            let start = spec.columnStart(column)
            let price = view.lastPrice[column].map(JSONNumber.double) ?? ""
            for row in 0..<spec.rowCount {
                let micros = view.cells[row * spec.columnCount + column]
                guard micros != 0 else { continue }
                out += "\(start),\(JSONNumber.double(bands[row].low)),\(JSONNumber.double(bands[row].high)),\(JSONNumber.usd(micros)),\(price)\r\n"
            }
        }
        return out
    }
}

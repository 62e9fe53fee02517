/// What the PNG renderer draws: a dense grid of intensities with its axes (pure data).
public struct HeatmapRaster: Sendable, Equatable {
    /// Time columns, at least 1.
    public var columns: Int
    /// Price rows, at least 1.
    public var rows: Int
    /// Row-major, `intensity[row * columns + column]`; row 0 is the lowest price band. Values in [0, 1]:
    /// NaN and negatives draw as 0, above 1 as 1, missing entries as 0.
    public var intensity: [Float]
    /// Start of column 0, Unix milliseconds (UTC).
    public var timeStartMs: Int64
    /// Width of one column in milliseconds.
    public var columnMs: Int64
    /// Bottom edge of row 0.
    public var priceLow: Double
    /// Top edge of the last row; rows are log-spaced equally between `priceLow` and `priceHigh`.
    public var priceHigh: Double
    /// One entry per column: the column's last price (nil = unknown), drawn as a line with gaps.
    public var lastPrice: [Double?]
    /// The line above the plot, e.g. "BTC · projected · all venues · 24h · absolute".
    public var title: String
    /// Text at the dark end of the colour legend, e.g. "$0".
    public var legendLow: String
    /// Text at the bright end of the colour legend, e.g. "$12.5M".
    public var legendHigh: String

    public init(
        columns: Int, rows: Int, intensity: [Float], timeStartMs: Int64, columnMs: Int64, priceLow: Double,
        priceHigh: Double, lastPrice: [Double?], title: String, legendLow: String, legendHigh: String
    ) {
        self.columns = columns
        self.rows = rows
        self.intensity = intensity
        self.timeStartMs = timeStartMs
        self.columnMs = columnMs
        self.priceLow = priceLow
        self.priceHigh = priceHigh
        self.lastPrice = lastPrice
        self.title = title
        self.legendLow = legendLow
        self.legendHigh = legendHigh
    }

    /// Whether the price axis can be drawn (finite, positive, increasing edges).
    var hasPriceAxis: Bool {
        priceLow.isFinite && priceHigh.isFinite && priceLow > 0 && priceHigh > priceLow
    }

    /// The time just after the last column, Unix milliseconds.
    var timeEndMs: Int64 {
        let (span, overflow) = Int64(max(columns, 0)).multipliedReportingOverflow(by: max(columnMs, 0))
        let (end, overflow2) = timeStartMs.addingReportingOverflow(span)
        return overflow || overflow2 ? timeStartMs : end
    }
}

/// Where a rendered heatmap puts things: the text scale, the plot rectangle, the axis ticks, the legend.
public struct HeatmapLayout: Sendable, Equatable {
    public var width: Int
    public var height: Int
    /// Size in pixels of one font pixel.
    public var scale: Int
    public var plotX: Int
    public var plotY: Int
    public var plotWidth: Int
    public var plotHeight: Int
    public var priceTicks: [HeatmapTicks.PriceTick]
    public var timeTicks: [HeatmapTicks.TimeTick]
    /// The colour legend bar (left, top, width, height).
    public var legendX: Int
    public var legendY: Int
    public var legendWidth: Int
    public var legendHeight: Int

    private var priceLow: Double
    private var logPriceSpan: Double
    private var timeStartMs: Int64
    private var timeSpanMs: Int64

    /// Padding around the edges, in font pixels.
    static let padding = 5
    /// Length of an axis tick mark, in font pixels.
    static let tickLength = 3
    /// The time axis' unit, written at its left end.
    static let timeUnit = "UTC"

    public init(raster: HeatmapRaster, width: Int, height: Int) {
        self.width = min(max(1, width), HeatmapPNG.maximumSide)
        self.height = min(max(1, height), HeatmapPNG.maximumSide)
        let s = max(1, Int((Double(min(self.width, 2 * self.height)) / 520).rounded()))
        scale = s
        let pad = Self.padding * s
        let charHeight = BitmapFont.glyphHeight * s
        let tick = Self.tickLength * s

        plotY = 2 * pad + charHeight + 2 * s
        let plotBottom = self.height - (pad + charHeight + tick + 2 * s)
        plotHeight = max(1, plotBottom - plotY)

        priceLow = raster.priceLow
        logPriceSpan = raster.hasPriceAxis ? LogMath.ln(raster.priceHigh / raster.priceLow) : 0
        let priceCount = min(8, max(2, plotHeight / (charHeight * 5)))
        // Ticks stay half a label clear of the plot's top and bottom, where labels would collide.
        let inset = Double(charHeight) * 0.75 / Double(plotHeight)
        let logSpan = logPriceSpan
        let innerLow = inset < 0.25 ? raster.priceLow * LogMath.exp(logSpan * inset) : raster.priceLow
        let innerHigh = inset < 0.25 ? raster.priceLow * LogMath.exp(logSpan * (1 - inset)) : raster.priceHigh
        priceTicks = raster.hasPriceAxis ? HeatmapTicks.prices(low: innerLow, high: innerHigh, count: priceCount) : []
        let labelWidth = priceTicks.map { Canvas.textWidth($0.label, scale: s) }.max() ?? 0
        // Room at the bottom left for "UTC" before a first time label centred on the plot's edge.
        let unitRoom = Canvas.textWidth(Self.timeUnit, scale: s) + 2 * BitmapFont.advance * s
            + Canvas.textWidth("00:00", scale: s) / 2
        plotX = min(self.width - 1, pad + max(labelWidth + 2 * s + tick, unitRoom))
        plotWidth = max(1, self.width - plotX - 2 * pad)

        timeStartMs = raster.timeStartMs
        timeSpanMs = raster.timeEndMs - raster.timeStartMs
        // Each label gets its width plus four characters; try the short label form, then the long one.
        let plotWidth = plotWidth
        func ticks(_ sample: String) -> [HeatmapTicks.TimeTick] {
            let room = Canvas.textWidth(sample, scale: s) + 4 * BitmapFont.advance * s
            let count = min(7, max(2, plotWidth / room))
            return HeatmapTicks.times(startMs: raster.timeStartMs, endMs: raster.timeEndMs, maxCount: count)
        }
        timeTicks = ticks("00:00")
        if let label = timeTicks.first?.label, label.count > 5 { timeTicks = ticks(label) }

        legendHeight = charHeight
        legendY = pad
        legendWidth = max(8, min(plotWidth / 4, 90 * s))
        let highWidth = Canvas.textWidth(raster.legendHigh, scale: s)
        legendX = plotX + plotWidth - highWidth - 3 * s - legendWidth
    }

    /// The pixel row (fractional, top edge 0) of `price` on the log axis; nil if the axis is unusable.
    public func y(price: Double) -> Double? {
        guard logPriceSpan > 0, price > 0, price.isFinite else { return nil }
        let fraction = LogMath.ln(price / priceLow) / logPriceSpan
        return Double(plotY) + Double(plotHeight) * (1 - fraction)
    }

    /// The pixel column (fractional, left edge 0) of a Unix-millisecond instant.
    public func x(ms: Int64) -> Double {
        guard timeSpanMs > 0 else { return Double(plotX) }
        return Double(plotX) + Double(plotWidth) * Double(ms - timeStartMs) / Double(timeSpanMs)
    }
}

/// Draws the last price as a white line with a dark edge through the column centres, broken where
/// a column's price is unknown, clipped to the plot.
enum PriceLinePainter {
    static func paint(_ raster: HeatmapRaster, _ layout: HeatmapLayout, on canvas: inout Canvas) {
        let count = min(max(raster.columns, 0), raster.lastPrice.count)
        guard count > 0 else { return }
        let columnWidth = Double(layout.plotWidth) / Double(raster.columns)
        let points: [(x: Double, y: Double)?] = (0..<count).map { c in
            guard let price = raster.lastPrice[c], let y = layout.y(price: price) else { return nil }
            return (Double(layout.plotX) + (Double(c) + 0.5) * columnWidth, y)
        }
        let clip = (x: layout.plotX, y: layout.plotY, width: layout.plotWidth, height: layout.plotHeight)
        let core = max(2, layout.scale)
        for (thickness, colour) in [(core + 2, HeatmapPalette.priceLineEdge), (core, HeatmapPalette.priceLine)] {
            for c in 0..<count {
                guard let p = points[c] else { continue }
                if c + 1 < count, let q = points[c + 1] {
                    segment(p, q, thickness, colour, clip, on: &canvas)
                } else if c == 0 || points[c - 1] == nil {  // a lone known column: a short level mark
                    let half = max(columnWidth / 2, Double(thickness))
                    segment((p.x - half, p.y), (p.x + half, p.y), thickness, colour, clip, on: &canvas)
                }
            }
        }
    }

    /// Draws the part of p–q inside the clip (with a margin for the pen).
    private static func segment(
        _ p: (x: Double, y: Double), _ q: (x: Double, y: Double), _ thickness: Int, _ colour: RGB,
        _ clip: (x: Int, y: Int, width: Int, height: Int), on canvas: inout Canvas
    ) {
        let margin = Double(thickness)
        let box = (
            minX: Double(clip.x) - margin, minY: Double(clip.y) - margin,
            maxX: Double(clip.x + clip.width) + margin, maxY: Double(clip.y + clip.height) + margin
        )
        guard let (a, b) = clipped(p, q, to: box) else { return }
        let start = (x: Int(a.x.rounded(.down)), y: Int(a.y.rounded(.down)))
        let end = (x: Int(b.x.rounded(.down)), y: Int(b.y.rounded(.down)))
        canvas.line(from: start, to: end, thickness: thickness, colour, clip: clip)
    }

    /// Liang–Barsky: the part of segment p–q inside the box, or nil.
    static func clipped(
        _ p: (x: Double, y: Double), _ q: (x: Double, y: Double),
        to box: (minX: Double, minY: Double, maxX: Double, maxY: Double)
    ) -> ((x: Double, y: Double), (x: Double, y: Double))? {
        let dx = q.x - p.x
        let dy = q.y - p.y
        var t0 = 0.0
        var t1 = 1.0
        for (denominator, numerator) in [
            (-dx, p.x - box.minX), (dx, box.maxX - p.x), (-dy, p.y - box.minY), (dy, box.maxY - p.y),
        ] {
            if denominator == 0 {
                if numerator < 0 { return nil }
            } else {
                let t = numerator / denominator
                if denominator < 0 { t0 = max(t0, t) } else { t1 = min(t1, t) }
                if t0 > t1 { return nil }
            }
        }
        return ((p.x + t0 * dx, p.y + t0 * dy), (p.x + t1 * dx, p.y + t1 * dy))
    }
}

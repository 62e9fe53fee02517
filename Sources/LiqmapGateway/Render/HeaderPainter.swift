/// Draws the title (cut short with ".." if it would run into the legend) and the colour legend:
/// low label, viridis gradient bar, high label.
enum HeaderPainter {
    static func paint(_ raster: HeatmapRaster, _ layout: HeatmapLayout, on canvas: inout Canvas) {
        let s = layout.scale
        let barX = layout.legendX
        let barY = layout.legendY
        let barWidth = layout.legendWidth
        let barHeight = layout.legendHeight
        for i in 0..<barWidth {
            let entry = barWidth == 1 ? 255 : i * 255 / (barWidth - 1)
            canvas.fill(x: barX + i, y: barY, width: 1, height: barHeight, Viridis.colour(entry))
        }
        canvas.text(raster.legendHigh, x: barX + barWidth + 3 * s, y: barY, scale: s, HeatmapPalette.label)
        let lowWidth = Canvas.textWidth(raster.legendLow, scale: s)
        let lowX = barX - 3 * s - lowWidth
        canvas.text(raster.legendLow, x: lowX, y: barY, scale: s, HeatmapPalette.label)

        let titleX = layout.plotX
        let room = lowX - 4 * BitmapFont.advance * s - titleX
        canvas.text(fitted(raster.title, width: room, scale: s), x: titleX, y: barY, scale: s, HeatmapPalette.title)
    }

    /// `text`, or as much of it as fits in `width` pixels followed by "..".
    static func fitted(_ text: String, width: Int, scale: Int) -> String {
        if Canvas.textWidth(text, scale: scale) <= width { return text }
        var scalars = Array(text.unicodeScalars)
        while !scalars.isEmpty {
            scalars.removeLast()
            var candidate = String(String.UnicodeScalarView(scalars))
            while candidate.last == " " { candidate.removeLast() }
            candidate += ".."
            if Canvas.textWidth(candidate, scale: scale) <= width { return candidate }
        }
        return ""
    }
}

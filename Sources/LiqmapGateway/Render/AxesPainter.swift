/// Draws the plot frame, the price labels on the left, the UTC time labels below.
enum AxesPainter {
    static func paint(_ layout: HeatmapLayout, on canvas: inout Canvas) {
        let s = layout.scale
        let tick = HeatmapLayout.tickLength * s
        let charHeight = BitmapFont.glyphHeight * s
        let (left, top) = (layout.plotX, layout.plotY)
        let (right, bottom) = (layout.plotX + layout.plotWidth, layout.plotY + layout.plotHeight)

        // A one-pixel frame just outside the plot.
        canvas.fill(x: left - 1, y: top - 1, width: layout.plotWidth + 2, height: 1, HeatmapPalette.frame)
        canvas.fill(x: left - 1, y: bottom, width: layout.plotWidth + 2, height: 1, HeatmapPalette.frame)
        canvas.fill(x: left - 1, y: top, width: 1, height: layout.plotHeight, HeatmapPalette.frame)
        canvas.fill(x: right, y: top, width: 1, height: layout.plotHeight, HeatmapPalette.frame)

        for tickMark in layout.priceTicks {
            guard let y = layout.y(price: tickMark.price) else { continue }
            let row = min(bottom - 1, Int(y.rounded(.down)))
            canvas.fill(x: left - 1 - tick, y: row, width: tick, height: max(1, s / 2), HeatmapPalette.tick)
            let textWidth = Canvas.textWidth(tickMark.label, scale: s)
            let textY = min(max(row - charHeight / 2, 0), canvas.height - charHeight)
            canvas.text(tickMark.label, x: left - 1 - tick - s - textWidth, y: textY, scale: s, HeatmapPalette.label)
        }

        let labelY = bottom + 1 + tick + s
        let unitX = HeatmapLayout.padding * s
        var occupied = unitX + Canvas.textWidth(HeatmapLayout.timeUnit, scale: s) + 2 * BitmapFont.advance * s
        var firstLabel = true
        var unitFits = true
        for tickMark in layout.timeTicks {
            let x = min(right - 1, Int(layout.x(ms: tickMark.ms).rounded(.down)))
            canvas.fill(x: x, y: bottom + 1, width: max(1, s / 2), height: tick, HeatmapPalette.tick)
            let textWidth = Canvas.textWidth(tickMark.label, scale: s)
            let textX = min(max(x - textWidth / 2, 0), canvas.width - s - textWidth)
            if firstLabel, textX < occupied {  // no room for the unit: the label wins
                unitFits = false
                occupied = 0
            }
            firstLabel = false
            guard textX >= occupied else { continue }
            canvas.text(tickMark.label, x: textX, y: labelY, scale: s, HeatmapPalette.label)
            occupied = textX + textWidth + 2 * BitmapFont.advance * s
        }
        if unitFits {
            canvas.text(HeatmapLayout.timeUnit, x: unitX, y: labelY, scale: s, HeatmapPalette.tick)
        }
    }
}

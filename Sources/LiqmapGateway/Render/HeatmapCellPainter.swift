/// Paints the intensity grid into the plot rectangle: blocks when cells are larger than pixels, the
/// maximum of the covered cells when they are smaller (a one-cell hot level stays visible).
enum HeatmapCellPainter {
    static func paint(_ raster: HeatmapRaster, _ layout: HeatmapLayout, on canvas: inout Canvas) {
        let columns = max(0, raster.columns)
        let rows = max(0, raster.rows)
        let x0 = max(0, layout.plotX)
        let x1 = min(canvas.width, layout.plotX + layout.plotWidth)
        guard x0 < x1 else { return }
        guard columns > 0, rows > 0 else {
            canvas.fill(x: layout.plotX, y: layout.plotY, width: layout.plotWidth, height: layout.plotHeight, Viridis.colour(0))
            return
        }
        let xs = CellSpans.spans(cells: columns, pixels: layout.plotWidth)
        let ys = CellSpans.spans(cells: rows, pixels: layout.plotHeight)  // top pixel = highest row
        var bandMax = [Float](repeating: 0, count: columns)
        var line = [UInt8](repeating: 0, count: layout.plotWidth * 3)
        var previous = (first: -1, last: -1)
        let width = canvas.width
        let height = canvas.height
        raster.intensity.withUnsafeBufferPointer { grid in
            canvas.pixels.withUnsafeMutableBufferPointer { out in
                for py in 0..<layout.plotHeight {
                    let y = layout.plotY + py
                    guard y >= 0, y < height else { continue }
                    let span = (first: ys.first[py], last: ys.last[py])
                    if span != previous {
                        previous = span
                        band(grid, rows: rows, columns: columns, fromTop: span.first, span.last, into: &bandMax)
                        colour(bandMax, xs, into: &line)
                    }
                    var target = (y * width + x0) * 3
                    var source = (x0 - layout.plotX) * 3
                    for _ in x0..<x1 {
                        out[target] = line[source]
                        out[target + 1] = line[source + 1]
                        out[target + 2] = line[source + 2]
                        target += 3
                        source += 3
                    }
                }
            }
        }
    }

    /// Per column, the largest clamped intensity among rows `top...bottom` counted from the top.
    private static func band(
        _ grid: UnsafeBufferPointer<Float>, rows: Int, columns: Int, fromTop top: Int, _ bottom: Int,
        into bandMax: inout [Float]
    ) {
        for c in 0..<columns { bandMax[c] = 0 }
        guard top <= bottom else { return }
        for t in top...bottom {
            let base = (rows - 1 - t) * columns
            for c in 0..<columns {
                let i = base + c
                let v = i < grid.count ? grid[i] : 0
                if v > bandMax[c] { bandMax[c] = v }  // NaN and negatives never win: they stay 0
            }
        }
    }

    /// The viridis colour of each pixel of one plot line from the band maxima.
    private static func colour(_ bandMax: [Float], _ xs: (first: [Int], last: [Int]), into line: inout [UInt8]) {
        for px in 0..<xs.first.count {
            var m: Float = 0
            var c = xs.first[px]
            while c <= xs.last[px] {
                if bandMax[c] > m { m = bandMax[c] }
                c += 1
            }
            let entry = Viridis.index(m) * 3
            line[px * 3] = Viridis.table[entry]
            line[px * 3 + 1] = Viridis.table[entry + 1]
            line[px * 3 + 2] = Viridis.table[entry + 2]
        }
    }
}

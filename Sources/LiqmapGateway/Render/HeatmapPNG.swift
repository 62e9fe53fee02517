/// Renders a ``HeatmapRaster`` as a PNG image (pure: bytes out, no I/O).
public enum HeatmapPNG {
    /// The largest width or height rendered; larger requests are clamped (and sizes below 1 become 1).
    public static let maximumSide = 8192

    /// The PNG file (8-bit RGB) of the heatmap at `width` × `height` pixels: title and colour legend
    /// on top, log price axis on the left, UTC time axis below, viridis cells, the last price as a line.
    public static func render(_ raster: HeatmapRaster, width: Int = 1200, height: Int = 600) -> [UInt8] {
        let canvas = draw(raster, width: width, height: height)
        return PNGEncoder.encode(width: canvas.width, height: canvas.height, rgb: canvas.pixels)
    }

    /// The picture as pixels, before encoding.
    static func draw(_ raster: HeatmapRaster, width: Int, height: Int) -> Canvas {
        let layout = HeatmapLayout(raster: raster, width: width, height: height)
        var canvas = Canvas(width: layout.width, height: layout.height, background: HeatmapPalette.background)
        HeatmapCellPainter.paint(raster, layout, on: &canvas)
        PriceLinePainter.paint(raster, layout, on: &canvas)
        AxesPainter.paint(layout, on: &canvas)
        HeaderPainter.paint(raster, layout, on: &canvas)
        return canvas
    }
}

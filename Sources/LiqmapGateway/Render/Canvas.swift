/// An RGB pixel buffer (row-major r, g, b bytes) with clipped rectangle, line and text drawing.
struct Canvas {
    let width: Int
    let height: Int
    var pixels: [UInt8]

    init(width: Int, height: Int, background: RGB) {
        self.width = max(1, width)
        self.height = max(1, height)
        pixels = [UInt8](repeating: 0, count: self.width * self.height * 3)
        fill(x: 0, y: 0, width: self.width, height: self.height, background)
    }

    /// The colour at (x, y); (x, y) must be inside.
    func pixel(x: Int, y: Int) -> RGB {
        let i = (y * width + x) * 3
        return RGB(pixels[i], pixels[i + 1], pixels[i + 2])
    }

    /// Paints the rectangle, clipped to the canvas.
    mutating func fill(x: Int, y: Int, width w: Int, height h: Int, _ colour: RGB) {
        let x0 = max(0, x)
        let y0 = max(0, y)
        let x1 = min(width, x + w)
        let y1 = min(height, y + h)
        guard x0 < x1, y0 < y1 else { return }
        let stride = width
        pixels.withUnsafeMutableBufferPointer { buffer in
            for row in y0..<y1 {
                var i = (row * stride + x0) * 3
                for _ in x0..<x1 {
                    buffer[i] = colour.r
                    buffer[i + 1] = colour.g
                    buffer[i + 2] = colour.b
                    i += 3
                }
            }
        }
    }

    /// A straight line from (x0, y0) to (x1, y1), `thickness` pixels wide (a square pen), only where
    /// it falls inside `clip` (x, y, width, height).
    mutating func line(
        from start: (x: Int, y: Int), to end: (x: Int, y: Int), thickness: Int, _ colour: RGB,
        clip: (x: Int, y: Int, width: Int, height: Int)
    ) {
        let dx = abs(end.x - start.x)
        let dy = -abs(end.y - start.y)
        let sx = start.x < end.x ? 1 : -1
        let sy = start.y < end.y ? 1 : -1
        var error = dx + dy
        var x = start.x
        var y = start.y
        let offset = (thickness - 1) / 2
        while true {
            let px = max(x - offset, clip.x)
            let py = max(y - offset, clip.y)
            let qx = min(x - offset + thickness, clip.x + clip.width)
            let qy = min(y - offset + thickness, clip.y + clip.height)
            if px < qx, py < qy { fill(x: px, y: py, width: qx - px, height: qy - py, colour) }
            if x == end.x, y == end.y { break }
            let doubled = 2 * error
            if doubled >= dy {
                error += dy
                x += sx
            }
            if doubled <= dx {
                error += dx
                y += sy
            }
        }
    }

    /// Draws `text` with its top-left corner at (x, y), each font pixel `scale` × `scale`.
    mutating func text(_ text: String, x: Int, y: Int, scale: Int, _ colour: RGB) {
        var left = x
        for scalar in text.unicodeScalars {
            let glyph = BitmapFont.glyph(scalar)
            for (column, bits) in glyph.enumerated() where bits != 0 {
                for row in 0..<BitmapFont.glyphHeight where bits & (1 << row) != 0 {
                    fill(x: left + column * scale, y: y + row * scale, width: scale, height: scale, colour)
                }
            }
            left += BitmapFont.advance * scale
        }
    }

    /// Width in pixels of `text` at `scale`.
    static func textWidth(_ text: String, scale: Int) -> Int {
        BitmapFont.width(text) * scale
    }
}

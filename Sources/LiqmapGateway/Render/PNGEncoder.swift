/// Encodes 8-bit RGB pixels as a PNG file (signature, IHDR, one IDAT, IEND); pure, no I/O.
public enum PNGEncoder {
    /// The PNG file for `width` × `height` pixels given row-major as r, g, b bytes
    /// (`rgb.count == width * height * 3`; missing bytes read as 0). Width and height are at least 1.
    public static func encode(width: Int, height: Int, rgb: [UInt8]) -> [UInt8] {
        let width = max(1, width)
        let height = max(1, height)
        var header: [UInt8] = []
        header += bigEndian(UInt32(width))
        header += bigEndian(UInt32(height))
        header += [8, 2, 0, 0, 0]  // bit depth 8, colour type 2 (RGB), deflate, adaptive filters, no interlace
        let filtered = filterRows(width: width, height: height, rgb: rgb)
        var file: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        appendChunk("IHDR", header, to: &file)
        appendChunk("IDAT", zlib(filtered), to: &file)
        appendChunk("IEND", [], to: &file)
        return file
    }

    /// A zlib stream (RFC 1950) of `data`: header, DEFLATE data, Adler-32 trailer.
    public static func zlib(_ data: [UInt8]) -> [UInt8] {
        var stream: [UInt8] = [0x78, 0x01]  // 32 KiB window, no dictionary, "fastest"; 0x7801 % 31 == 0
        stream += Deflate.compress(data)
        stream += bigEndian(adler32(data))
        return stream
    }

    /// The scanlines, each prefixed by its filter type: per row the cheapest of None, Sub and Up by the
    /// usual sum-of-absolute-differences guess (flat images become runs of zeros).
    static func filterRows(width: Int, height: Int, rgb: [UInt8]) -> [UInt8] {
        let stride = width * 3
        var source = rgb
        if source.count < stride * height { source += [UInt8](repeating: 0, count: stride * height - source.count) }
        var out = [UInt8](repeating: 0, count: (stride + 1) * height)
        source.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                guard let base = src.baseAddress, let target = dst.baseAddress else { return }
                for y in 0..<height {
                    let row = base + y * stride
                    let line = target + y * (stride + 1)
                    let pixel = min(3, stride)
                    let above = y > 0 ? row - stride : row  // row 0: Up is not a candidate
                    var costNone: UInt32 = 0
                    var costSub: UInt32 = 0
                    var costUp: UInt32 = 0
                    for i in 0..<pixel {
                        costNone &+= cost(row[i])
                        costUp &+= cost(row[i] &- above[i])
                    }
                    costSub = costNone
                    for i in pixel..<stride {
                        let byte = row[i]
                        costNone &+= cost(byte)
                        costSub &+= cost(byte &- row[i - 3])
                        costUp &+= cost(byte &- above[i])
                    }
                    if y == 0 { costUp = .max }
                    if costUp <= costSub, costUp < costNone {
                        line[0] = 2
                        for i in 0..<stride { line[1 + i] = row[i] &- above[i] }
                    } else if costSub < costNone {
                        line[0] = 1
                        for i in 0..<pixel { line[1 + i] = row[i] }
                        for i in pixel..<stride { line[1 + i] = row[i] &- row[i - 3] }
                    } else {
                        line[0] = 0
                        (line + 1).update(from: row, count: stride)
                    }
                }
            }
        }
        return out
    }

    /// A filtered byte read as signed: distance from zero.
    @inline(__always) private static func cost(_ byte: UInt8) -> UInt32 {
        UInt32(Int8(bitPattern: byte).magnitude)
    }

    private static func appendChunk(_ type: String, _ data: [UInt8], to file: inout [UInt8]) {
        let typeBytes = Array(type.utf8)
        file += bigEndian(UInt32(data.count))
        file += typeBytes
        file += data
        file += bigEndian(crc32(data, continuing: crc32(typeBytes)))
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }
}

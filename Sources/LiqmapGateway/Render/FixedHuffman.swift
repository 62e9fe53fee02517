/// DEFLATE's fixed Huffman codes (RFC 1951 §3.2.6) and the length/distance symbol tables.
enum FixedHuffman {
    /// Base lengths of symbols 257...285 and their extra-bit counts.
    static let lengthBase: [Int] = [
        3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258,
    ]
    static let lengthExtra: [Int] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    /// Base distances of distance symbols 0...29 and their extra-bit counts.
    static let distanceBase: [Int] = [
        1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073,
        4097, 6145, 8193, 12289, 16385, 24577,
    ]
    static let distanceExtra: [Int] = [
        0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
    ]

    /// Writes literal/length symbol `symbol` (0...287) with its fixed code.
    static func writeLiteral(_ symbol: Int, to writer: inout BitWriter) {
        let entry = literalCodes[symbol]
        writer.write(UInt32(entry >> 8), length: Int(entry & 0xFF))
    }

    /// Writes a match length (3...258): its symbol, then the extra bits.
    static func writeLength(_ length: Int, to writer: inout BitWriter) {
        let index = lengthIndex[length]
        writeLiteral(257 + index, to: &writer)
        let extra = lengthExtra[index]
        if extra > 0 { writer.write(UInt32(length - lengthBase[index]), length: extra) }
    }

    /// Writes a match distance (1...32768): its five-bit symbol, then the extra bits.
    static func writeDistance(_ distance: Int, to writer: inout BitWriter) {
        let symbol = distanceSymbol(distance)
        writer.write(reversed(UInt32(symbol), length: 5), length: 5)
        let extra = distanceExtra[symbol]
        if extra > 0 { writer.write(UInt32(distance - distanceBase[symbol]), length: extra) }
    }

    /// The distance symbol for `distance`: two symbols per power of two above 4.
    static func distanceSymbol(_ distance: Int) -> Int {
        let d = distance - 1
        if d < 4 { return d }
        let log = Int.bitWidth - 1 - d.leadingZeroBitCount
        return 2 * log + ((d >> (log - 1)) & 1)
    }

    /// Per symbol 0...287: the bit-reversed code << 8 | its length (codes go out MSB first).
    private static let literalCodes: [UInt32] = (0..<288).map { symbol in
        let (code, length): (Int, Int) =
            switch symbol {
            case 0...143: (0x30 + symbol, 8)
            case 144...255: (0x190 + symbol - 144, 9)
            case 256...279: (symbol - 256, 7)
            default: (0xC0 + symbol - 280, 8)
            }
        return reversed(UInt32(code), length: length) << 8 | UInt32(length)
    }

    /// Per length 0...258: the index into ``lengthBase`` (entries below 3 unused).
    private static let lengthIndex: [Int] = (0...258).map { length in
        guard length >= 3 else { return 0 }
        if length == 258 { return 28 }
        return lengthBase.lastIndex { $0 <= length } ?? 0
    }

    private static func reversed(_ code: UInt32, length: Int) -> UInt32 {
        var result: UInt32 = 0
        for bit in 0..<length where code & (1 << UInt32(bit)) != 0 {
            result |= 1 << UInt32(length - 1 - bit)
        }
        return result
    }
}

/// The two checksums a PNG needs: CRC-32 for chunks, Adler-32 for the zlib stream.
extension PNGEncoder {
    /// CRC-32 (ISO-HDLC, polynomial 0xEDB88320 reflected) of `bytes`, continuing from `crc`
    /// (pass the previous result to checksum data in pieces). `"123456789"` → `0xCBF43926`.
    public static func crc32(_ bytes: [UInt8], continuing crc: UInt32 = 0) -> UInt32 {
        var c = ~crc
        crcTable.withUnsafeBufferPointer { table in
            bytes.withUnsafeBufferPointer { data in
                for byte in data {
                    c = table[Int((c ^ UInt32(byte)) & 0xFF)] ^ (c >> 8)
                }
            }
        }
        return ~c
    }

    /// Adler-32 of `bytes` (the zlib trailer). `"Wikipedia"` → `0x11E60398`.
    public static func adler32(_ bytes: [UInt8]) -> UInt32 {
        let modulus: UInt32 = 65_521
        var a: UInt32 = 1
        var b: UInt32 = 0
        bytes.withUnsafeBufferPointer { data in
            var index = 0
            // 5552 is the longest run before `b` could overflow 32 bits (zlib's NMAX).
            while index < data.count {
                let end = min(index + 5552, data.count)
                for i in index..<end {
                    a &+= UInt32(data[i])
                    b &+= a
                }
                a %= modulus
                b %= modulus
                index = end
            }
        }
        return b << 16 | a
    }

    /// The 256-entry CRC-32 lookup table.
    private static let crcTable: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 {
            c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1
        }
        return c
    }
}

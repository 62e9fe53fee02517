import LiqmapGateway
import Testing

@Suite("Render: PNG encoder, checksums, zlib")
struct PNGEncoderTests {
    @Test("CRC-32 and Adler-32 match their check values")
    func checksums() {
        #expect(PNGEncoder.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(PNGEncoder.crc32([]) == 0)
        #expect(PNGEncoder.crc32(Array("6789".utf8), continuing: PNGEncoder.crc32(Array("12345".utf8))) == 0xCBF4_3926)
        #expect(PNGEncoder.adler32(Array("Wikipedia".utf8)) == 0x11E6_0398)
        #expect(PNGEncoder.adler32([]) == 1)
        let long = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 7 ^ $0 >> 3) }
        #expect(PNGEncoder.adler32(long) == TestChecksums.adler32(long))
        #expect(PNGEncoder.crc32(long) == TestChecksums.crc32(long))
    }

    @Test("zlib streams inflate back to their input", arguments: [
        ("empty", [UInt8]()),
        ("one byte", [42]),
        ("zeros", [UInt8](repeating: 0, count: 300_000)),
        ("text", Array(String(repeating: "liquidation heatmap, BTC 97,250 · ", count: 500).utf8)),
        ("noise", noise(count: 150_000)),
        ("runs", (0..<100_000).map { UInt8(($0 / 700) % 256) }),
    ])
    func zlibRoundTrip(_ name: String, _ input: [UInt8]) throws {
        let stream = PNGEncoder.zlib(input)
        #expect(try TestInflater.zlibDecompress(stream) == input, "\(name)")
    }

    @Test("flat data is compressed with fixed Huffman codes; noise falls back to stored blocks of at most 65,535 bytes")
    func blockChoice() throws {
        let zeros = [UInt8](repeating: 0, count: 300_000)
        let flat = PNGEncoder.zlib(zeros)
        #expect(flat.count < 2_000)
        #expect(try TestInflater.blockTypes(Array(flat.dropFirst(2).dropLast(4))) == [1])
        let random = noise(count: 150_000)
        let stored = PNGEncoder.zlib(random)
        #expect(stored.count == 2 + 150_000 + 5 * 3 + 4)
        #expect(try TestInflater.blockTypes(Array(stored.dropFirst(2).dropLast(4))) == [0, 0, 0])
    }

    @Test("a PNG has the signature, IHDR/IDAT/IEND with good CRCs, and its pixels back")
    func roundTrip() throws {
        let width = 7
        let height = 5
        let rgb = (0..<(width * height * 3)).map { UInt8(truncatingIfNeeded: $0 * 37) }
        let image = try PNGTestImage(PNGEncoder.encode(width: width, height: height, rgb: rgb))
        #expect(image.width == 7)
        #expect(image.height == 5)
        #expect(image.bitDepth == 8)
        #expect(image.colourType == 2)
        #expect(image.chunkTypes == ["IHDR", "IDAT", "IEND"])
        #expect(image.rgb == rgb)
    }

    @Test("a corrupted byte is caught by the chunk CRC")
    func corruption() {
        var file = PNGEncoder.encode(width: 2, height: 2, rgb: [UInt8](repeating: 200, count: 12))
        file[20] ^= 0x01  // inside IHDR's data
        #expect(throws: PNGTestImage.Failure.badCRC("IHDR")) { try PNGTestImage(file) }
    }
}

/// Deterministic pseudo-random bytes (a 64-bit LCG's high byte).
private func noise(count: Int, seed: UInt64 = 1) -> [UInt8] {
    var state = seed
    return (0..<count).map { _ in
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return UInt8(truncatingIfNeeded: state >> 56)
    }
}

/// A DEFLATE (RFC 1951) compressor: greedy LZ77 over the 32 KiB window with the fixed Huffman
/// codes, or stored blocks when those come out smaller (noise-like input).
enum Deflate {
    /// The compressed form of `input`, one complete DEFLATE stream.
    static func compress(_ input: [UInt8]) -> [UInt8] {
        let huffman = fixedHuffman(input)
        return huffman.count <= storedSize(input.count) ? huffman : stored(input)
    }

    /// `input` as stored (uncompressed) blocks of at most 65,535 bytes, the last one final.
    static func stored(_ input: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(storedSize(input.count))
        var start = 0
        repeat {
            let length = min(65_535, input.count - start)
            let final = start + length == input.count
            out.append(final ? 1 : 0)  // BFINAL, BTYPE = 00, padded to the byte
            let len = UInt16(length)
            out += [UInt8(len & 0xFF), UInt8(len >> 8), UInt8(~len & 0xFF), UInt8(~len >> 8)]
            out += input[start..<(start + length)]
            start += length
        } while start < input.count
        return out
    }

    /// The byte count ``stored(_:)`` produces for `count` input bytes.
    static func storedSize(_ count: Int) -> Int {
        count + 5 * max(1, (count + 65_534) / 65_535)
    }

    /// One final block of fixed-Huffman codes (BTYPE = 01) over greedy LZ77 matches.
    static func fixedHuffman(_ input: [UInt8]) -> [UInt8] {
        var writer = BitWriter(reservingCapacity: input.count / 8 + 64)
        writer.write(1, length: 1)  // BFINAL
        writer.write(1, length: 2)  // BTYPE = 01, fixed codes
        var matcher = LZ77Matcher()
        input.withUnsafeBufferPointer { data in
            var i = 0
            while i < data.count {
                let (length, distance) = matcher.longestMatch(data, at: i)
                if length >= LZ77Matcher.minimumMatch {
                    FixedHuffman.writeLength(length, to: &writer)
                    FixedHuffman.writeDistance(distance, to: &writer)
                    // Long matches are runs (flat image areas): recording only their tail keeps those fast.
                    let from = length <= LZ77Matcher.insertLimit ? i + 1 : i + length - 2
                    for j in from..<(i + length) { matcher.insert(data, at: j) }
                    i += length
                } else {
                    FixedHuffman.writeLiteral(Int(data[i]), to: &writer)
                    i += 1
                }
            }
        }
        FixedHuffman.writeLiteral(256, to: &writer)  // end of block
        return writer.finish()
    }
}

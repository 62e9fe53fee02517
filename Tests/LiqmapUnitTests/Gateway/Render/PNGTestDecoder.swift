/// A small PNG reader for the render tests, independent of the encoder: chunk walk with its own
/// CRC-32, zlib header and Adler-32 checks, an inflater for stored and fixed-Huffman blocks (what
/// the encoder emits), and all five scanline filters. 8-bit RGB only.
struct PNGTestImage {
    enum Failure: Error, Equatable {
        case notPNG, truncated, badCRC(String), badHeader, unsupported(String), badZlib, badAdler
        case badStoredLength, badCode, badDistance, badFilter(Int), wrongSize
    }

    var width: Int
    var height: Int
    var bitDepth: Int
    var colourType: Int
    var chunkTypes: [String]
    /// Row-major r, g, b.
    var rgb: [UInt8]

    init(_ file: [UInt8]) throws {
        guard file.count >= 8, Array(file[0..<8]) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] else {
            throw Failure.notPNG
        }
        var offset = 8
        var header: [UInt8] = []
        var idat: [UInt8] = []
        var types: [String] = []
        while offset < file.count {
            guard offset + 12 <= file.count else { throw Failure.truncated }
            let length = Int(Self.bigEndian(file, offset))
            guard offset + 12 + length <= file.count else { throw Failure.truncated }
            let typeBytes = Array(file[(offset + 4)..<(offset + 8)])
            let type = String(decoding: typeBytes, as: UTF8.self)
            let body = Array(file[(offset + 8)..<(offset + 8 + length)])
            guard Self.bigEndian(file, offset + 8 + length) == TestChecksums.crc32(typeBytes + body) else {
                throw Failure.badCRC(type)
            }
            types.append(type)
            if type == "IHDR" { header = body }
            if type == "IDAT" { idat += body }
            offset += 12 + length
        }
        guard types.first == "IHDR", types.last == "IEND", header.count == 13 else { throw Failure.badHeader }
        width = Int(Self.bigEndian(header, 0))
        height = Int(Self.bigEndian(header, 4))
        bitDepth = Int(header[8])
        colourType = Int(header[9])
        chunkTypes = types
        guard bitDepth == 8, colourType == 2, header[10] == 0, header[11] == 0, header[12] == 0 else {
            throw Failure.unsupported("IHDR \(header)")
        }
        let raw = try TestInflater.zlibDecompress(idat)
        rgb = try Self.unfilter(raw, width: width, height: height)
    }

    /// The pixel at (x, y) as 0xRRGGBB.
    func pixel(_ x: Int, _ y: Int) -> UInt32 {
        let i = (y * width + x) * 3
        return UInt32(rgb[i]) << 16 | UInt32(rgb[i + 1]) << 8 | UInt32(rgb[i + 2])
    }

    static func unfilter(_ raw: [UInt8], width: Int, height: Int) throws -> [UInt8] {
        let stride = width * 3
        guard raw.count == (stride + 1) * height else { throw Failure.wrongSize }
        var out = [UInt8](repeating: 0, count: stride * height)
        for y in 0..<height {
            let filter = Int(raw[y * (stride + 1)])
            for i in 0..<stride {
                let x = raw[y * (stride + 1) + 1 + i]
                let a = i >= 3 ? out[y * stride + i - 3] : 0
                let b = y > 0 ? out[(y - 1) * stride + i] : 0
                let c = i >= 3 && y > 0 ? out[(y - 1) * stride + i - 3] : 0
                let predictor: UInt8
                switch filter {
                case 0: predictor = 0
                case 1: predictor = a
                case 2: predictor = b
                case 3: predictor = UInt8((Int(a) + Int(b)) / 2)
                case 4:
                    let p = Int(a) + Int(b) - Int(c)
                    let (pa, pb, pc) = (abs(p - Int(a)), abs(p - Int(b)), abs(p - Int(c)))
                    predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c
                default: throw Failure.badFilter(filter)
                }
                out[y * stride + i] = x &+ predictor
            }
        }
        return out
    }

    static func bigEndian(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        UInt32(bytes[at]) << 24 | UInt32(bytes[at + 1]) << 16 | UInt32(bytes[at + 2]) << 8 | UInt32(bytes[at + 3])
    }
}

/// Bit-at-a-time reference checksums (no tables), to check the encoder's against.
enum TestChecksums {
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1
        var b: UInt32 = 0
        for byte in bytes {
            a = (a + UInt32(byte)) % 65_521
            b = (b + a) % 65_521
        }
        return b << 16 | a
    }
}

/// Inflates DEFLATE streams made of stored and fixed-Huffman blocks (RFC 1951 §3.2.4–3.2.6).
struct TestInflater {
    private let data: [UInt8]
    private var bitPosition = 0
    private(set) var blockTypes: [Int] = []

    /// Checks the zlib header and Adler-32 trailer around the DEFLATE data.
    static func zlibDecompress(_ stream: [UInt8]) throws -> [UInt8] {
        guard stream.count >= 6, stream[0] & 0x0F == 8, (Int(stream[0]) << 8 | Int(stream[1])) % 31 == 0,
            stream[1] & 0x20 == 0
        else { throw PNGTestImage.Failure.badZlib }
        let (out, used) = try inflate(Array(stream[2...]))
        guard 2 + used + 4 == stream.count else { throw PNGTestImage.Failure.badZlib }
        guard PNGTestImage.bigEndian(stream, 2 + used) == TestChecksums.adler32(out) else {
            throw PNGTestImage.Failure.badAdler
        }
        return out
    }

    /// The inflated bytes and how many input bytes the DEFLATE stream took.
    static func inflate(_ data: [UInt8]) throws -> (bytes: [UInt8], used: Int) {
        var inflater = TestInflater(data: data)
        let out = try inflater.run()
        return (out, (inflater.bitPosition + 7) / 8)
    }

    /// The block types (0 stored, 1 fixed) of a DEFLATE stream, in order.
    static func blockTypes(_ data: [UInt8]) throws -> [Int] {
        var inflater = TestInflater(data: data)
        _ = try inflater.run()
        return inflater.blockTypes
    }

    private init(data: [UInt8]) {
        self.data = data
    }

    private mutating func run() throws -> [UInt8] {
        var out: [UInt8] = []
        var final = false
        while !final {
            final = try bits(1) == 1
            let type = try bits(2)
            blockTypes.append(type)
            switch type {
            case 0:
                bitPosition = (bitPosition + 7) / 8 * 8
                let length = try bits(16)
                let complement = try bits(16)
                guard length == ~complement & 0xFFFF else { throw PNGTestImage.Failure.badStoredLength }
                for _ in 0..<length { out.append(UInt8(try bits(8))) }
            case 1:
                try fixedBlock(&out)
            default:
                throw PNGTestImage.Failure.unsupported("block type \(type)")
            }
        }
        return out
    }

    private mutating func fixedBlock(_ out: inout [UInt8]) throws {
        let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
        let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
        let distanceBase = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
        let distanceExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]
        while true {
            let symbol = try fixedSymbol()
            if symbol < 256 {
                out.append(UInt8(symbol))
            } else if symbol == 256 {
                return
            } else {
                let index = symbol - 257
                guard index < 29 else { throw PNGTestImage.Failure.badCode }
                let length = lengthBase[index] + (try bits(lengthExtra[index]))
                var distanceSymbol = 0
                for _ in 0..<5 { distanceSymbol = distanceSymbol << 1 | (try bits(1)) }
                guard distanceSymbol < 30 else { throw PNGTestImage.Failure.badCode }
                let distance = distanceBase[distanceSymbol] + (try bits(distanceExtra[distanceSymbol]))
                guard distance <= out.count else { throw PNGTestImage.Failure.badDistance }
                for _ in 0..<length { out.append(out[out.count - distance]) }
            }
        }
    }

    /// One literal/length symbol in the fixed code (Huffman codes arrive most significant bit first).
    private mutating func fixedSymbol() throws -> Int {
        var code = 0
        for _ in 0..<7 { code = code << 1 | (try bits(1)) }
        if code <= 0x17 { return 256 + code }
        code = code << 1 | (try bits(1))
        if (0x30...0xBF).contains(code) { return code - 0x30 }
        if (0xC0...0xC7).contains(code) { return 280 + code - 0xC0 }
        code = code << 1 | (try bits(1))
        if (0x190...0x1FF).contains(code) { return 144 + code - 0x190 }
        throw PNGTestImage.Failure.badCode
    }

    /// `count` bits, least significant first.
    private mutating func bits(_ count: Int) throws -> Int {
        var value = 0
        for i in 0..<count {
            let byte = bitPosition / 8
            guard byte < data.count else { throw PNGTestImage.Failure.truncated }
            value |= Int((data[byte] >> UInt8(bitPosition % 8)) & 1) << i
            bitPosition += 1
        }
        return value
    }
}

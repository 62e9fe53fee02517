/// Finds earlier copies of the bytes at a position: hash chains over three-byte prefixes in a
/// 32 KiB window, a bounded number of candidates per position (speed over the last few percent).
struct LZ77Matcher {
    static let minimumMatch = 3
    static let maximumMatch = 258
    static let window = 32_768
    private static let hashBits = 15
    private static let maximumChain = 8
    /// A match this long ends the search.
    private static let goodEnough = 64
    /// Matches up to this long have every position inside recorded; longer ones only their tail.
    static let insertLimit = 32

    private var head: [Int32]
    private var previous: [Int32]

    init() {
        head = [Int32](repeating: -1, count: 1 << Self.hashBits)
        previous = [Int32](repeating: -1, count: Self.window)
    }

    /// The longest earlier match for `data[position...]` (length 0 if none of at least 3 bytes),
    /// then records `position` for later searches.
    mutating func longestMatch(_ data: UnsafeBufferPointer<UInt8>, at position: Int) -> (length: Int, distance: Int) {
        guard position + Self.minimumMatch <= data.count else { return (0, 0) }
        let hash = Self.hash(data, position)
        let limit = min(Self.maximumMatch, data.count - position)
        var bestLength = 0
        var bestDistance = 0
        var candidate = Int(head[hash])
        var chain = Self.maximumChain
        while candidate >= 0, position - candidate < Self.window, chain > 0 {
            if data[candidate + bestLength] == data[position + bestLength] {
                var length = 0
                while length < limit, data[candidate + length] == data[position + length] { length += 1 }
                if length > bestLength {
                    bestLength = length
                    bestDistance = position - candidate
                    if length >= min(limit, Self.goodEnough) { break }
                }
            }
            let next = Int(previous[candidate & (Self.window - 1)])
            if next >= candidate { break }  // a slot reused by a newer position: the chain ends
            candidate = next
            chain -= 1
        }
        record(hash, position)
        return (bestLength, bestDistance)
    }

    /// Records `position` without searching (the bytes inside a match just emitted).
    mutating func insert(_ data: UnsafeBufferPointer<UInt8>, at position: Int) {
        guard position + Self.minimumMatch <= data.count else { return }
        record(Self.hash(data, position), position)
    }

    private mutating func record(_ hash: Int, _ position: Int) {
        previous[position & (Self.window - 1)] = head[hash]
        head[hash] = Int32(position)
    }

    private static func hash(_ data: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
        let key = UInt32(data[i]) << 16 | UInt32(data[i + 1]) << 8 | UInt32(data[i + 2])
        return Int((key &* 2_654_435_761) >> UInt32(32 - hashBits))
    }
}

/// Which aggregator shard owns an instrument: a stable hash (FNV-1a 64 of `venue|instrument`, its
/// high half folded into the low with XOR) modulo the shard count, the same in every process and every release (Swift's `Hasher` is seeded per run,
/// so it must not be used here).
public struct ShardMap: Sendable, Hashable {
    /// Number of shards, at least 1.
    public let shards: Int

    public init(shards: Int) {
        precondition(shards >= 1, "a shard map needs at least one shard")
        self.shards = shards
    }

    /// The shard in `0..<shards` for one venue's instrument.
    public func shard(venue: Venue, instrument: String) -> Int {
        // FNV-1a of "venue|instrument", fed piece by piece (no joined String per event).
        var hash = Self.fnv1a64(venue.rawValue)
        hash = Self.fnv1a64(byte: UInt8(ascii: "|"), hash)
        hash = Self.fnv1a64(instrument, continuing: hash)
        return Int(Self.fold(hash) % UInt64(shards))
    }

    /// FNV-1a's low bits mix poorly (bit 0 is the parity of the input bytes, so modulo 2 it put
    /// binance, bybit and okx's BTC and ETH on one shard); XOR-folding the high half in fixes that.
    public static func fold(_ hash: UInt64) -> UInt64 { hash ^ (hash >> 32) }

    /// FNV-1a, 64-bit, over the UTF-8 bytes.
    public static func fnv1a64(_ text: String) -> UInt64 {
        fnv1a64(text, continuing: 0xcbf2_9ce4_8422_2325)
    }

    static func fnv1a64(_ text: String, continuing start: UInt64) -> UInt64 {
        var hash = start
        for byte in text.utf8 { hash = fnv1a64(byte: byte, hash) }
        return hash
    }

    @inline(__always)
    static func fnv1a64(byte: UInt8, _ hash: UInt64) -> UInt64 {
        (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
    }
}

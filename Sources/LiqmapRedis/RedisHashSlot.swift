/// The Redis Cluster hash slot of a key: CRC16/XMODEM of the key (or of its `{hash tag}`) mod 16384.
///
/// The hash tag rule is Redis' own (`keyHashSlot` in cluster.c): if the key has a `{`, and a `}`
/// somewhere after it, and at least one byte between the two, only the bytes between the first `{`
/// and the first `}` after it are hashed; otherwise the whole key is. So `{user1000}.following` and
/// `{user1000}.followers` share a slot, `foo{}{bar}` hashes the whole key and `foo{{bar}}zap`
/// hashes `{bar`.
public enum RedisHashSlot {
    /// The number of slots in a Redis Cluster.
    public static let count = 16384

    /// The slot of `key` (0..<16384).
    public static func slot(of key: some Collection<UInt8>) -> Int {
        Int(crc16(hashedPart(of: key)) & 0x3FFF)
    }

    /// The slot of a UTF-8 key.
    public static func slot(of key: String) -> Int { slot(of: Array(key.utf8)) }

    /// The bytes that are hashed: the hash tag's content when there is a non-empty one, else the key.
    public static func hashedPart<C: Collection<UInt8>>(of key: C) -> C.SubSequence {
        guard let open = key.firstIndex(of: UInt8(ascii: "{")) else { return key[...] }
        let afterOpen = key.index(after: open)
        guard let close = key[afterOpen...].firstIndex(of: UInt8(ascii: "}")), close != afterOpen else { return key[...] }
        return key[afterOpen..<close]
    }

    /// CRC16/XMODEM (polynomial 0x1021, initial value 0, no reflection, no final XOR): the checksum
    /// Redis Cluster uses. `crc16("123456789") == 0x31C3`.
    public static func crc16(_ bytes: some Sequence<UInt8>) -> UInt16 {
        var crc: UInt16 = 0
        for byte in bytes {
            crc = (crc << 8) ^ table[Int(UInt8(truncatingIfNeeded: crc >> 8) ^ byte)]
        }
        return crc
    }

    private static let table: [UInt16] = (0..<256).map { (n: Int) -> UInt16 in
        var crc = UInt16(n) << 8
        for _ in 0..<8 { crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1 }
        return crc
    }
}

/// An API key as a client sends it: `lqk_` and 64 lowercase hex digits, 32 bytes from the system's
/// cryptographic random source (pure apart from ``generate(using:)``'s generator).
///
/// Only the SHA-256 of the whole key is stored. A plain, unsalted SHA-256 is the right hash here,
/// not a slow password hash: the key is 256 random bits, not something a person chose, so there is
/// no dictionary to try and a brute-force search of 2^256 is out of reach; salting defends against
/// precomputed tables of likely inputs, of which there are none. It also lets the gateway find a
/// key by its hash with one indexed lookup.
public struct ApiKeyToken: Sendable, Hashable, CustomStringConvertible {
    /// The text a client sends.
    public let text: String

    /// What every key starts with (it makes keys recognizable to secret scanners and people).
    public static let scheme = "lqk_"
    /// Random bytes in a key.
    public static let randomBytes = 32
    /// Characters of a key: the scheme and two hex digits per byte.
    public static let length = scheme.utf8.count + 2 * randomBytes
    /// Characters shown as the key's prefix (`lqk_` and 8 hex digits, 32 of its 256 bits).
    public static let prefixLength = 12

    /// A key from text that has the key's form, or nil.
    public init?(_ text: String) {
        guard Self.isWellFormed(text) else { return nil }
        self.text = text
    }

    /// A new key from `generator` (the default is `SystemRandomNumberGenerator`, the OS's CSPRNG).
    public static func generate(using generator: inout some RandomNumberGenerator) -> ApiKeyToken {
        let digits = Array("0123456789abcdef".utf8)
        var text = Array(scheme.utf8)
        for _ in 0..<(randomBytes / 8) {
            let word = generator.next()
            for shift in stride(from: 60, through: 0, by: -4) { text.append(digits[Int((word >> UInt64(shift)) & 15)]) }
        }
        return ApiKeyToken(String(decoding: text, as: UTF8.self))!
    }

    /// A new key from the system's cryptographic random source.
    public static func generate() -> ApiKeyToken {
        var system = SystemRandomNumberGenerator()
        return generate(using: &system)
    }

    /// The shown part: the first ``prefixLength`` characters.
    public var prefix: String { String(text.prefix(Self.prefixLength)) }

    /// The stored hash.
    public var sha256: SHA256.Digest { SHA256.hash(text) }

    /// Never the key itself: only its prefix.
    public var description: String { prefix + "…" }

    /// `lqk_` followed by exactly 64 lowercase hex digits.
    public static func isWellFormed(_ text: String) -> Bool {
        let utf8 = text.utf8
        guard utf8.count == length, utf8.starts(with: scheme.utf8) else { return false }
        return utf8.dropFirst(scheme.utf8.count).allSatisfy {
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0)
        }
    }
}

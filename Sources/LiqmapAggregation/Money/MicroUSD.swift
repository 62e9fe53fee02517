/// Exact US dollars: a signed count of micro-dollars (1 MicroUSD = 10⁻⁶ USD) in an `Int64`.
///
/// Conversion from an event's `Double` USD value (`notional_usd`) happens once, in `init?(usd:)`:
/// the **exact** binary value of the `Double` is multiplied by 10⁶ and rounded to the nearest integer,
/// halves away from zero (the product's rounding error is recovered with a fused multiply-add, so a
/// `Double` that lies just below a half is not pushed onto it). Every later step is integer addition,
/// so a total equals the sum of its events' rounded values exactly, in any order and any grouping.
/// Range: one conversion accepts |usd| ≤ 9·10⁹ (below 2⁵³ micro-dollars, where every integer is a
/// `Double`); sums hold up to ±9.2·10¹² USD and trap on overflow rather than wrap.
public struct MicroUSD: Sendable, Hashable, Comparable, AdditiveArithmetic, Codable, CustomStringConvertible {
    /// The amount in micro-dollars.
    public var micros: Int64

    /// Micro-dollars per dollar.
    public static let perUSD: Int64 = 1_000_000
    /// The largest |usd| one conversion accepts.
    public static let maxConvertibleUSD: Double = 9e9
    public static let zero = MicroUSD(micros: 0)

    public init(micros: Int64) { self.micros = micros }

    /// Rounds `usd` to micro-dollars (halves away from zero); nil for NaN, ±∞ or |usd| > `maxConvertibleUSD`.
    public init?(usd: Double) {
        guard usd.isFinite, usd.magnitude <= Self.maxConvertibleUSD else { return nil }
        let product = usd * 1e6
        // product + error is exactly usd × 10⁶ (error is representable: the FMA computes it exactly).
        let error = (-product).addingProduct(usd, 1e6)
        var rounded = product.rounded(.toNearestOrAwayFromZero)
        let fraction = product - rounded  // exact: rounded is the integer next to product
        // Only an exact tie of the rounded product can be on the wrong side of the true value.
        if fraction == -0.5, error < 0 { rounded -= 1 }  // true value just below +k.5
        if fraction == 0.5, error > 0 { rounded += 1 }  // true value just above −k.5
        self.micros = Int64(rounded)
    }

    /// The amount in dollars as a `Double` (for display and model inputs; never summed back).
    public var usd: Double { Double(micros) / 1e6 }

    public static func + (lhs: MicroUSD, rhs: MicroUSD) -> MicroUSD { MicroUSD(micros: lhs.micros + rhs.micros) }
    public static func - (lhs: MicroUSD, rhs: MicroUSD) -> MicroUSD { MicroUSD(micros: lhs.micros - rhs.micros) }
    public static func < (lhs: MicroUSD, rhs: MicroUSD) -> Bool { lhs.micros < rhs.micros }

    /// Exact decimal text, e.g. `-12.000345`.
    public var description: String {
        let sign = micros < 0 ? "-" : ""
        let magnitude = micros.magnitude
        let whole = magnitude / UInt64(Self.perUSD)
        let fraction = String(magnitude % UInt64(Self.perUSD))
        return sign + String(whole) + "." + String(repeating: "0", count: 6 - fraction.count) + fraction
    }

    public init(from decoder: any Decoder) throws {
        self.micros = try decoder.singleValueContainer().decode(Int64.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(micros)
    }
}

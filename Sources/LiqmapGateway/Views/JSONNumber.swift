import LiqmapAggregation

/// Numbers for hand-written JSON: doubles in their shortest round-trip form (null when not
/// finite), micro-dollars as exact decimals, ratios to 4 decimals.
enum JSONNumber {
    static func double(_ value: Double) -> String { value.isFinite ? "\(value)" : "null" }

    static func optional(_ value: Double?) -> String { value.map(double) ?? "null" }

    static func usd(_ micros: Int64) -> String { MicroDollarText.usd(micros: Int128(micros)) }

    /// `value` rounded to 4 decimals (scores and shares).
    static func ratio(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        let scaled = (value * 10_000).rounded()
        return double(scaled / 10_000)
    }
}

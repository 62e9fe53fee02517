/// Exact decimal text of an amount of micro-dollars, for JSON numbers: `1234567` → `1.234567`,
/// `1500000` → `1.5`, `0` → `0`. Integer arithmetic only, no `Double` anywhere.
public enum MicroDollarText {
    /// The amount in dollars, trailing fractional zeros dropped.
    public static func usd(micros: Int128) -> String {
        let magnitude = micros.magnitude
        let whole = magnitude / 1_000_000
        let fraction = magnitude % 1_000_000
        var text = (micros < 0 ? "-" : "") + String(whole)
        if fraction != 0 {
            var digits = String(fraction)
            digits = String(repeating: "0", count: 6 - digits.count) + digits
            while digits.last == "0" { digits.removeLast() }
            text += "." + digits
        }
        return text
    }
}

/// Reads the parts of a canonical instrument id (`BASE-QUOTE-PERP`, `BASE-QUOTE-YYYYMMDD`).
public enum InstrumentName {
    /// The base asset (`BTC` of `BTC-USDT-PERP`); the whole id when it has no dash.
    public static func asset(of instrument: String) -> String {
        String(instrument.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
    }

    /// The quote (`USDT` of `BTC-USDT-PERP`), or nil.
    public static func quote(of instrument: String) -> String? {
        let parts = instrument.split(separator: "-", omittingEmptySubsequences: false)
        return parts.count >= 2 ? String(parts[1]) : nil
    }

    /// Inverse contracts quote `USD` (normalized-events contract): sized in USD, margined in the coin.
    public static func isInverse(_ instrument: String) -> Bool { quote(of: instrument) == "USD" }
}

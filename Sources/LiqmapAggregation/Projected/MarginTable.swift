/// One maintenance-margin tier: positions with notional up to `notionalCap` use `mmr` and the
/// deduction (Binance `cum`, Bybit `mmDeduction`), so maintenance margin = notional × mmr − deduction.
/// Linear contracts count notional and deduction in USD; inverse contracts in the coin.
public struct MarginTier: Sendable, Hashable, Codable {
    public var notionalCap: Double
    public var mmr: Double
    public var deduction: Double

    public init(notionalCap: Double, mmr: Double, deduction: Double = 0) {
        self.notionalCap = notionalCap
        self.mmr = mmr
        self.deduction = deduction
    }

    enum CodingKeys: String, CodingKey {
        case notionalCap = "notional_cap", mmr, deduction
    }
}

/// A venue's maintenance-margin tiers for one instrument, ascending by cap (from its risk-limit
/// endpoint, cached in `Config/`). A notional above the last cap uses the last tier.
public struct MarginTable: Sendable, Hashable, Codable {
    public var tiers: [MarginTier]

    public init(tiers: [MarginTier]) {
        precondition(!tiers.isEmpty, "a margin table needs a tier")
        self.tiers = tiers.sorted { $0.notionalCap < $1.notionalCap }
    }

    /// One tier for every size: `mmr`, no deduction.
    public static func flat(mmr: Double) -> MarginTable { MarginTable(tiers: [MarginTier(notionalCap: .greatestFiniteMagnitude, mmr: mmr)]) }

    /// The fallback when a venue's table is unknown: 0.5 %.
    public static let fallback = MarginTable.flat(mmr: 0.005)

    /// Builds tiers from caps and rates with continuous deductions:
    /// `deduction_i = deduction_{i−1} + cap_{i−1} × (mmr_i − mmr_{i−1})`, deduction_0 = 0.
    public static func continuous(_ tiers: [(notionalCap: Double, mmr: Double)]) -> MarginTable {
        var out: [MarginTier] = []
        for (i, tier) in tiers.enumerated() {
            let deduction = i == 0 ? 0 : out[i - 1].deduction + tiers[i - 1].notionalCap * (tier.mmr - tiers[i - 1].mmr)
            out.append(MarginTier(notionalCap: tier.notionalCap, mmr: tier.mmr, deduction: deduction))
        }
        return MarginTable(tiers: out)
    }

    /// The tier for a position of `notional` (the first whose cap is at or above it).
    public func tier(forNotional notional: Double) -> MarginTier {
        tiers.first { notional <= $0.notionalCap } ?? tiers[tiers.count - 1]
    }
}

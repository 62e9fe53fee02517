/// One maintenance-margin tier: positions whose notional is in `[floor, cap)` pay `mmr` of their
/// notional minus `cum` (Binance's "maintenance amount", Bybit's `mmDeduction`) and may use at most
/// `maxLeverage`. Notional is USD for linear contracts and coin for inverse ones.
public struct MarginTier: Sendable, Hashable {
    public var floor: Double
    public var cap: Double
    public var mmr: Double
    public var cum: Double
    public var maxLeverage: Int

    public init(floor: Double, cap: Double, mmr: Double, cum: Double, maxLeverage: Int) {
        self.floor = floor
        self.cap = cap
        self.mmr = mmr
        self.cum = cum
        self.maxLeverage = maxLeverage
    }

    /// Tiers from (cap, mmr, max leverage) rows, floors chained and `cum` made continuous across tiers:
    /// `cum_i = cum_{i-1} + floor_i × (mmr_i − mmr_{i-1})` (heatmap-products.md §C).
    public static func chained(_ rows: [(cap: Double, mmr: Double, maxLeverage: Int)], scale: Double = 1) -> [MarginTier] {
        var tiers: [MarginTier] = []
        var floor = 0.0, cum = 0.0, previousMMR = rows.first?.mmr ?? 0
        for row in rows {
            cum = ((cum + floor * (row.mmr - previousMMR)) * 1e8).rounded() / 1e8  // exact where the venue's table is
            tiers.append(MarginTier(floor: floor, cap: row.cap * scale, mmr: row.mmr, cum: cum, maxLeverage: row.maxLeverage))
            floor = row.cap * scale
            previousMMR = row.mmr
        }
        return tiers
    }
}

/// A venue's isolated-margin liquidation rule: which formula, and its tiers
/// (shared/reference/heatmap-products.md §C).
public struct MarginRules: Sendable {
    /// The liquidation-price formula.
    public enum Formula: Sendable, Hashable {
        /// Binance USDⓈ-M (and Hyperliquid with one tier): maintenance margin evaluated at the mark,
        /// `LP_long = (Q·EP − M − cum) / (Q·(1 − MMR))`, `LP_short = (Q·EP + M + cum) / (Q·(1 + MMR))`;
        /// the tier is re-picked from the notional at the liquidation price.
        case markMaintenance
        /// Bybit linear: maintenance margin fixed at entry,
        /// `LP_long = EP − (IM − MM)/Q`, `LP_short = EP + (IM − MM)/Q`, `MM = Q·EP·MMR − mmDeduction`.
        case entryMaintenance
        /// OKX swaps: `LP_long = (Q·EP − M) / (Q·(1 − MMR − fee))`, `LP_short = (Q·EP + M) / (Q·(1 + MMR + fee))`.
        case markMaintenanceWithFee(takerFee: Double)
        /// Inverse contracts (Binance COIN-M, Bybit inverse, Deribit, BitMEX), size S in USD, coin margin
        /// `S/(EP·L)`: `LP_long = S·(1 + MMR) / (S/EP + S/(EP·L) + cum)`,
        /// `LP_short = S·(1 − MMR) / (S/EP − S/(EP·L) − cum)`; tiers in coin.
        case inverse
    }

    public var formula: Formula
    public var tiers: [MarginTier]

    public init(formula: Formula, tiers: [MarginTier]) {
        precondition(!tiers.isEmpty)
        self.formula = formula
        self.tiers = tiers
    }

    /// The tier index for a notional (USD for linear, coin for inverse).
    public func tierIndex(notional: Double) -> Int {
        var i = 0
        while i + 1 < tiers.count, notional >= tiers[i].cap { i += 1 }
        return i
    }

    /// The highest leverage allowed for a position of this notional.
    public func maxLeverage(notional: Double) -> Int { tiers[tierIndex(notional: notional)].maxLeverage }

    /// The price at which the venue liquidates an isolated position of `qty` base units (linear) or
    /// `qty` USD (inverse) entered at `entry` with `leverage` (margin = notional / leverage).
    public func liquidationPrice(long: Bool, entry: Double, qty: Double, leverage: Double) -> Double {
        switch formula {
        case .markMaintenance:
            let margin = qty * entry / leverage
            var tier = tiers[tierIndex(notional: qty * entry)]
            var lp = Self.markLP(long: long, entry: entry, qty: qty, margin: margin, mmr: tier.mmr, cum: tier.cum)
            // Binance: the tier is the one of the notional at the liquidation price; re-pick until stable.
            for _ in 0..<4 {
                let again = tiers[tierIndex(notional: qty * max(lp, 0))]
                if again == tier { break }
                tier = again
                lp = Self.markLP(long: long, entry: entry, qty: qty, margin: margin, mmr: tier.mmr, cum: tier.cum)
            }
            return lp
        case .entryMaintenance:
            let tier = tiers[tierIndex(notional: qty * entry)]
            let im = qty * entry / leverage
            let mm = qty * entry * tier.mmr - tier.cum
            return long ? entry - (im - mm) / qty : entry + (im - mm) / qty
        case .markMaintenanceWithFee(let fee):
            let tier = tiers[tierIndex(notional: qty * entry)]
            let margin = qty * entry / leverage
            return long ? (qty * entry - margin) / (qty * (1 - tier.mmr - fee)) : (qty * entry + margin) / (qty * (1 + tier.mmr + fee))
        case .inverse:
            let coins = qty / entry
            let tier = tiers[tierIndex(notional: coins)]
            let margin = coins / leverage
            return long ? qty * (1 + tier.mmr) / (coins + margin + tier.cum)
                        : qty * (1 - tier.mmr) / (coins - margin - tier.cum)
        }
    }

    static func markLP(long: Bool, entry: Double, qty: Double, margin: Double, mmr: Double, cum: Double) -> Double {
        long ? (qty * entry - margin - cum) / (qty * (1 - mmr)) : (qty * entry + margin + cum) / (qty * (1 + mmr))
    }

    /// The price at which the position's margin is gone (what Bybit and OKX print on liquidations):
    /// linear `EP·(1 ∓ 1/L)`, inverse `EP·L/(L ± 1)`.
    public func bankruptcyPrice(long: Bool, entry: Double, leverage: Double) -> Double {
        switch formula {
        case .inverse: long ? entry * leverage / (leverage + 1) : entry * leverage / (leverage - 1)
        default: long ? entry * (1 - 1 / leverage) : entry * (1 + 1 / leverage)
        }
    }
}

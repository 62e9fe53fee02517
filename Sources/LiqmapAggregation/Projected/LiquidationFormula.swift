import LiqmapCore

/// How a venue computes an isolated position's liquidation price (shared/reference/heatmap-products.md §C).
///
/// Every formula takes the side, entry price EP, leverage L (isolated margin = notional / L, no
/// added margin), the position's notional in USD at entry (which picks the margin tier and scales the
/// deduction) and the venue's `MarginTable`. It returns nil when the position cannot be liquidated
/// (e.g. a 1x linear long) or the inputs are not positive.
public enum LiquidationFormula: String, Sendable, Hashable, Codable, CaseIterable {
    /// Binance USDⓈ-M, isolated: long `(Q·EP − M − cum) / (Q·(1 − MMR))`, short `(Q·EP + M + cum) / (Q·(1 + MMR))`;
    /// the tier is picked again at the notional at the liquidation price, as Binance says.
    case binanceLinear = "binance_linear"
    /// Binance COIN-M (inverse), isolated, S = contracts × contract size (USD), M and cum in coin:
    /// long `S·(1 + MMR) / (M + cum + S/EP)`, short `S·(1 − MMR) / (S/EP − M − cum)`; tier re-picked at the liquidation price.
    case binanceInverse = "binance_inverse"
    /// Bybit linear, isolated: `EP ∓ (IM − MM)/Q` with IM = Q·EP/L, MM = Q·EP·MMR − mmDeduction at entry.
    case bybitLinear = "bybit_linear"
    /// OKX linear swap, isolated (margin ratio with the closing fee): long `(Q·EP − M) / (Q·(1 − MMR − fee))`,
    /// short `(Q·EP + M) / (Q·(1 + MMR + fee))`.
    case okxLinear = "okx_linear"
    /// Any linear contract: `EP·(1 − 1/L)/(1 − MMR)` (long), `EP·(1 + 1/L)/(1 + MMR)` (short).
    case genericLinear = "generic_linear"
    /// Any inverse contract: `EP·(1 + MMR)/(1 + 1/L)` (long), `EP·(1 − MMR)/(1 − 1/L)` (short).
    case genericInverse = "generic_inverse"

    /// The formula for a feed's instrument (inverse instruments quote `USD`).
    public static func of(feed: Feed, instrument: String) -> LiquidationFormula {
        let inverse = InstrumentName.isInverse(instrument)
        switch feed {
        case .binanceUSDM: return .binanceLinear
        case .binanceCOINM: return .binanceInverse
        case .bybitLinear: return .bybitLinear
        case .okx: return inverse ? .genericInverse : .okxLinear
        case .bybitInverse, .deribit, .bitmex, .hyperliquid: return inverse ? .genericInverse : .genericLinear
        }
    }

    /// True for coin-margined contracts (their open interest is counted in USD).
    public var isInverse: Bool { self == .binanceInverse || self == .genericInverse }

    /// The liquidation price of an isolated position, or nil.
    public func liquidationPrice(
        side: PositionSide, entry: Double, leverage: Double, notionalUSD: Double, table: MarginTable, takerFee: Double = 0.0005
    ) -> Double? {
        guard entry > 0, leverage > 0, notionalUSD > 0, entry.isFinite, leverage.isFinite, notionalUSD.isFinite else { return nil }
        let price: Double?
        switch self {
        case .binanceLinear:
            let q = notionalUSD / entry
            let first = Self.binanceLinear(side: side, entry: entry, leverage: leverage, q: q, tier: table.tier(forNotional: notionalUSD))
            price = first.flatMap { lp in
                let tier = table.tier(forNotional: q * lp)
                return tier == table.tier(forNotional: notionalUSD) ? lp : Self.binanceLinear(side: side, entry: entry, leverage: leverage, q: q, tier: tier)
            }
        case .binanceInverse:
            let coins = notionalUSD / entry
            let first = Self.binanceInverse(side: side, entry: entry, leverage: leverage, s: notionalUSD, tier: table.tier(forNotional: coins))
            price = first.flatMap { lp in
                let tier = table.tier(forNotional: notionalUSD / lp)
                return tier == table.tier(forNotional: coins) ? lp : Self.binanceInverse(side: side, entry: entry, leverage: leverage, s: notionalUSD, tier: tier)
            }
        case .bybitLinear:
            let q = notionalUSD / entry
            let tier = table.tier(forNotional: notionalUSD)
            let im = q * entry / leverage
            let mm = q * entry * tier.mmr - tier.deduction
            price = side == .long ? entry - (im - mm) / q : entry + (im - mm) / q
        case .okxLinear:
            let mmr = table.tier(forNotional: notionalUSD).mmr
            price = side == .long
                ? entry * (1 - 1 / leverage) / (1 - mmr - takerFee)
                : entry * (1 + 1 / leverage) / (1 + mmr + takerFee)
        case .genericLinear:
            let mmr = table.tier(forNotional: notionalUSD).mmr
            price = side == .long ? entry * (1 - 1 / leverage) / (1 - mmr) : entry * (1 + 1 / leverage) / (1 + mmr)
        case .genericInverse:
            let mmr = table.tier(forNotional: notionalUSD / entry).mmr
            price = side == .long ? entry * (1 + mmr) / (1 + 1 / leverage) : entry * (1 - mmr) / (1 - 1 / leverage)
        }
        guard let price, price.isFinite, price > 0 else { return nil }
        return price
    }

    private static func binanceLinear(side: PositionSide, entry: Double, leverage: Double, q: Double, tier: MarginTier) -> Double? {
        let margin = q * entry / leverage
        let price = side == .long
            ? (q * entry - margin - tier.deduction) / (q * (1 - tier.mmr))
            : (q * entry + margin + tier.deduction) / (q * (1 + tier.mmr))
        return price.isFinite && price > 0 ? price : nil
    }

    private static func binanceInverse(side: PositionSide, entry: Double, leverage: Double, s: Double, tier: MarginTier) -> Double? {
        let margin = s / (entry * leverage)
        let price = side == .long
            ? s * (1 + tier.mmr) / (margin + tier.deduction + s / entry)
            : s * (1 - tier.mmr) / (s / entry - margin - tier.deduction)
        return price.isFinite && price > 0 ? price : nil
    }
}

/// Every parameter of the projected-layer model (docs/MODEL.md), with defaults. Codable with
/// snake_case keys; a key left out of a config file keeps its default.
public struct ModelParameters: Sendable, Hashable, Codable {
    /// One leverage tier of new positions and its share of new open interest.
    public struct LeverageTier: Sendable, Hashable, Codable {
        public var leverage: Double
        public var weight: Double
        public init(leverage: Double, weight: Double) {
            self.leverage = leverage
            self.weight = weight
        }
    }

    /// One entry-price offset from the minute's VWAP (a fraction: −0.001 = 0.1 % below) and its share.
    public struct EntryOffset: Sendable, Hashable, Codable {
        public var offset: Double
        public var weight: Double
        public init(offset: Double, weight: Double) {
            self.offset = offset
            self.weight = weight
        }
    }

    /// Which total an open-interest decrease is a share of.
    public enum ShrinkReference: String, Sendable, Hashable, Codable {
        /// The venue's open interest before the minute: every open position is equally likely to close.
        case openInterest = "open_interest"
        /// The book's own total (gptprojectmanager's choice; overstates closing while the book is young).
        case book
    }

    /// Leverage tiers of new positions (weights are normalized to sum 1). Default: 5x .15, 10x .30,
    /// 25x .25, 50x .20, 100x .10.
    public var leverageTiers: [LeverageTier] = [
        .init(leverage: 5, weight: 0.15), .init(leverage: 10, weight: 0.30), .init(leverage: 25, weight: 0.25),
        .init(leverage: 50, weight: 0.20), .init(leverage: 100, weight: 0.10),
    ]
    /// Where new positions enter around the VWAP (weights normalized). Default: all at the VWAP.
    public var entryOffsets: [EntryOffset] = [.init(offset: 0, weight: 1)]
    /// Long share of new open interest = 0.5 + w·(taker-buy share − 0.5), clamped to [0, 1]; 1 follows taker flow fully, 0 splits evenly.
    public var takerFlowWeight: Double = 1
    /// Exponential age decay: a level loses half its USD every this many minutes; nil = no decay.
    public var decayHalfLifeMinutes: Double? = nil
    /// What an open-interest decrease shrinks proportionally against.
    public var shrinkReference: ShrinkReference = .openInterest
    /// Whether open interest already removed as triggered levels is subtracted from a decrease (so a
    /// liquidation cascade does not shrink the book twice).
    public var creditTriggered: Bool = true
    /// A one-minute open-interest change above this share of open interest is taken as a data glitch:
    /// the book is left alone and the baseline reset.
    public var maxOIChangeFraction: Double = 0.25
    /// Position size (USD) used to pick the margin tier and scale deductions.
    public var typicalPositionUSD: Double = 10_000
    /// Taker fee in the OKX formula.
    public var takerFee: Double = 0.0005
    /// Levels under this many USD are dropped.
    public var minLevelUSD: Double = 0.01
    /// Snapshots and projected tiles keep levels within ±this fraction of the mark price.
    public var snapshotRangeFraction: Double = 0.3
    /// Projected tile cells under this many USD are not written.
    public var minTileCellUSD: Double = 1
    /// Margin tiers used when a venue's table is not known.
    public var fallbackMarginTable: MarginTable = .fallback

    public init() {}

    /// Leverage tier weights scaled to sum 1.
    public var normalizedTierWeights: [Double] { Self.normalize(leverageTiers.map(\.weight)) }
    /// Entry-offset weights scaled to sum 1.
    public var normalizedOffsetWeights: [Double] { Self.normalize(entryOffsets.map(\.weight)) }

    /// Problems that make the parameters unusable (empty when fine).
    public var problems: [String] {
        var out: [String] = []
        if leverageTiers.isEmpty || leverageTiers.count > 255 { out.append("leverage_tiers: 1 to 255 tiers") }
        if leverageTiers.contains(where: { !($0.leverage >= 1) || !($0.weight >= 0) }) { out.append("leverage_tiers: leverage ≥ 1, weight ≥ 0") }
        if !(leverageTiers.map(\.weight).reduce(0, +) > 0) { out.append("leverage_tiers: weights sum to 0") }
        if entryOffsets.isEmpty || entryOffsets.contains(where: { !($0.offset > -1 && $0.offset < 1) || !($0.weight >= 0) }) {
            out.append("entry_offsets: offsets in (−1, 1), weights ≥ 0")
        }
        if !(entryOffsets.map(\.weight).reduce(0, +) > 0) { out.append("entry_offsets: weights sum to 0") }
        if !(0...1).contains(takerFlowWeight) { out.append("taker_flow_weight: 0…1") }
        if let h = decayHalfLifeMinutes, !(h > 0) { out.append("decay_half_life_minutes: > 0 or null") }
        if !(maxOIChangeFraction > 0) { out.append("max_oi_change_fraction: > 0") }
        if !(typicalPositionUSD > 0) { out.append("typical_position_usd: > 0") }
        if !(snapshotRangeFraction > 0 && snapshotRangeFraction < 1) { out.append("snapshot_range_fraction: (0, 1)") }
        return out
    }

    private static func normalize(_ weights: [Double]) -> [Double] {
        let sum = weights.reduce(0, +)
        return weights.map { sum > 0 ? $0 / sum : 0 }
    }

    enum CodingKeys: String, CodingKey {
        case leverageTiers = "leverage_tiers", entryOffsets = "entry_offsets", takerFlowWeight = "taker_flow_weight"
        case decayHalfLifeMinutes = "decay_half_life_minutes", shrinkReference = "shrink_reference", creditTriggered = "credit_triggered"
        case maxOIChangeFraction = "max_oi_change_fraction", typicalPositionUSD = "typical_position_usd", takerFee = "taker_fee"
        case minLevelUSD = "min_level_usd", snapshotRangeFraction = "snapshot_range_fraction", minTileCellUSD = "min_tile_cell_usd"
        case fallbackMarginTable = "fallback_margin_table"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = ModelParameters()
        leverageTiers = try c.decodeIfPresent([LeverageTier].self, forKey: .leverageTiers) ?? d.leverageTiers
        entryOffsets = try c.decodeIfPresent([EntryOffset].self, forKey: .entryOffsets) ?? d.entryOffsets
        takerFlowWeight = try c.decodeIfPresent(Double.self, forKey: .takerFlowWeight) ?? d.takerFlowWeight
        decayHalfLifeMinutes = try c.decodeIfPresent(Double.self, forKey: .decayHalfLifeMinutes) ?? d.decayHalfLifeMinutes
        shrinkReference = try c.decodeIfPresent(ShrinkReference.self, forKey: .shrinkReference) ?? d.shrinkReference
        creditTriggered = try c.decodeIfPresent(Bool.self, forKey: .creditTriggered) ?? d.creditTriggered
        maxOIChangeFraction = try c.decodeIfPresent(Double.self, forKey: .maxOIChangeFraction) ?? d.maxOIChangeFraction
        typicalPositionUSD = try c.decodeIfPresent(Double.self, forKey: .typicalPositionUSD) ?? d.typicalPositionUSD
        takerFee = try c.decodeIfPresent(Double.self, forKey: .takerFee) ?? d.takerFee
        minLevelUSD = try c.decodeIfPresent(Double.self, forKey: .minLevelUSD) ?? d.minLevelUSD
        snapshotRangeFraction = try c.decodeIfPresent(Double.self, forKey: .snapshotRangeFraction) ?? d.snapshotRangeFraction
        minTileCellUSD = try c.decodeIfPresent(Double.self, forKey: .minTileCellUSD) ?? d.minTileCellUSD
        fallbackMarginTable = try c.decodeIfPresent(MarginTable.self, forKey: .fallbackMarginTable) ?? d.fallbackMarginTable
    }
}

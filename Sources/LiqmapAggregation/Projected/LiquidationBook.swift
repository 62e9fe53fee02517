import LiqmapCore

/// The projected layer of one venue's instrument: estimated open liquidation levels per leverage
/// tier, advanced once per minute (docs/MODEL.md). Pure and deterministic: the same summaries in the
/// same order give the same book, bit for bit. Codable, so an owner can checkpoint it with its progress.
///
/// Each minute, in order: (1) age decay; (2) levels crossed by the mark range are removed and counted
/// as triggered (long levels at or above the low, short levels at or below the high); (3) the open
/// interest change: an increase opens positions at the VWAP, split long/short by taker flow, spread
/// over entry offsets and leverage tiers, each placed at its liquidation price; a decrease (less what
/// was just triggered) closes every level proportionally; (4) levels under `minLevelUSD` go.
public struct LiquidationBook: Sendable, Hashable, Codable {
    public let venue: Venue
    public let instrument: String
    public let formula: LiquidationFormula
    public let marginTable: MarginTable
    public let parameters: ModelParameters
    public let grid: PriceGrid
    /// The last minute advanced to.
    public private(set) var minute: Int64?
    /// The last open interest seen, in OI units (base for linear contracts, USD for inverse).
    public private(set) var openInterest: Double?
    /// The last mark (or VWAP) seen.
    public private(set) var markPrice: Double?
    /// Levels per leverage tier (index into `parameters.leverageTiers`).
    public private(set) var tiers: [TierLevels]

    public init(
        venue: Venue, instrument: String, formula: LiquidationFormula, marginTable: MarginTable? = nil,
        parameters: ModelParameters = ModelParameters(), grid: PriceGrid = .standard
    ) {
        precondition(parameters.problems.isEmpty, "bad model parameters: \(parameters.problems)")
        self.venue = venue
        self.instrument = instrument
        self.formula = formula
        self.marginTable = marginTable ?? parameters.fallbackMarginTable
        self.parameters = parameters
        self.grid = grid
        self.tiers = Array(repeating: TierLevels(), count: parameters.leverageTiers.count)
    }

    /// A book for a feed's instrument, with the formula the feed's venue uses.
    public init(feed: Feed, instrument: String, marginTable: MarginTable? = nil, parameters: ModelParameters = ModelParameters()) {
        self.init(
            venue: feed.venue, instrument: instrument, formula: .of(feed: feed, instrument: instrument), marginTable: marginTable,
            parameters: parameters)
    }

    /// Total USD of long and short levels.
    public var totalUSD: (long: Double, short: Double) {
        var long = 0.0, short = 0.0
        for tier in tiers {
            for level in tier.long { long += level.usd }
            for level in tier.short { short += level.usd }
        }
        return (long, short)
    }

    /// Number of levels in the book.
    public var levelCount: Int { tiers.reduce(0) { $0 + $1.long.count + $1.short.count } }

    /// Advances the book by one minute.
    @discardableResult
    public mutating func advance(_ summary: MinuteSummary) -> MinuteStep {
        var step = MinuteStep(minute: summary.minute)
        if let last = minute, summary.minute <= last {
            step.stale = true
            return step
        }
        // 1. Age decay for the minutes since the last step.
        if let halfLife = parameters.decayHalfLifeMinutes, let last = minute {
            step.decayFactor = naturalExp(-Double(summary.minute - last) / halfLife * 0.693_147_180_559_945_3)
            scaleAll(by: step.decayFactor)
        }
        minute = summary.minute
        // 2. Trigger levels crossed by the mark range.
        var triggeredOI = 0.0
        if let low = summary.markLow {
            for t in tiers.indices {
                let cut = tiers[t].long.firstIndex { $0.price >= low } ?? tiers[t].long.count
                for level in tiers[t].long[cut...] {
                    step.triggeredLongUSD += level.usd
                    triggeredOI += level.oi
                }
                tiers[t].long.removeSubrange(cut...)
            }
        }
        if let high = summary.markHigh {
            for t in tiers.indices {
                let keep = tiers[t].short.firstIndex { $0.price > high } ?? tiers[t].short.count
                for level in tiers[t].short[..<keep] {
                    step.triggeredShortUSD += level.usd
                    triggeredOI += level.oi
                }
                tiers[t].short.removeSubrange(..<keep)
            }
        }
        let entry = summary.vwap ?? summary.markClose
        markPrice = summary.markClose ?? summary.vwap ?? markPrice
        // 3. Open interest change.
        if let current = openInterestUnits(summary), current >= 0 {
            if let previous = openInterest {
                let change = current - previous
                // Positions just triggered have left the venue's open interest already: credit them,
                // so a cascade neither shrinks the book twice nor hides the positions opened meanwhile.
                let net = change + (parameters.creditTriggered ? triggeredOI : 0)
                if previous > 0, abs(change) / previous > parameters.maxOIChangeFraction {
                    step.oiGlitch = true
                } else if net > 0, let entry {
                    open(notionalUSD: formula.isInverse ? net : net * entry, entry: entry, summary: summary, step: &step)
                } else if net < 0 {
                    let reference = parameters.shrinkReference == .openInterest ? previous : bookOI
                    if reference > 0 {
                        step.shrinkFraction = min(-net / reference, 1)
                        scaleAll(by: 1 - step.shrinkFraction)
                    }
                }
            }
            openInterest = current
        }
        // 4. Drop dust.
        let floor = parameters.minLevelUSD
        for t in tiers.indices {
            tiers[t].long.removeAll { $0.usd < floor }
            tiers[t].short.removeAll { $0.usd < floor }
        }
        return step
    }

    /// Open interest in the book's units: base for linear contracts, USD for inverse (falling back to base × mark).
    private func openInterestUnits(_ s: MinuteSummary) -> Double? {
        if formula.isInverse {
            if let usd = s.openInterestUSD { return usd }
            if let base = s.openInterestBase, let price = s.markClose ?? s.vwap { return base * price }
            return nil
        }
        return s.openInterestBase
    }

    private var bookOI: Double {
        tiers.reduce(0) { sum, tier in sum + tier.long.reduce(0) { $0 + $1.oi } + tier.short.reduce(0) { $0 + $1.oi } }
    }

    private mutating func scaleAll(by factor: Double) {
        for t in tiers.indices {
            for i in tiers[t].long.indices { tiers[t].long[i].scale(by: factor) }
            for i in tiers[t].short.indices { tiers[t].short[i].scale(by: factor) }
        }
    }

    private mutating func open(notionalUSD: Double, entry: Double, summary: MinuteSummary, step: inout MinuteStep) {
        let buyShare = summary.takerBuyShare ?? 0.5
        let longShare = min(max(0.5 + parameters.takerFlowWeight * (buyShare - 0.5), 0), 1)
        let tierWeights = parameters.normalizedTierWeights
        let offsetWeights = parameters.normalizedOffsetWeights
        for (isLong, share) in [(true, longShare), (false, 1 - longShare)] where share > 0 {
            for (o, offset) in parameters.entryOffsets.enumerated() where offsetWeights[o] > 0 {
                let price = entry * (1 + offset.offset)
                for (t, tier) in parameters.leverageTiers.enumerated() where tierWeights[t] > 0 {
                    let usd = notionalUSD * share * offsetWeights[o] * tierWeights[t]
                    guard
                        let liq = formula.liquidationPrice(
                            side: isLong ? .long : .short, entry: price, leverage: tier.leverage,
                            notionalUSD: parameters.typicalPositionUSD, table: marginTable, takerFee: parameters.takerFee),
                        let row = grid.baseRow(price: liq)
                    else {
                        step.unplacedUSD += usd
                        continue
                    }
                    let oi = formula.isInverse ? usd : usd / price
                    tiers[t].insert(BookLevel(row: row, price: liq, usd: usd, oi: oi), side: isLong)
                    if isLong { step.openedLongUSD += usd } else { step.openedShortUSD += usd }
                }
            }
        }
    }
}

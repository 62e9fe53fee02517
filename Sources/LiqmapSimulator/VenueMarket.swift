import Foundation
import LiqmapCore

/// What one step of a venue's market printed, in time order.
enum MarketPrint {
    case trade(TradePrint)
    /// A forced close: the print, the position as it was, and the mark that triggered it.
    case liquidation(LiquidationPrint, Position, triggerMark: Double)
}

/// One venue's market for one asset: its price (the index times its basis and the decaying impact
/// of liquidation orders), its trader population, and the trades, opens, closes and liquidations of
/// each step.
struct VenueMarket {
    let feedIndex: Int
    let assetIndex: Int
    let instrument: SimInstrument
    let format: ContractFormat
    let rules: MarginRules
    let profile: VenueProfile
    let asset: AssetSpec
    var rng: SimRandom
    var book = PositionBook()
    /// The truth's liquidation-price density of the open positions (nil when no truth is recorded).
    var density: DensityGrid?

    /// Log basis against the index (Ornstein–Uhlenbeck) and the temporary log impact of liquidations.
    var basis: Double
    var impact: Double = 0
    /// The permanent share of this step's liquidation flow, handed to the index after the step.
    var permanent: Double = 0
    var mark: Double
    var index: Double
    var lastPrice: Int64
    var lastTs: Int64 = 0
    var nextPositionID: Int64

    // Rates and sizes.
    let targetPositions: Double
    let holdingMeanMs: Double
    let openRatePerMs: Double
    let depthUSD: Double
    let leverageCumulative: [(leverage: Int, cumulative: Double)]
    /// Poisson means per step and their `exp(-mean)`: opens, and other trades per volatility regime.
    let opensPerStep: Double, opensLimit: Double
    let tradesPerStep: [Double], tradesLimit: [Double]

    /// This minute's flows per side (0 long, 1 short).
    var opened = [FlowTotals(), FlowTotals()]
    var closed = [FlowTotals(), FlowTotals()]
    var liquidated = [FlowTotals(), FlowTotals()]
    var liquidatedFillUSD = [0.0, 0.0]

    private var actions: [(offset: Int64, kind: UInt8, slot: Int32)] = []

    static let permanentShare = 0.3
    static let impactHalfLifeSeconds = 30.0
    static let basisHalfLifeSeconds = 600.0
    static let regimeActivity: [Double] = [0.7, 1.0, 2.2]
    /// Trades per second that open or close no tracked position (BTC on Binance USD-M, normal regime).
    static let baseTradesPerSecond = 10.0
    static let basisTheta = 1.0 / basisHalfLifeSeconds * log(2)
    static let impactDecay = exp(-Double(SimulationConfig.stepMs) / 1000 / impactHalfLifeSeconds * log(2))

    init(feedIndex: Int, assetIndex: Int, instrument: SimInstrument, profile: VenueProfile, asset: AssetSpec, config: SimulationConfig,
         seed: UInt64) {
        self.feedIndex = feedIndex
        self.assetIndex = assetIndex
        self.instrument = instrument
        self.format = instrument.format
        self.profile = profile
        self.asset = asset
        self.rules = profile.marginRules(asset, instrument: instrument)
        self.rng = SimRandom(seed: seed, stream: 1000 + UInt64(feedIndex) * 64 + UInt64(assetIndex))
        self.density = config.recordTruth ? DensityGrid(asset: asset, feed: profile.feed.rawValue) : nil
        self.basis = profile.basisMean
        self.index = asset.startPrice
        self.mark = asset.startPrice * exp(profile.basisMean)
        self.lastPrice = format.priceUnits(mark)
        self.nextPositionID = Int64(feedIndex + 1) * 1_000_000_000_000 + Int64(assetIndex + 1) * 10_000_000_000
        targetPositions = (6000 * profile.populationScale * config.populationScale).rounded()
        holdingMeanMs = config.holdingHours * 3_600_000
        let total = profile.leverageMix.reduce(0) { $0 + $1.weight }
        var running = 0.0
        leverageCumulative = profile.leverageMix.map { entry in
            running += entry.weight / total
            return (entry.leverage, running)
        }
        // Stationary population: opens per ms = N / mean holding time over the leverage mix.
        let meanHolding = profile.leverageMix.reduce(0.0) { $0 + $1.weight / total * Self.holdingFactor(Double($1.leverage)) } * holdingMeanMs
        openRatePerMs = targetPositions / meanHolding
        depthUSD = profile.depthPerPercentUSD * asset.sizeScale * config.depthScale
        let dt = Double(SimulationConfig.stepMs)
        opensPerStep = openRatePerMs * dt
        opensLimit = exp(-opensPerStep)
        let tradesPerMs = Self.baseTradesPerSecond * profile.activityScale * asset.activityScale * config.activityScale / 1000
        let perStep = Self.regimeActivity.map { tradesPerMs * dt * $0 }
        tradesPerStep = perStep
        tradesLimit = perStep.map { exp(-$0) }
    }

    /// High-leverage positions are held for shorter times (10/L of the mean, at most twice it) and
    /// are smaller (√(10/L)).
    static func holdingFactor(_ leverage: Double) -> Double { min(2, 10 / leverage) }
    static func sizeFactor(_ leverage: Double) -> Double { (10 / leverage).squareRoot() }

    var logOffset: Double { basis + impact + permanent }

    mutating func drawLeverage() -> Int {
        let u = rng.uniform()
        for entry in leverageCumulative where u < entry.cumulative { return entry.leverage }
        return leverageCumulative.last!.leverage
    }

    /// A new position's terms at `entry`; leverage capped by the tier of its notional.
    mutating func makePosition(long: Bool, entryUnits: Int64, lots: Int64, leverage drawn: Int, at time: Int64) -> Position {
        let entry = format.price(units: entryUnits)
        let size = format.marginSize(lots: lots)
        let notional = format.isInverse ? size / entry : size * entry
        let leverage = Double(min(drawn, rules.maxLeverage(notional: notional)))
        var lp = rules.liquidationPrice(long: long, entry: entry, qty: size, leverage: leverage)
        if !(lp.isFinite && lp > 0) { lp = long ? 0 : .infinity }
        let usd = format.usd(lots: lots, price: entry)
        defer { nextPositionID += 1 }
        return Position(id: nextPositionID, long: long, leverage: Int32(leverage), lots: lots, entry: entry, liquidation: lp,
                        bankruptcy: rules.bankruptcyPrice(long: long, entry: entry, leverage: leverage),
                        entryQty: usd / entry, entryUSD: usd, openedAt: time, alive: true, generation: 0)
    }

    /// The population at the start: entries spread around the start price, none already past its
    /// liquidation price; they count as opened at `time`.
    mutating func seedPopulation(at time: Int64) {
        let spread = asset.annualVolatility * 0.04
        for _ in 0..<Int(targetPositions) {
            let leverage = drawLeverage()
            let long = rng.chance(profile.longBias)
            let usd = min(rng.logNormal(median: 6000 * asset.sizeScale * Self.sizeFactor(Double(leverage)), sigma: 1.3), 5_000_000 * asset.sizeScale)
            var position: Position?
            for _ in 0..<8 {
                let entry = format.priceUnits(mark * exp(spread * rng.normal()))
                let p = makePosition(long: long, entryUnits: entry, lots: format.lots(usd: usd, price: mark), leverage: leverage, at: time)
                if long ? p.liquidation < mark * 0.998 : p.liquidation > mark * 1.002 {
                    position = p
                    break
                }
            }
            let p = position ?? makePosition(long: long, entryUnits: format.priceUnits(mark), lots: format.lots(usd: usd, price: mark),
                                             leverage: leverage, at: time)
            let closeAt = time + Int64(rng.exponential(mean: holdingMeanMs * Self.holdingFactor(Double(p.leverage))))
            book.insert(p, closeAt: max(closeAt, time + 1))
            density?.add(p)
            opened[p.long ? 0 : 1].add(p)
        }
    }

    @inline(__always)
    func tradeUnits(buy: Bool) -> Int64 {
        let scaled = mark * Double(ByteFormat.powersOfTen[format.priceDecimals]) / Double(format.tickUnits)
        let ticks = buy ? scaled.rounded(.up) : scaled.rounded(.down)
        return max(1, Int64(ticks)) * format.tickUnits
    }

    @inline(__always)
    mutating func stamp(_ t: Int64) -> Int64 {
        lastTs = max(lastTs, t)
        return lastTs
    }

    /// One step `[t, t + dtMs)`: new mark from the index, liquidations (cascading through their own
    /// impact), then opens, closes and other trades in time order.
    mutating func step(t: Int64, dtMs: Int64, latent: LatentView, prints: inout [MarketPrint]) {
        if t % 1000 == 0 {  // the basis moves once a second
            basis += (profile.basisMean - basis) * Self.basisTheta + profile.basisSigma * (2 * Self.basisTheta).squareRoot() * rng.normal()
        }
        if impact != 0 { impact = abs(impact) < 1e-12 ? 0 : impact * Self.impactDecay }
        index = latent.price
        mark = index * exp(logOffset)

        liquidate(t: t, prints: &prints)

        // Opens, closes and other trades of this step, in time order.
        actions.removeAll(keepingCapacity: true)
        for _ in 0..<rng.poisson(opensPerStep, limit: opensLimit) { actions.append((Int64(rng.below(Int(dtMs))), 0, 0)) }
        let regime = latent.regime
        for _ in 0..<rng.poisson(tradesPerStep[regime], limit: tradesLimit[regime]) { actions.append((Int64(rng.below(Int(dtMs))), 2, 0)) }
        while let due = book.dueClose(by: t + dtMs - 1) {
            actions.append((max(0, due.at - t), 1, due.slot))
        }
        if actions.count > 1 { actions.sort { $0.offset < $1.offset || ($0.offset == $1.offset && $0.kind < $1.kind) } }
        for action in actions {
            let ts = stamp(t + action.offset)
            switch action.kind {
            case 0:
                let leverage = drawLeverage()
                let pLong = min(0.8, max(0.2, profile.longBias + 0.12 * tanh(latent.momentum)))
                let long = rng.chance(pLong)
                let usd = min(rng.logNormal(median: 6000 * asset.sizeScale * Self.sizeFactor(Double(leverage)), sigma: 1.3),
                              5_000_000 * asset.sizeScale)
                let units = tradeUnits(buy: long)
                let lots = format.lots(usd: usd, price: mark)
                let p = makePosition(long: long, entryUnits: units, lots: lots, leverage: leverage, at: ts)
                let closeAt = ts + 1 + Int64(rng.exponential(mean: holdingMeanMs * Self.holdingFactor(Double(p.leverage))))
                book.insert(p, closeAt: closeAt)
                density?.add(p)
                opened[long ? 0 : 1].add(p)
                lastPrice = units
                prints.append(.trade(TradePrint(asset: assetIndex, ts: ts, takerBuy: long, price: units, lots: lots, liquidation: -1)))
            case 1:
                guard book.slots[Int(action.slot)].alive else { continue }
                let p = book.remove(slot: action.slot)
                density?.remove(p)
                closed[p.long ? 0 : 1].add(p)
                let units = tradeUnits(buy: !p.long)
                lastPrice = units
                prints.append(.trade(TradePrint(asset: assetIndex, ts: ts, takerBuy: !p.long, price: units, lots: p.lots, liquidation: -1)))
            default:
                let usd = rng.logNormal(median: 1500 * asset.sizeScale, sigma: 1.4)
                let buy = rng.chance(0.5)
                let units = tradeUnits(buy: buy)
                lastPrice = units
                prints.append(.trade(TradePrint(asset: assetIndex, ts: ts, takerBuy: buy, price: units,
                                                lots: format.lots(usd: usd, price: mark), liquidation: -1)))
            }
        }
        book.maintain()
    }

    /// Liquidates every position the mark has crossed; each liquidation is a market order whose
    /// impact moves the mark, which may cross more (a cascade).
    mutating func liquidate(t: Int64, prints: inout [MarketPrint]) {
        var n: Int64 = 0
        var first: Int64 = -1
        while n < 10_000 {
            let slot: Int32
            if let s = book.longToLiquidate(mark: mark) {
                slot = s
            } else if let s = book.shortToLiquidate(mark: mark) {
                slot = s
            } else {
                return
            }
            let trigger = mark
            let p = book.remove(slot: slot)
            density?.remove(p)
            let side = p.long ? 0 : 1
            let notional = format.usd(lots: p.lots, price: mark)
            let move = 0.01 * notional / depthUSD * (p.long ? -1 : 1)
            impact += move * (1 - Self.permanentShare)
            permanent += move * Self.permanentShare
            let fill = trigger * exp(move / 2)
            mark = index * exp(logOffset)
            if first < 0 { first = Int64(rng.below(50)) }
            let ts = stamp(t + min(first + n, 99))
            let fillUnits = format.priceUnits(fill)
            lastPrice = fillUnits
            liquidated[side].add(p)
            liquidatedFillUSD[side] += format.usd(lots: p.lots, price: format.price(units: fillUnits))
            let print = LiquidationPrint(asset: assetIndex, ts: ts, long: p.long, lots: p.lots, fillPrice: fillUnits,
                                         bankruptcyPrice: format.priceUnits(p.bankruptcy), truthIndex: -1)
            prints.append(.liquidation(print, p, triggerMark: trigger))
            prints.append(.trade(TradePrint(asset: assetIndex, ts: ts, takerBuy: !p.long, price: fillUnits, lots: p.lots, liquidation: 0)))
            n += 1
        }
    }

    /// Hands the permanent impact to the index (called once per step by the simulator).
    mutating func takePermanent() -> Double {
        defer { permanent = 0 }
        return permanent
    }

    var quote: VenueQuote {
        VenueQuote(mark: mark, index: index, funding: funding, lastPrice: lastPrice, openLots: book.open[0].lots + book.open[1].lots)
    }

    /// An 8-hour funding rate from the premium (clamped like the venues' ±0.75% caps, tighter).
    var funding: Double { min(0.003, max(-0.003, 0.0001 + 0.3 * (mark / index - 1))) }

    mutating func resetMinute() {
        opened = [FlowTotals(), FlowTotals()]
        closed = [FlowTotals(), FlowTotals()]
        liquidated = [FlowTotals(), FlowTotals()]
        liquidatedFillUSD = [0, 0]
    }
}

/// Leverage tiers of the truth density snapshots: `2-5`, `6-10`, `11-25`, `26-50`, `51-100`, `101-125`.
public enum LeverageTier {
    public static let upperBounds: [Int32] = [5, 10, 25, 50, 100, 125]
    public static let labels = ["2-5", "6-10", "11-25", "26-50", "51-100", "101-125"]

    @inline(__always)
    public static func index(_ leverage: Int32) -> Int {
        var i = 0
        while i < upperBounds.count - 1, leverage > upperBounds[i] { i += 1 }
        return i
    }
}

/// One liquidation that really happened (whether or not its feed showed it).
struct TruthLiquidation {
    var ts: Int64
    var feedIndex: Int
    var assetIndex: Int
    var position: Position
    var triggerMark: Double
    var fillPrice: Int64
    var bankruptcyPrice: Int64
    var reported = false
}

/// The ground truth as CSV bytes (`truth/liquidations.csv`, `truth/minutes.csv`,
/// `truth/density.csv`; format in docs/SIMULATOR.md). Liquidation rows wait a minute before they
/// are written, until every feed has decided whether it shows them.
struct TruthLog {
    var liquidationsCSV: [UInt8] = []
    var minutesCSV: [UInt8] = []
    var densityCSV: [UInt8] = []
    /// Liquidations not yet written; `base` is the global index of `pending[0]`.
    var pending: [TruthLiquidation] = []
    var base = 0
    /// How many of `pending` were recorded before the last minute boundary.
    var settledCount = 0

    static let liquidationsHeader = "ts,feed,symbol,asset,position_id,side,leverage,leverage_tier,entry_price,liquidation_price,"
        + "bankruptcy_price,trigger_mark,fill_price,size,qty,notional_usd,reported\n"
    static let minutesHeader = "minute_ts,feed,symbol,asset,side,opened_n,opened_size,opened_qty,opened_usd,closed_n,closed_size,closed_qty,"
        + "closed_usd,liquidated_n,liquidated_size,liquidated_qty,liquidated_usd,liquidated_fill_usd,open_n,open_size,open_qty,open_usd,mark\n"
    static let densityHeader = "ts,feed,asset,side,leverage_tier,price,n,qty,usd\n"

    init() {
        ByteFormat.append(string: Self.liquidationsHeader, to: &liquidationsCSV)
        ByteFormat.append(string: Self.minutesHeader, to: &minutesCSV)
        ByteFormat.append(string: Self.densityHeader, to: &densityCSV)
    }

    /// Records a liquidation; returns its global index.
    mutating func record(_ l: TruthLiquidation) -> Int {
        pending.append(l)
        return base + pending.count - 1
    }

    mutating func markReported(_ index: Int) {
        let i = index - base
        if i >= 0, i < pending.count { pending[i].reported = true }
    }

    /// At a minute boundary: writes the liquidations recorded before the previous boundary (their
    /// feeds have all decided by now), sorted by time.
    mutating func minuteBoundary(markets: [[VenueMarket]], feeds: [String]) {
        write(count: settledCount, markets: markets, feeds: feeds)
        settledCount = pending.count
    }

    /// Writes everything (end of run).
    mutating func flushAll(markets: [[VenueMarket]], feeds: [String]) {
        write(count: pending.count, markets: markets, feeds: feeds)
        settledCount = 0
    }

    private mutating func write(count: Int, markets: [[VenueMarket]], feeds: [String]) {
        guard count > 0 else { return }
        var chunk = Array(pending[0..<count].enumerated())
        chunk.sort { a, b in
            (a.element.ts, a.element.feedIndex, a.offset) < (b.element.ts, b.element.feedIndex, b.offset)
        }
        for (_, l) in chunk { row(l, market: markets[l.feedIndex][l.assetIndex], feed: feeds[l.feedIndex]) }
        pending.removeFirst(count)
        base += count
        settledCount -= count
    }

    private mutating func row(_ l: TruthLiquidation, market m: VenueMarket, feed: String) {
        let inst = m.instrument
        let p = l.position
        let d = inst.priceDecimals
        let fill = inst.price(units: l.fillPrice)
        var o = liquidationsCSV
        liquidationsCSV = []
        ByteFormat.append(int: l.ts, to: &o)
        o.append(0x2C)
        ByteFormat.append(string: feed, to: &o)
        o.append(0x2C)
        ByteFormat.append(string: inst.symbol, to: &o)
        o.append(0x2C)
        ByteFormat.append(string: inst.asset, to: &o)
        o.append(0x2C)
        ByteFormat.append(int: p.id, to: &o)
        ByteFormat.append(p.long ? ",long," : ",short,", to: &o)
        ByteFormat.append(int: Int64(p.leverage), to: &o)
        o.append(0x2C)
        ByteFormat.append(string: LeverageTier.labels[LeverageTier.index(p.leverage)], to: &o)
        o.append(0x2C)
        ByteFormat.append(fixed: p.entry, decimals: d, to: &o)
        o.append(0x2C)
        ByteFormat.append(fixed: p.liquidation, decimals: d + 4, to: &o)
        o.append(0x2C)
        ByteFormat.append(units: l.bankruptcyPrice, decimals: d, to: &o)
        o.append(0x2C)
        ByteFormat.append(fixed: l.triggerMark, decimals: d + 4, to: &o)
        o.append(0x2C)
        ByteFormat.append(units: l.fillPrice, decimals: d, to: &o)
        o.append(0x2C)
        ByteFormat.append(units: p.lots * inst.lotUnits, decimals: inst.sizeDecimals, to: &o)
        o.append(0x2C)
        ByteFormat.append(fixed: inst.qty(lots: p.lots, price: fill), decimals: 10, to: &o)
        o.append(0x2C)
        ByteFormat.append(fixed: inst.usd(lots: p.lots, price: fill), decimals: 6, to: &o)
        ByteFormat.append(l.reported ? ",1\n" : ",0\n", to: &o)
        liquidationsCSV = o
    }

    /// The minute's flows and what is open, per side, for one venue and asset.
    mutating func minuteRows(minute: Int64, market m: VenueMarket, feed: String) {
        for side in 0..<2 {
            var o = minutesCSV
            minutesCSV = []
            ByteFormat.append(int: minute, to: &o)
            o.append(0x2C)
            ByteFormat.append(string: feed, to: &o)
            o.append(0x2C)
            ByteFormat.append(string: m.instrument.symbol, to: &o)
            o.append(0x2C)
            ByteFormat.append(string: m.instrument.asset, to: &o)
            ByteFormat.append(side == 0 ? ",long" : ",short", to: &o)
            for totals in [m.opened[side], m.closed[side], m.liquidated[side]] { Self.totals(totals, m.instrument, &o) }
            o.append(0x2C)
            ByteFormat.append(fixed: m.liquidatedFillUSD[side], decimals: 6, to: &o)
            Self.totals(m.book.open[side], m.instrument, &o)
            o.append(0x2C)
            ByteFormat.append(fixed: m.mark, decimals: m.instrument.priceDecimals + 2, to: &o)
            o.append(0x0A)
            minutesCSV = o
        }
    }

    private static func totals(_ t: FlowTotals, _ inst: SimInstrument, _ o: inout [UInt8]) {
        o.append(0x2C)
        ByteFormat.append(int: t.count, to: &o)
        o.append(0x2C)
        ByteFormat.append(units: t.lots * inst.lotUnits, decimals: inst.sizeDecimals, to: &o)
        o.append(0x2C)
        ByteFormat.append(fixed: t.qty, decimals: 10, to: &o)
        o.append(0x2C)
        ByteFormat.append(fixed: t.usd, decimals: 6, to: &o)
    }
}

/// The true liquidation-price density of one venue's open positions on one asset: positions
/// binned by side, leverage tier and liquidation price (buckets of the asset's `densityBucket`),
/// written once a minute as `truth/density.csv` rows (non-empty cells only).
struct DensityGrid {
    let bucket: Double
    let buckets: Int
    var n: [Int32]
    var lots: [Int64]
    var qty: [Double]
    var usd: [Double]
    var touched: [Int32] = []

    static let tiers = LeverageTier.labels.count

    /// Buckets cover liquidation prices from 0 to 4× the start price (beyond: the last bucket).
    init(asset: AssetSpec) {
        bucket = asset.densityBucket
        buckets = Int((4 * asset.startPrice / asset.densityBucket).rounded(.up)) + 1
        let cells = 2 * Self.tiers * buckets
        n = Array(repeating: 0, count: cells)
        lots = Array(repeating: 0, count: cells)
        qty = Array(repeating: 0, count: cells)
        usd = Array(repeating: 0, count: cells)
    }

    /// Bins every live position of `book` and appends the rows for snapshot time `ts`.
    mutating func snapshot(_ book: PositionBook, ts: Int64, feed: String, instrument inst: SimInstrument, into out: inout [UInt8]) {
        for p in book.slots where p.alive {
            guard p.liquidation.isFinite, p.liquidation > 0 else { continue }
            let b = min(buckets - 1, Int(p.liquidation / bucket))
            let cell = ((p.long ? 0 : 1) * Self.tiers + LeverageTier.index(p.leverage)) * buckets + b
            if n[cell] == 0 { touched.append(Int32(cell)) }
            n[cell] += 1
            lots[cell] += p.lots
            qty[cell] += p.entryQty
            usd[cell] += p.entryUSD
        }
        touched.sort()
        let priceDecimals = bucket >= 1 ? 0 : bucket >= 0.1 ? 1 : bucket >= 0.01 ? 2 : 4
        for c in touched {
            let cell = Int(c)
            let b = cell % buckets, tier = (cell / buckets) % Self.tiers, side = cell / buckets / Self.tiers
            ByteFormat.append(int: ts, to: &out)
            out.append(0x2C)
            ByteFormat.append(feed, to: &out)
            out.append(0x2C)
            ByteFormat.append(inst.symbol, to: &out)
            out.append(0x2C)
            ByteFormat.append(inst.asset, to: &out)
            ByteFormat.append(side == 0 ? ",long," : ",short,", to: &out)
            ByteFormat.append(LeverageTier.labels[tier], to: &out)
            out.append(0x2C)
            ByteFormat.append(fixed: Double(b) * bucket, decimals: priceDecimals, to: &out)
            out.append(0x2C)
            ByteFormat.append(int: Int64(n[cell]), to: &out)
            out.append(0x2C)
            ByteFormat.append(units: lots[cell] * inst.lotUnits, decimals: inst.sizeDecimals, to: &out)
            out.append(0x2C)
            ByteFormat.append(fixed: qty[cell], decimals: 10, to: &out)
            out.append(0x2C)
            ByteFormat.append(fixed: usd[cell], decimals: 6, to: &out)
            out.append(0x0A)
            n[cell] = 0
            lots[cell] = 0
            qty[cell] = 0
            usd[cell] = 0
        }
        touched.removeAll(keepingCapacity: true)
    }
}

/// The true liquidation-price density of one venue's open positions on one asset: positions binned
/// by side, leverage tier and liquidation price (buckets of the asset's `densityBucket`), kept up to
/// date as positions open and close, and written once a minute as `truth/density.csv` rows
/// (non-empty cells only).
struct DensityGrid {
    let bucket: Double
    let buckets: Int
    var n: [Int32]
    var qty: [Double]
    var usd: [Double]
    /// Non-empty cells, and each cell's index in `active` (-1 when empty).
    var active: [Int32] = []
    var activeIndex: [Int32]
    /// `,feed,asset,side,tier,` per (side, tier).
    let labels: [[UInt8]]
    let priceDecimals: Int

    static let tiers = LeverageTier.labels.count

    /// Buckets cover liquidation prices from 0 to 4× the start price (beyond: the last bucket).
    init(asset: AssetSpec, feed: String) {
        labels = ["long", "short"].flatMap { side in
            LeverageTier.labels.map { Array(",\(feed),\(asset.name),\(side),\($0),".utf8) }
        }
        priceDecimals = asset.densityBucket >= 1 ? 0 : asset.densityBucket >= 0.1 ? 1 : asset.densityBucket >= 0.01 ? 2 : 4
        bucket = asset.densityBucket
        buckets = Int((4 * asset.startPrice / asset.densityBucket).rounded(.up)) + 1
        let cells = 2 * Self.tiers * buckets
        n = Array(repeating: 0, count: cells)
        qty = Array(repeating: 0, count: cells)
        usd = Array(repeating: 0, count: cells)
        activeIndex = Array(repeating: -1, count: cells)
    }

    /// The cell of a position, or -1 when it can never be liquidated.
    @inline(__always)
    func cell(_ p: Position) -> Int {
        guard p.liquidation.isFinite, p.liquidation > 0 else { return -1 }
        let b = min(buckets - 1, Int(p.liquidation / bucket))
        return ((p.long ? 0 : 1) * Self.tiers + LeverageTier.index(p.leverage)) * buckets + b
    }

    mutating func add(_ p: Position) {
        let c = cell(p)
        guard c >= 0 else { return }
        if n[c] == 0 {
            activeIndex[c] = Int32(active.count)
            active.append(Int32(c))
        }
        n[c] += 1
        qty[c] += p.entryQty
        usd[c] += p.entryUSD
    }

    mutating func remove(_ p: Position) {
        let c = cell(p)
        guard c >= 0 else { return }
        n[c] -= 1
        if n[c] == 0 {
            qty[c] = 0  // no drift left behind in empty cells
            usd[c] = 0
            let i = Int(activeIndex[c])
            let last = active.removeLast()
            if i < active.count {
                active[i] = last
                activeIndex[Int(last)] = Int32(i)
            }
            activeIndex[c] = -1
        } else {
            qty[c] -= p.entryQty
            usd[c] -= p.entryUSD
        }
    }

    /// Appends the rows of snapshot time `ts`, by side, tier and price.
    func snapshot(ts: Int64, into out: inout [UInt8]) {
        for c in active.sorted() {
            let cell = Int(c)
            ByteFormat.append(int: ts, to: &out)
            out.append(contentsOf: labels[cell / buckets])
            ByteFormat.append(fixed: Double(cell % buckets) * bucket, decimals: priceDecimals, to: &out)
            out.append(0x2C)
            ByteFormat.append(int: Int64(n[cell]), to: &out)
            out.append(0x2C)
            ByteFormat.append(fixed: qty[cell], decimals: 8, to: &out)
            out.append(0x2C)
            ByteFormat.append(fixed: usd[cell], decimals: 2, to: &out)
            out.append(0x0A)
        }
    }
}

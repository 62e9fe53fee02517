import LiqmapAggregation

/// Readers of the simulator's truth CSV chunks (`Simulator.drainTruth`; formats in docs/SIMULATOR.md).
/// A chunk always holds whole rows; the header row is skipped.
public enum TruthCSV {
    /// `truth/liquidations.csv` rows as (where, time, true liquidation price, USD at the fill).
    public static func liquidations(_ bytes: [UInt8]) -> [(group: EvalGroup, liquidation: TrueLiquidation)] {
        var out: [(EvalGroup, TrueLiquidation)] = []
        forEachRow(bytes) { fields in
            // ts,feed,symbol,asset,position_id,side,leverage,leverage_tier,entry_price,liquidation_price,
            // bankruptcy_price,trigger_mark,fill_price,size,qty,notional_usd,reported
            guard fields.count >= 17, let ts = Int64(fields[0]), let price = Double(fields[9]), let usd = Double(fields[15]) else { return }
            out.append((EvalGroup(feed: String(fields[1]), asset: String(fields[3])), TrueLiquidation(time: ts, price: price, usd: usd)))
        }
        return out
    }

    /// `truth/density.csv` rows of the minutes ending on a multiple of `everyMs`: USD per bucket
    /// (index = price / bucket) per group and time, both sides and all tiers added.
    public static func density(_ bytes: [UInt8], everyMs: Int64, bucket: (String) -> Double?) -> [EvalGroup: [Int64: [Int64: Double]]] {
        var out: [EvalGroup: [Int64: [Int64: Double]]] = [:]
        forEachRow(bytes, keep: { ts in ts % everyMs == 0 }) { fields in
            // ts,feed,asset,side,leverage_tier,price,n,qty,usd
            guard fields.count >= 9, let ts = Int64(fields[0]), let price = Double(fields[5]), let usd = Double(fields[8]),
                let width = bucket(String(fields[2])), width > 0
            else { return }
            let index = Int64((price / width).rounded())
            out[EvalGroup(feed: String(fields[1]), asset: String(fields[2])), default: [:]][ts, default: [:]][index, default: 0] += usd
        }
        return out
    }

    /// Calls `body` with the comma-separated fields of every data row whose leading timestamp passes `keep`.
    static func forEachRow(_ bytes: [UInt8], keep: (Int64) -> Bool = { _ in true }, _ body: ([Substring]) -> Void) {
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != 0x0A { end += 1 }
            defer { start = end + 1 }
            // The leading timestamp, read from the bytes so skipped rows cost no String.
            var ts: Int64 = 0, i = start
            while i < end, bytes[i] >= 0x30, bytes[i] <= 0x39 {
                ts = ts &* 10 &+ Int64(bytes[i] - 0x30)
                i += 1
            }
            guard i > start, i < end, bytes[i] == 0x2C, keep(ts) else { continue }
            let line = String(decoding: bytes[start..<end], as: UTF8.self)
            body(line.split(separator: ",", omittingEmptySubsequences: false))
        }
    }
}

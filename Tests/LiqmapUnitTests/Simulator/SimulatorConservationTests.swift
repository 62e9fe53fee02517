import Foundation
import LiqmapCore
import LiqmapSimulator
import Testing

@Suite("Simulator: conservation of open interest")
struct SimulatorConservationTests {
    /// A decimal CSV field as an exact integer of 10^-scale units.
    static func units(_ text: String, scale: Int = 10) -> Int64 {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        var frac = parts.count > 1 ? String(parts[1]) : ""
        frac = String((frac + String(repeating: "0", count: scale)).prefix(scale))
        let whole = Int64(parts[0])!
        return whole * Int64(pow(10, Double(scale))) + (whole < 0 ? -1 : 1) * Int64(frac)!
    }

    @Test("opened − closed − liquidated = open, per venue, symbol and side, at every minute")
    func conservation() {
        let rows = SimulatorFixture.csv("\(SimulatorFixture.stressed.directory)/truth/minutes.csv")
        #expect(rows.count == 8 * 3 * 2 * 10)
        var cumulative: [String: (n: Int64, size: Int64, qty: Double, usd: Double)] = [:]
        var liquidated: Int64 = 0
        for row in rows {
            let key = "\(row["feed"]!)|\(row["symbol"]!)|\(row["side"]!)"
            var c = cumulative[key] ?? (0, 0, 0, 0)
            c.n += Int64(row["opened_n"]!)! - Int64(row["closed_n"]!)! - Int64(row["liquidated_n"]!)!
            c.size += Self.units(row["opened_size"]!) - Self.units(row["closed_size"]!) - Self.units(row["liquidated_size"]!)
            c.qty += Double(row["opened_qty"]!)! - Double(row["closed_qty"]!)! - Double(row["liquidated_qty"]!)!
            c.usd += Double(row["opened_usd"]!)! - Double(row["closed_usd"]!)! - Double(row["liquidated_usd"]!)!
            cumulative[key] = c
            liquidated += Int64(row["liquidated_n"]!)!
            #expect(c.n == Int64(row["open_n"]!)!, "\(key) at \(row["minute_ts"]!)")
            #expect(c.size == Self.units(row["open_size"]!), "\(key) at \(row["minute_ts"]!)")
            let qty = Double(row["open_qty"]!)!, usd = Double(row["open_usd"]!)!
            #expect(abs(c.qty - qty) <= 1e-6 * max(1, qty), "\(key) at \(row["minute_ts"]!)")
            #expect(abs(c.usd - usd) <= 1e-6 * max(1, usd), "\(key) at \(row["minute_ts"]!)")
        }
        let truthRows = SimulatorFixture.csv("\(SimulatorFixture.stressed.directory)/truth/liquidations.csv")
        #expect(liquidated == Int64(truthRows.count))
        #expect(liquidated > 100)
    }

    @Test("the density snapshot holds every open position")
    func densityTotals() {
        let run = SimulatorFixture.stressed
        var open: [String: (n: Int64, qty: Double)] = [:]
        for row in SimulatorFixture.csv("\(run.directory)/truth/minutes.csv") {
            let key = "\(Int64(row["minute_ts"]!)! + 60_000)|\(row["feed"]!)|\(row["asset"]!)|\(row["side"]!)"
            open[key] = (Int64(row["open_n"]!)!, Double(row["open_qty"]!)!)
        }
        var density: [String: (n: Int64, qty: Double)] = [:]
        var tiers = Set<String>()
        var previous = ""
        for row in SimulatorFixture.csv("\(run.directory)/truth/density.csv") {
            let key = "\(row["ts"]!)|\(row["feed"]!)|\(row["asset"]!)|\(row["side"]!)"
            var d = density[key] ?? (0, 0)
            d.n += Int64(row["n"]!)!
            d.qty += Double(row["qty"]!)!
            density[key] = d
            tiers.insert(row["leverage_tier"]!)
            #expect(Int64(row["n"]!)! > 0 && Double(row["qty"]!)! > 0 && Double(row["usd"]!)! > 0)
            // Rows are sorted by side, tier and price within a snapshot.
            let order = "\(key)|\(LeverageTier.labels.firstIndex(of: row["leverage_tier"]!)!)|\(String(repeating: "0", count: 12 - row["price"]!.count))\(row["price"]!)"
            if previous.hasPrefix(key) { #expect(previous < order, "\(previous) then \(order)") }
            previous = order
        }
        #expect(density.count == open.count)
        for (key, o) in open {
            #expect(density[key]?.n == o.n, "\(key)")
            #expect(abs((density[key]?.qty ?? 0) - o.qty) <= 1e-6 * max(1, o.qty), "\(key)")
        }
        #expect(tiers == Set(LeverageTier.labels))
    }

    @Test("conservation holds in memory for other seeds and feeds", arguments: [11 as UInt64, 12, 13])
    func otherSeeds(_ seed: UInt64) {
        var config = SimulatorFixture.stressedConfig(seed: seed, minutes: 3, feeds: [.bybitInverse, .deribit, .hyperliquid])
        config.volatilityScale = 6
        var sim = Simulator(config: config)
        var minutes: [UInt8] = []
        while sim.advance({ _ in }) {
            sim.drainTruth { file, bytes in if file == .minutes { minutes += bytes } }
        }
        let lines = String(decoding: minutes, as: UTF8.self).split(separator: "\n")
        let header = lines[0].split(separator: ",").map(String.init)
        var balance: [String: Int64] = [:]
        for line in lines.dropFirst() {
            let row = Dictionary(uniqueKeysWithValues: zip(header, line.split(separator: ",").map(String.init)))
            let key = "\(row["feed"]!)|\(row["symbol"]!)|\(row["side"]!)"
            balance[key, default: 0] += Self.units(row["opened_size"]!) - Self.units(row["closed_size"]!) - Self.units(row["liquidated_size"]!)
            #expect(balance[key] == Self.units(row["open_size"]!), "\(key)")
        }
        #expect(lines.count == 1 + 3 * 3 * 2 * 3)
        #expect(sim.liquidations.reduce(0, +) > 0)
    }
}

import Foundation
import LiqmapCore
import LiqmapExchanges
import LiqmapSimulator
import Testing

@Suite("Simulator: the feeds against the truth")
struct SimulatorTruthTests {
    /// A liquidation as compared between feed and truth: venue time, side, base qty, price.
    struct Liq: Hashable, CustomStringConvertible {
        let ts: Int64
        let long: Bool
        let qty: Double
        let price: Double
        var description: String { "\(ts) \(long ? "long" : "short") \(qty)@\(price)" }
        func matches(_ o: Liq, checkTime: Bool) -> Bool {
            (!checkTime || ts == o.ts) && long == o.long && abs(qty - o.qty) <= 1e-8 * max(1, qty) && abs(price - o.price) <= 1e-9 * price
        }
    }

    static func truthRows(_ feed: Feed) -> [[String: String]] {
        SimulatorFixture.csv("\(SimulatorFixture.stressed.directory)/truth/liquidations.csv").filter { $0["feed"] == feed.rawValue }
    }

    /// The price the venue prints: the fill for Binance (`ap`) and Deribit (the trade), the
    /// bankruptcy price for Bybit, OKX and BitMEX.
    static func printedPrice(_ feed: Feed, _ row: [String: String]) -> Double {
        switch feed {
        case .binanceUSDM, .binanceCOINM, .deribit: Double(row["fill_price"]!)!
        default: Double(row["bankruptcy_price"]!)!
        }
    }

    @Test("shown liquidations are exactly the truth rows marked reported", arguments: Feed.allCases)
    func shownMatchTruth(_ feed: Feed) {
        let rows = Self.truthRows(feed)
        #expect(rows.count >= 5, "\(feed): too few liquidations for the test to mean anything (\(rows.count))")
        let parsed = SimulatorFixture.parse(SimulatorFixture.stressed, feed)
        // The parser's qty is computed at the printed price; for inverse contracts that is USD / price.
        let shown: [(symbol: String, liq: Liq)] = parsed.events.compactMap { e in
            guard case .liquidation(let l) = e.body else { return nil }
            return (e.symbol, Liq(ts: e.ts!, long: l.side == .long, qty: l.qty, price: l.price))
        }
        let reported = rows.filter { $0["reported"] == "1" }
        #expect(shown.count == reported.count, "\(feed): feed shows \(shown.count), truth says \(reported.count) reported")
        let sim = Simulator(config: SimulatorFixture.stressed.config)
        let f = SimulatorFixture.stressed.config.feeds.firstIndex(of: feed)!
        var unmatched = shown
        for row in reported {
            let price = Self.printedPrice(feed, row)
            let inst = sim.instruments[f].first { $0.symbol == row["symbol"] }!
            let size = Double(row["size"]!)!
            let qty: Double
            switch inst.sizing {
            case .linear(let b): qty = size * b
            case .inverse(let usd): qty = size * usd / price
            }
            let want = Liq(ts: Int64(row["ts"]!)!, long: row["side"] == "long", qty: qty, price: price)
            // BitMEX liquidations carry no time: the event takes the receive time, a few ms later.
            guard let i = unmatched.firstIndex(where: { $0.symbol == row["symbol"] && $0.liq.matches(want, checkTime: feed != .bitmex) }) else {
                Issue.record("\(feed): truth liquidation \(want) of \(row["symbol"]!) not on the feed")
                continue
            }
            if feed == .bitmex { #expect(unmatched[i].liq.ts >= want.ts && unmatched[i].liq.ts <= want.ts + 60) }
            unmatched.remove(at: i)
        }
        #expect(unmatched.isEmpty, "\(feed): feed liquidations not in truth: \(unmatched.prefix(3))")
    }

    @Test("complete feeds show every liquidation; Hyperliquid shows none", arguments: [Feed.bybitLinear, .bybitInverse, .deribit, .bitmex, .hyperliquid])
    func completeness(_ feed: Feed) {
        let rows = Self.truthRows(feed)
        #expect(!rows.isEmpty)
        let expected = feed == .hyperliquid ? "0" : "1"
        #expect(rows.allSatisfy { $0["reported"] == expected }, "\(feed)")
    }

    @Test("Binance and OKX show one liquidation per symbol per second: the latest", arguments: [Feed.binanceUSDM, .binanceCOINM, .okx])
    func throttled(_ feed: Feed) {
        let rows = Self.truthRows(feed)
        var bySecond: [String: [[String: String]]] = [:]
        for row in rows { bySecond["\(row["symbol"]!)@\(Int64(row["ts"]!)! / 1000)", default: []].append(row) }
        #expect(bySecond.values.contains { $0.count > 1 }, "\(feed): no second with two liquidations: the throttle is untested")
        #expect(rows.contains { $0["reported"] == "0" })
        for (key, group) in bySecond {
            // Rows are in time order (ties in the order they happened); the last one is shown.
            #expect(group.filter { $0["reported"] == "1" }.count == 1, "\(feed) \(key)")
            #expect(group.last?["reported"] == "1", "\(feed) \(key): not the latest")
        }
        // On the wire: pushes for one symbol are at least a second apart.
        let parsed = SimulatorFixture.parse(SimulatorFixture.stressed, feed)
        var lastPush: [String: Int64] = [:]
        for e in parsed.events where e.kind == .liquidation {
            if let previous = lastPush[e.symbol] { #expect(e.recvTs! - previous >= 1000 - 100, "\(feed) \(e.symbol)") }
            lastPush[e.symbol] = e.recvTs!
        }
    }

    @Test("every liquidation was triggered by a mark beyond its liquidation price")
    func triggers() {
        let rows = SimulatorFixture.csv("\(SimulatorFixture.stressed.directory)/truth/liquidations.csv")
        #expect(rows.count > 100)
        for row in rows {
            let lp = Double(row["liquidation_price"]!)!, mark = Double(row["trigger_mark"]!)!
            let entry = Double(row["entry_price"]!)!, bankrupt = Double(row["bankruptcy_price"]!)!
            if row["side"] == "long" {
                #expect(mark <= lp + 1e-6 && lp < entry && bankrupt < entry, "\(row)")
            } else {
                #expect(mark >= lp - 1e-6 && lp > entry && bankrupt > entry, "\(row)")
            }
        }
        // Cascades: some steps liquidate many positions on one venue within 100 ms.
        var perStep: [String: Int] = [:]
        for row in rows { perStep["\(row["feed"]!)@\(row["symbol"]!)@\(Int64(row["ts"]!)! / 100)", default: 0] += 1 }
        #expect(perStep.values.max()! >= 3)
    }
}

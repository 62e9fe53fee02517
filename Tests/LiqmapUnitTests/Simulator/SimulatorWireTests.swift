import Foundation
import LiqmapCore
import LiqmapExchanges
import LiqmapSimulator
import Testing

@Suite("Simulator: every frame of every feed parses")
struct SimulatorWireTests {
    @Test("zero malformed, no sequence gaps, receive times in order, all event kinds", arguments: Feed.allCases)
    func feedParses(_ feed: Feed) {
        let run = SimulatorFixture.stressed
        let parsed = SimulatorFixture.parse(run, feed)
        let f = run.config.feeds.firstIndex(of: feed)!
        #expect(parsed.session.frames == run.summary.frames[f])
        #expect(parsed.session.frames > 1000)
        #expect(parsed.session.malformed == 0, "\(feed): \(parsed.session.malformedByReason)")
        #expect(parsed.gaps.isEmpty, "\(feed): gaps \(parsed.gaps.prefix(3))")
        #expect(parsed.recvOrdered)
        // Every event is valid (ParseSession would have called the frame malformed) and every symbol
        // has trades, marks and open interest.
        let symbols = Set(parsed.events.map(\.symbol))
        #expect(symbols.count == 3)
        for symbol in symbols {
            let kinds = Set(parsed.events.filter { $0.symbol == symbol }.map(\.kind))
            #expect(kinds.isSuperset(of: [.trade, .markPrice, .openInterest]), "\(feed) \(symbol): \(kinds)")
            if feed != .hyperliquid { #expect(kinds.contains(.liquidation), "\(feed) \(symbol): no liquidation shown") }
        }
        for e in parsed.events {
            #expect(e.invalidReason == nil)
            #expect(e.venue == feed.venue)
            #expect(e.ts != nil && e.recvTs != nil && e.recvTs! >= e.ts!)
        }
    }

    @Test("the instrument bodies load and describe the simulated contracts")
    func instrumentBodies() {
        let run = SimulatorFixture.stressed
        let sim = Simulator(config: run.config)
        for (f, feed) in run.config.feeds.enumerated() where feed != .hyperliquid {
            var registry = InstrumentRegistry()
            #expect(registry.load(file: SimulatorFixture.text("\(run.directory)/\(feed.rawValue).instruments.json")).bodies == 1)
            #expect(registry.loadedCount == 3, "\(feed)")
            for inst in sim.instruments[f] {
                let loaded = registry.resolve(inst.symbol, feed: feed)
                #expect(loaded != nil, "\(feed) \(inst.symbol)")
                #expect(loaded?.sizing == (inst.isInverse ? .inverse : .linear), "\(feed) \(inst.symbol)")
                #expect(loaded?.canonicalID.hasPrefix("\(inst.asset)-") == true)
            }
        }
        #expect(!FileManager.default.fileExists(atPath: "\(run.directory)/hyperliquid.instruments.json"))
    }

    @Test("OKX open interest at each minute equals the open positions in truth")
    func openInterestMatchesTruth() throws {
        let run = SimulatorFixture.stressed
        let parsed = SimulatorFixture.parse(run, .okx)
        var truthOpen: [String: Double] = [:]  // "symbol@minuteEnd" → base units open (both sides)
        for row in SimulatorFixture.csv("\(run.directory)/truth/minutes.csv") where row["feed"] == "okx" {
            let end = Int64(row["minute_ts"]!)! + 60_000
            truthOpen["\(row["symbol"]!)@\(end)", default: 0] += Double(row["open_qty"]!)!
        }
        var compared = 0
        for e in parsed.events {
            guard case .openInterest(let oi) = e.body, let ts = e.ts, ts % 60_000 == 0, let expected = truthOpen["\(e.symbol)@\(ts)"] else { continue }
            #expect(abs(oi.oiQty - expected) < 1e-6 * max(1, expected), "\(e.symbol) at \(ts): feed \(oi.oiQty), truth \(expected)")
            compared += 1
        }
        #expect(compared == 3 * 10)
    }

    @Test("frames pulled one at a time are the frames written, in receive-time order")
    func incrementalPull() {
        var config = SimulatorFixture.stressedConfig(seed: 3, minutes: 1, feeds: [.binanceUSDM, .okx])
        config.recordTruth = false
        var sim = Simulator(config: config)
        var pulled: [SimulatedFrame] = []
        while let frame = sim.next() { pulled.append(frame) }
        #expect(pulled.count > 500)
        #expect(zip(pulled, pulled.dropFirst()).allSatisfy { $0.recvTs <= $1.recvTs })
        let dir = SimulatorFixture.temporaryDirectory("pull")
        _ = try! SimulationWriter.run(config, directory: dir)
        for feed in config.feeds {
            let written = SimulatorFixture.text("\(dir)/\(feed.rawValue).rec")
            let fromPull = pulled.filter { $0.feed == feed }.map { "\($0.recvTs)\t\($0.text)\n" }.joined()
            #expect(written == fromPull, "\(feed)")
        }
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/truth"))
    }
}

import LiqmapCore
@testable import LiqmapSimulator
import Testing

@Suite("Simulator: formatting, random numbers, arguments")
struct SimulatorPartsTests {
    static func text(_ body: (inout [UInt8]) -> Void) -> String {
        var out: [UInt8] = []
        body(&out)
        return String(decoding: out, as: UTF8.self)
    }

    @Test("fixed-point and integer formatting")
    func numbers() {
        #expect(Self.text { ByteFormat.append(units: 950_001, decimals: 1, to: &$0) } == "95000.1")
        #expect(Self.text { ByteFormat.append(units: 5, decimals: 3, to: &$0) } == "0.005")
        #expect(Self.text { ByteFormat.append(units: -12_345, decimals: 2, to: &$0) } == "-123.45")
        #expect(Self.text { ByteFormat.append(units: 7, decimals: 0, to: &$0) } == "7")
        #expect(Self.text { ByteFormat.append(fixed: 0.000123, decimals: 8, to: &$0) } == "0.00012300")
        #expect(Self.text { ByteFormat.append(fixed: -0.0001, decimals: 6, to: &$0) } == "-0.000100")
        #expect(Self.text { ByteFormat.append(int: Int64.max, to: &$0) } == "9223372036854775807")
        #expect(Self.text { ByteFormat.append(int: Int64.min, to: &$0) } == "-9223372036854775808")
        #expect(Self.text { ByteFormat.append(int: 0, to: &$0) } == "0")
    }

    @Test("ISO-8601 times and UUIDs")
    func times() {
        #expect(Self.text { ByteFormat.append(iso: 1_615_514_404_608, to: &$0) } == "2021-03-12T02:00:04.608Z")
        #expect(Self.text { ByteFormat.append(iso: 0, to: &$0) } == "1970-01-01T00:00:00.000Z")
        #expect(Self.text { ByteFormat.append(iso: 951_782_400_000, to: &$0) } == "2000-02-29T00:00:00.000Z")
        let uuid = Self.text { ByteFormat.append(uuid: 0x0123_4567_89AB_CDEF, 0xFEDC_BA98_7654_3210, to: &$0) }
        #expect(uuid == "01234567-89ab-cdef-fedc-ba9876543210")
    }

    @Test("instrument rounding: prices on the tick, sizes in whole lots")
    func instruments() {
        let okx = VenueProfile.standard(.okx).instrument("BTC")!
        #expect(okx.priceUnits(95_000.04) == 950_000)
        #expect(okx.lots(usd: 2_000, price: 100_000) == 2)  // 0.01 BTC contracts
        #expect(okx.qty(lots: 7, price: 1) == 0.07)
        let bitmex = VenueProfile.standard(.bitmex).instrument("BTC")!
        #expect(bitmex.symbol == "XBTUSD" && bitmex.isInverse)
        #expect(bitmex.priceUnits(95_000.3) == 950_005)  // 0.5 tick
        #expect(bitmex.usd(lots: 3, price: 50_000) == 300)  // lots of 100 contracts
    }

    @Test("the generator is deterministic and its streams differ")
    func random() {
        var a = SimRandom(seed: 1), b = SimRandom(seed: 1), c = SimRandom(seed: 1, stream: 2)
        let xs = (0..<5).map { _ in a.next() }
        #expect(xs == (0..<5).map { _ in b.next() })
        #expect(xs != (0..<5).map { _ in c.next() })
        var r = SimRandom(seed: 9)
        let normals = (0..<20_000).map { _ in r.normal() }
        let mean = normals.reduce(0, +) / Double(normals.count)
        let variance = normals.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(normals.count)
        #expect(abs(mean) < 0.03 && abs(variance - 1) < 0.05)
        let poisson = (0..<20_000).map { _ in r.poisson(0.7) }
        #expect(abs(Double(poisson.reduce(0, +)) / 20_000 - 0.7) < 0.03)
    }

    @Test("durations", arguments: [("24h", 86_400_000 as Int64?), ("90m", 5_400_000), ("1h30m", 5_400_000), ("30s", 30_000), ("2d", 172_800_000),
                                   ("500ms", 500), ("", nil), ("10", nil), ("h", nil), ("5x", nil), ("0s", nil)])
    func durations(_ text: String, _ ms: Int64?) {
        #expect(SimulationConfig.parseDuration(text) == ms)
    }

    @Test("bad arguments are refused")
    func arguments() {
        #expect(throws: SimulationConfig.Invalid.self) { try SimulationConfig(assets: ["DOGE"], feeds: [.okx], durationMs: 60_000, seed: 1) }
        #expect(throws: SimulationConfig.Invalid.self) { try SimulationConfig(assets: ["BTC"], feeds: [], durationMs: 60_000, seed: 1) }
        #expect(throws: SimulationConfig.Invalid.self) { try SimulationConfig(assets: ["BTC"], feeds: [.okx], durationMs: 150, seed: 1) }
        #expect(throws: SimulationConfig.Invalid.self) { try SimulationConfig(assets: ["BTC", "btc"], feeds: [.okx], durationMs: 60_000, seed: 1) }
        #expect(throws: SimulationConfig.Invalid.self) {
            try SimulationConfig(assets: ["BTC"], feeds: [.okx], durationMs: 60_000, seed: 1, startMs: 1_735_689_600_001)
        }
    }

    @Test("leverage tiers")
    func tiers() {
        #expect([2, 5, 6, 10, 20, 25, 40, 50, 75, 100, 125].map { LeverageTier.index(Int32($0)) } == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5])
    }
}

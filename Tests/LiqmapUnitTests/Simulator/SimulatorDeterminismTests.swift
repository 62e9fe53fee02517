import Foundation
import LiqmapCore
import LiqmapSimulator
import Testing

@Suite("Simulator: determinism")
struct SimulatorDeterminismTests {
    /// Every output byte of a run: frames (with receive times and feeds) and truth files.
    static func output(seed: UInt64) -> [UInt8] {
        let config = SimulatorFixture.stressedConfig(seed: seed, minutes: 2, feeds: [.binanceUSDM, .bybitLinear, .okx, .bitmex])
        var sim = Simulator(config: config)
        var out: [UInt8] = []
        var truth: [UInt8] = []
        while sim.advance({ frame in
            out += Array("\(frame.recvTs) \(frame.feed.rawValue) ".utf8)
            out += frame.bytes
            out.append(0x0A)
        }) {
            sim.drainTruth { truth += $1 }
        }
        for (_, body) in sim.instrumentBodies() { out += Array((body ?? "").utf8) }
        return out + truth
    }

    @Test("the same seed gives byte-identical output; another seed does not")
    func sameSeed() {
        let a = Self.output(seed: 42), b = Self.output(seed: 42), c = Self.output(seed: 43)
        #expect(a.count > 100_000)
        #expect(a == b)
        #expect(a != c)
    }

    @Test("files written twice are byte-identical")
    func files() throws {
        let config = SimulatorFixture.stressedConfig(seed: 5, minutes: 2, feeds: [.binanceCOINM, .deribit, .hyperliquid])
        let one = SimulatorFixture.temporaryDirectory("det1"), two = SimulatorFixture.temporaryDirectory("det2")
        _ = try SimulationWriter.run(config, directory: one)
        _ = try SimulationWriter.run(config, directory: two)
        let files = try FileManager.default.subpathsOfDirectory(atPath: one).sorted()
        #expect(files.contains("truth/liquidations.csv") && files.contains("deribit.rec") && files.contains("binance-coinm.instruments.json"))
        #expect(files == (try FileManager.default.subpathsOfDirectory(atPath: two).sorted()))
        for file in files where !file.hasSuffix("truth") {
            #expect(FileManager.default.contents(atPath: "\(one)/\(file)") == FileManager.default.contents(atPath: "\(two)/\(file)"), "\(file)")
        }
    }
}

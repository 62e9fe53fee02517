import LiqmapAggregation
import LiqmapCore
import Testing

@Suite("Views: consensus score (docs/CONSENSUS.md)")
struct ConsensusScoreTests {
    /// A background of `base` USD per band with a cluster of `peak` at band 10 (20 bands).
    static func density(base: Double = 10, peak: Double? = 200, at band: Int = 10, noise: Double = 0) -> [Double] {
        (0..<20).map { i in (i == band ? (peak ?? base) : base) + noise * Double((i * 7) % 5) }
    }

    @Test("a cluster on three venues of three scores ≥ 0.8 and is multi_venue")
    func threeOfThree() {
        let d: [Venue: [Double]] = [.binance: Self.density(noise: 1), .bybit: Self.density(peak: 80), .okx: Self.density(base: 2, peak: 30, noise: 0.5)]
        let bands = ConsensusScore.bands(d, weights: [.binance: 5e9, .bybit: 3e9, .okx: 1e9])
        #expect(bands[10].score >= 0.8, "\(bands[10])")
        #expect(bands[10].label == .multiVenue)
        #expect(Set(bands[10].hotVenues) == [.binance, .bybit, .okx])
        // The bands beside it are nobody's peak.
        #expect(bands[3].score <= 0.2 && bands[3].label == .none)
    }

    @Test("the same cluster on one venue of three scores ≤ 0.4 and is single_venue, whatever that venue's weight")
    func oneOfThree() {
        let d: [Venue: [Double]] = [.binance: Self.density(), .bybit: Self.density(peak: nil, noise: 1), .okx: Self.density(peak: nil, noise: 2)]
        for weights in [[:], [Venue.binance: 8e9, .bybit: 1e9, .okx: 1e9]] as [[Venue: Double]] {
            let bands = ConsensusScore.bands(d, weights: weights)
            #expect(bands[10].score <= 0.4, "\(weights): \(bands[10])")
            #expect(bands[10].label == .singleVenue)
            #expect(bands[10].hotVenues == [.binance])
        }
    }

    @Test("two big venues agreeing, a small one missing it: still high; weights move it")
    func bigVenuesAgree() {
        let d: [Venue: [Double]] = [.binance: Self.density(), .bybit: Self.density(peak: 150), .hyperliquid: Self.density(peak: nil, noise: 1)]
        let weighted = ConsensusScore.bands(d, weights: [.binance: 6e9, .bybit: 3e9, .hyperliquid: 0.2e9])[10]
        let equal = ConsensusScore.bands(d)[10]
        #expect(weighted.score > 0.6, "\(weighted)")
        #expect(equal.score < weighted.score)  // with equal weights the small venue's absence counts more
        #expect(weighted.label == .multiVenue)
    }

    @Test("exact values: leave-one-out minimum of the weighted mean peak strength")
    func exactValues() {
        let d: [Venue: [Double]] = [.binance: [1, 5, 1], .okx: [2, 4, 2, 6]].mapValues { Array($0.prefix(3)) }
        let strengths = ConsensusScore.peakStrengths([2, 4, 2, 6])
        #expect(strengths == [0, 1.0 / 3, 0, 1])  // median (2 + 4) / 2 = 3, max 6
        let bands = ConsensusScore.bands(d)
        // okx [2,4,2]: median 2, max 4 → p = [0, 1, 0]; binance p = [0, 1, 0]; leaving either out leaves 1.
        #expect(bands.map(\.score) == [0, 1, 0])
        let w = ConsensusScore.bands([.binance: [1, 5, 1], .okx: [1, 1, 1]], weights: [.binance: 1, .okx: 3])
        // okx is flat (no peak): leaving binance out leaves okx's 0, so the minimum is 0.
        #expect(w[1].score == 0 && w[1].label == .singleVenue)
    }

    @Test("edge cases: no venue, one venue, flat venue, venue without data, non-finite input")
    func edges() {
        #expect(ConsensusScore.bands([:]).isEmpty)
        let one = ConsensusScore.bands([.okx: [1, 3, 1]])
        #expect(one.map(\.score) == [0, 1, 0])
        #expect(one[1].label == .singleVenue)
        let flat = ConsensusScore.bands([.okx: [2, 2, 2], .bybit: [0, 0, 0]])
        #expect(flat.map(\.score) == [0, 0, 0])
        #expect(ConsensusScore.peakStrengths([.nan, 1, .infinity, 3]) == [0, 0.2, 0, 1])  // non-finite → 0; median 0.5
        // A venue with no data takes no part: same scores as without it.
        let base: [Venue: [Double]] = [.binance: [1, 5, 1], .okx: [1, 4, 1]]
        #expect(ConsensusScore.bands(base).map(\.score) == ConsensusScore.bands(base.merging([.deribit: [0, 0, 0]]) { a, _ in a }).map(\.score))
    }
}

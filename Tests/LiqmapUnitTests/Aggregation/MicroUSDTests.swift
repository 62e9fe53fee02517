import Foundation
import LiqmapAggregation
import Testing

@Suite("Aggregation: exact money")
struct AggregationMoneyTests {
    @Test("conversion rounds the exact Double once, halves away from zero")
    func rounding() {
        #expect(MicroUSD(usd: 1)?.micros == 1_000_000)
        #expect(MicroUSD(usd: 12.3456784)?.micros == 12_345_678)
        #expect(MicroUSD(usd: 12.3456786)?.micros == 12_345_679)
        // 2⁻⁷ = 0.0078125 is exact in binary: 7812.5 micro-dollars, a true tie → away from zero.
        #expect(MicroUSD(usd: 0.0078125)?.micros == 7_813)
        #expect(MicroUSD(usd: -0.0078125)?.micros == -7_813)
        // The Double nearest 0.0000005 is 4.99999999999999977e-7: below the half, so 0, although
        // the rounded product 5e-7 × 1e6 is exactly 0.5 (naive rounding would give 1).
        #expect(MicroUSD(usd: 0.0000005)?.micros == 0)
        #expect(MicroUSD(usd: 0.0000035)?.micros == 3)
        #expect(MicroUSD(usd: -0.0000035)?.micros == -3)
        // 123.4567895 is stored as 123.45678949999999929…: 123,456,789 (naive: …790).
        #expect(MicroUSD(usd: 123.4567895)?.micros == 123_456_789)
        // 0.0000025 is stored as 0.00000250000000000000020…: above the half, 3.
        #expect(MicroUSD(usd: 0.0000025)?.micros == 3)
        #expect(MicroUSD(usd: -0.0000015)?.micros == -2)
    }

    @Test("non-finite and out-of-range values are refused")
    func refusals() {
        #expect(MicroUSD(usd: .nan) == nil)
        #expect(MicroUSD(usd: .infinity) == nil)
        #expect(MicroUSD(usd: 9.1e9) == nil)
        #expect(MicroUSD(usd: 9e9)?.micros == 9_000_000_000_000_000)
    }

    @Test("sums are exact integers, in any order")
    func exactSums() {
        let values = [0.1, 0.2, 0.3, 1e-7, 33_333.333_333_3, 7.0000005]
        let micros = values.map { MicroUSD(usd: $0)! }
        // 7.0000005 is stored as 7.00000049999999962…: rounds down.
        #expect(micros.map(\.micros) == [100_000, 200_000, 300_000, 0, 33_333_333_333, 7_000_000])
        let forward = micros.reduce(.zero, +)
        let backward = micros.reversed().reduce(.zero, +)
        #expect(forward == backward)
        #expect(forward.micros == 33_340_933_333)
        #expect(forward.description == "33340.933333")
        #expect(MicroUSD(micros: -5).description == "-0.000005")
    }

    @Test("Codable as a plain integer of micro-dollars")
    func codable() throws {
        let data = try JSONEncoder().encode([MicroUSD(micros: 1_500_000)])
        #expect(String(decoding: data, as: UTF8.self) == "[1500000]")
        #expect(try JSONDecoder().decode([MicroUSD].self, from: data) == [MicroUSD(micros: 1_500_000)])
    }
}

import LiqmapGateway
import Testing

@Suite("Render: axis text and ticks")
struct HeatmapAxisTextTests {
    @Test("prices print with thousands separators and the asked decimals", arguments: [
        (97_250.0, 0, "97,250"), (3_412.5, 1, "3,412.5"), (0.5123, 4, "0.5123"), (1_234_567.891, 2, "1,234,567.89"),
        (999.999, 2, "1,000.00"), (-1_500, 0, "-1,500"), (0, 2, "0.00"), (12, 0, "12"), (100, 0, "100"), (1_000, 0, "1,000"),
        (0.05, 2, "0.05"), (.nan, 2, "-"),
    ] as [(Double, Int, String)])
    func fixedDecimals(_ value: Double, _ decimals: Int, _ text: String) {
        #expect(HeatmapAxisText.price(value, decimals: decimals) == text)
    }

    @Test("prices pick their decimals by magnitude", arguments: [
        (97_250.0, "97,250"), (3_412.5, "3,412.5"), (0.51234, "0.5123"), (12.3456, "12.346"), (1.5, "1.5"),
        (0.000123456, "0.0001235"), (250_000, "250,000"), (0, "0"),
    ] as [(Double, String)])
    func automaticDecimals(_ value: Double, _ text: String) {
        #expect(HeatmapAxisText.price(value) == text)
    }

    @Test("narrow price ranges get evenly stepped round ticks with shared decimals")
    func linearTicks() {
        #expect(HeatmapTicks.prices(low: 92_000, high: 104_000, count: 7).map(\.label) == ["92,000", "94,000", "96,000", "98,000", "100,000", "102,000", "104,000"])
        #expect(HeatmapTicks.prices(low: 3_300, high: 3_500, count: 7).map(\.label) == ["3,300", "3,350", "3,400", "3,450", "3,500"])
        #expect(HeatmapTicks.prices(low: 0.5, high: 0.56, count: 6).map(\.label) == ["0.50", "0.52", "0.54", "0.56"])
        let ticks = HeatmapTicks.prices(low: 97_013, high: 97_391, count: 8)
        #expect(ticks.count >= 3 && ticks.count <= 8)
        #expect(ticks.allSatisfy { $0.price >= 97_013 && $0.price <= 97_391 })
        #expect(zip(ticks, ticks.dropFirst()).allSatisfy { $0.price < $1.price })
    }

    @Test("wide price ranges get a log series")
    func logTicks() {
        #expect(HeatmapTicks.prices(low: 0.5, high: 5_000, count: 8).map(\.label) == ["1", "3", "10", "30", "100", "300", "1,000", "3,000"])
        #expect(HeatmapTicks.prices(low: 1, high: 10, count: 8).map(\.label) == ["1", "1.5", "2", "3", "5", "7", "10"])
        #expect(HeatmapTicks.prices(low: 0.01, high: 0.1, count: 3).map(\.label) == ["0.01", "0.03", "0.1"])
        #expect(HeatmapTicks.prices(low: 1e-6, high: 1e6, count: 4).map(\.price) == [1e-4, 1, 1e4])
        #expect(HeatmapTicks.prices(low: 0, high: 10, count: 5).isEmpty)
        #expect(HeatmapTicks.prices(low: 10, high: 10, count: 5).isEmpty)
        // Ranges too thin for doubles, or absurdly wide, end (with whatever fits).
        #expect(HeatmapTicks.prices(low: 1e15, high: 1e15 + 1, count: 5).count <= 5)
        #expect(HeatmapTicks.prices(low: .leastNonzeroMagnitude * 1_000, high: .leastNonzeroMagnitude * 1_500, count: 5).count <= 5)
        #expect(HeatmapTicks.prices(low: 1e-300, high: 1e300, count: 8).count <= 8)
    }

    @Test("time labels are UTC: HH:mm up to two days, dates beyond", arguments: [
        (Int64(0), 86_400_000 as Int64, 3_600_000 as Int64, "00:00"),
        (1_700_000_000_000, 86_400_000, 3_600_000, "22:13"),
        (1_700_000_000_000, 172_800_000, 3_600_000, "22:13"),
        (1_700_000_000_000, 3 * 86_400_000, 6 * 3_600_000, "11-14 22:13"),
        (1_700_000_000_000, 30 * 86_400_000, 86_400_000, "11-14"),
        (1_709_208_000_000, 5 * 86_400_000, 12 * 3_600_000, "02-29 12:00"),
        (-1, 86_400_000, 3_600_000, "23:59"),
        (-1, 3 * 86_400_000, 3_600_000, "12-31 23:59"),
    ] as [(Int64, Int64, Int64, String)])
    func timeLabels(_ ms: Int64, _ span: Int64, _ step: Int64, _ text: String) {
        #expect(HeatmapAxisText.time(ms, spanMs: span, stepMs: step) == text)
    }

    @Test("time ticks fall on round UTC instants")
    func timeTicks() {
        let start: Int64 = 1_731_542_400_000  // 2024-11-14 00:00 UTC
        let day: Int64 = 86_400_000
        #expect(HeatmapTicks.times(startMs: start, endMs: start + day, maxCount: 7).map(\.label) == ["00:00", "04:00", "08:00", "12:00", "16:00", "20:00", "00:00"])
        let offset = HeatmapTicks.times(startMs: start + 1_000, endMs: start + 3_600_000, maxCount: 7)
        #expect(offset.map(\.label) == ["00:10", "00:20", "00:30", "00:40", "00:50", "01:00"])
        #expect(HeatmapTicks.times(startMs: start, endMs: start + 7 * day, maxCount: 8).map(\.label) == ["11-14", "11-15", "11-16", "11-17", "11-18", "11-19", "11-20", "11-21"])
        #expect(HeatmapTicks.times(startMs: start + 3_600_000, endMs: start + 4 * day, maxCount: 6).map(\.label) == ["11-15", "11-16", "11-17", "11-18"])
        #expect(HeatmapTicks.times(startMs: start, endMs: start + 3 * day, maxCount: 8).map(\.label) == ["11-14 00:00", "11-14 12:00", "11-15 00:00", "11-15 12:00", "11-16 00:00", "11-16 12:00", "11-17 00:00"])
        let shifted = start + 7 * 3_600_000  // counts the ticks that fall inside, not span / step + 1
        #expect(HeatmapTicks.times(startMs: shifted, endMs: shifted + 3 * day, maxCount: 3).map(\.label) == ["11-15", "11-16", "11-17"])
        #expect(HeatmapTicks.times(startMs: start, endMs: start, maxCount: 6).isEmpty)
        #expect(HeatmapTicks.times(startMs: .min, endMs: .max, maxCount: 6).isEmpty)
    }
}

import Foundation
import LiqmapAggregator
import Testing

@Suite("UTC months: the calendar of time partitions")
struct UTCMonthTests {
    static func ms(_ y: Int, _ m: Int) -> Int64 { UTCMonth(year: y, month: m)!.startMs }

    @Test("known month starts: leap Februaries (2024, 2000), common ones (2023, 2100), December → January")
    func knownStarts() {
        #expect(Self.ms(1970, 1) == 0)
        #expect(Self.ms(2024, 2) == 1_706_745_600_000 && Self.ms(2024, 3) == 1_709_251_200_000)
        #expect(Self.ms(2024, 3) - Self.ms(2024, 2) == 29 * 86_400_000, "2024 is a leap year")
        #expect(Self.ms(2023, 3) - Self.ms(2023, 2) == 28 * 86_400_000)
        #expect(Self.ms(2000, 3) - Self.ms(2000, 2) == 29 * 86_400_000, "2000 is a leap year (divisible by 400)")
        #expect(Self.ms(2100, 2) == 4_105_123_200_000 && Self.ms(2100, 3) - Self.ms(2100, 2) == 28 * 86_400_000, "2100 is not")
        let december = UTCMonth(year: 2026, month: 12)!
        #expect(december.startMs == 1_796_083_200_000)
        #expect(december.next == UTCMonth(year: 2027, month: 1) && december.next.startMs == 1_798_761_600_000)
        #expect(december.adding(2) == UTCMonth(year: 2027, month: 2) && december.adding(-12) == UTCMonth(year: 2025, month: 12))
        #expect(UTCMonth(year: 9999, month: 12)!.startMs == 253_399_622_400_000)
    }

    @Test("every month from 1970 to 2400 starts where Foundation's Gregorian calendar in UTC says")
    func againstFoundation() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "UTC"))
        var month = UTCMonth.first
        while month.year <= 2400 {
            let date = try #require(calendar.date(from: DateComponents(year: month.year, month: month.month, day: 1)))
            #expect(Int64(date.timeIntervalSince1970) * 1000 == month.startMs, "\(month)")
            month = month.next
        }
    }

    @Test("every instant belongs to one month: a month's first and last millisecond, and the one before it")
    func containing() {
        var month = UTCMonth.first
        var previous: UTCMonth?
        while month <= .last {
            #expect(UTCMonth(containing: month.startMs) == month)
            #expect(UTCMonth(containing: month.next.startMs - 1) == month)
            #expect(UTCMonth(containing: month.startMs - 1) == previous)
            #expect(month.span.count == Int(month.next.startMs - month.startMs))
            previous = month
            month = month.next
        }
        #expect(UTCMonth(containing: -1) == nil, "before 1970")
        #expect(UTCMonth(containing: 253_402_300_800_000) == nil, "after 9999")
        #expect(UTCMonth(containing: .max) == nil && UTCMonth(containing: .min) == nil)
    }

    @Test("YYYYMM names round-trip; other text is not a month")
    func names() {
        #expect(UTCMonth(year: 2026, month: 1)!.name == "202601" && UTCMonth(year: 2026, month: 12)!.name == "202612")
        #expect(UTCMonth(year: 2026, month: 3)!.description == "2026-03")
        var month = UTCMonth.first
        while month <= .last {
            #expect(UTCMonth(name: month.name) == month)
            month = month.next
        }
        for bad in ["202600", "202613", "196912", "20261", "2026011", "abcdef", "+20261", "2026-1", "٢٠٢٦٠١"] {
            #expect(UTCMonth(name: bad) == nil, "\(bad)")
        }
        #expect(UTCMonth(year: 2026, month: 0) == nil && UTCMonth(year: 1969, month: 12) == nil && UTCMonth(year: 10000, month: 1) == nil)
        #expect(UTCMonth.last.adding(5) == .last && UTCMonth.first.adding(-5) == .first)
    }
}

/// A calendar month in UTC (proleptic Gregorian), the unit of time partitions. Only months 1970-01
/// through 9999-12 exist here: the ones PostgreSQL's `to_char(…, 'YYYYMM')` names with six digits
/// and a partition bound of Unix milliseconds covers without going negative.
public struct UTCMonth: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Months since 1970-01 (0 = January 1970).
    public let index: Int

    public static let first = UTCMonth(uncheckedIndex: 0)
    public static let last = UTCMonth(uncheckedIndex: (9999 - 1970) * 12 + 11)

    private init(uncheckedIndex: Int) { index = uncheckedIndex }

    /// The month `index` months after 1970-01, if it is in range.
    public init?(index: Int) {
        guard (Self.first.index...Self.last.index).contains(index) else { return nil }
        self.index = index
    }

    /// `month` is 1…12.
    public init?(year: Int, month: Int) {
        guard (1...12).contains(month) else { return nil }
        self.init(index: (year - 1970) * 12 + month - 1)
    }

    /// The month holding Unix time `ms`, or nil before 1970 or after 9999.
    public init?(containing ms: Int64) {
        guard ms >= 0, ms < Self.last.next.startMs else { return nil }
        // A 30.44-day guess, then walk: months differ from it by at most one either way.
        var guess = Int(ms / 2_629_746_000)
        while guess > 0, UTCMonth(uncheckedIndex: guess).startMs > ms { guess -= 1 }
        while UTCMonth(uncheckedIndex: guess + 1).startMs <= ms { guess += 1 }
        index = guess
    }

    public var year: Int { 1970 + index / 12 }
    /// 1…12.
    public var month: Int { index % 12 + 1 }

    /// The next month (past 9999-12 too: only its start is ever used, as an end bound).
    public var next: UTCMonth { UTCMonth(uncheckedIndex: index + 1) }

    /// The month `n` months later (or earlier, for negative `n`), clamped to the range.
    public func adding(_ n: Int) -> UTCMonth {
        UTCMonth(uncheckedIndex: min(max(index + n, Self.first.index), Self.last.index))
    }

    /// Unix ms of the month's first instant (00:00 UTC on the 1st).
    public var startMs: Int64 { Int64(Self.daysSinceEpoch(year: year, month: month)) * 86_400_000 }

    /// `[start, start of next month)` in Unix ms.
    public var span: Range<Int64> { startMs..<next.startMs }

    /// `YYYYMM`, as partition names carry it.
    public var name: String {
        let m = month < 10 ? "0\(month)" : "\(month)"
        return "\(year)\(m)"
    }

    public var description: String { "\(year)-\(name.suffix(2))" }

    /// Parses `YYYYMM`.
    public init?(name: some StringProtocol) {
        guard name.count == 6, name.allSatisfy(\.isASCII), name.allSatisfy(\.isNumber),
              let year = Int(name.prefix(4)), let month = Int(name.suffix(2)) else { return nil }
        self.init(year: year, month: month)
    }

    public static func < (a: UTCMonth, b: UTCMonth) -> Bool { a.index < b.index }

    /// Days from 1970-01-01 to the first of a month (Howard Hinnant's days_from_civil; years ≥ 1970 here).
    static func daysSinceEpoch(year y0: Int, month m: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = y / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}

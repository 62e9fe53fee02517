/// Calendar helpers for expiry codes (pure; UTC; proleptic Gregorian).
enum Dates {
    /// `YYYYMMDD` of a Unix time in milliseconds.
    static func yyyymmdd(ms: Int64) -> String {
        let days = Int(floorDiv(ms, 86_400_000))
        let (y, m, d) = civil(daysSinceEpoch: days)
        return String(format4(y)) + two(m) + two(d)
    }

    /// `YYYYMMDD` from an ISO-8601 date-time (`2021-09-24T12:00:00.000Z`), or nil.
    static func yyyymmdd(iso: String) -> String? {
        let digits = iso.prefix(10).filter(\.isNumber)
        return digits.count == 8 ? String(digits) : nil
    }

    /// `YYYYMMDD` from `YYMMDD` (20YY).
    static func yyyymmdd(yymmdd: some StringProtocol) -> String? {
        guard yymmdd.count == 6, yymmdd.allSatisfy(\.isNumber) else { return nil }
        return "20" + yymmdd
    }

    /// `YYYYMMDD` from Deribit/Bybit style `26MAR21` / `3JUN22` (day, month name, 2-digit year).
    static func yyyymmdd(dayMonthYear text: some StringProtocol) -> String? {
        let months = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
        let s = String(text)
        guard s.count >= 6, s.count <= 7 else { return nil }
        let day = s.prefix(s.count - 5), month = s.dropFirst(s.count - 5).prefix(3), year = s.suffix(2)
        guard let d = Int(day), (1...31).contains(d), let m = months.firstIndex(of: String(month)), Int(year) != nil else { return nil }
        return "20" + year + two(m + 1) + two(d)
    }

    /// The last Friday of a month, as `YYYYMMDD` (Bybit inverse futures expire then).
    static func lastFriday(year: Int, month: Int) -> String {
        let nextMonthFirst = month == 12 ? daysSinceEpoch(year + 1, 1, 1) : daysSinceEpoch(year, month + 1, 1)
        var day = nextMonthFirst - 1
        // 1970-01-01 was a Thursday: weekday 0 = Thursday, Friday = 1.
        while ((day % 7) + 7) % 7 != 1 { day -= 1 }
        let (y, m, d) = civil(daysSinceEpoch: day)
        return format4(y) + two(m) + two(d)
    }

    private static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : -((-a + b - 1) / b) }
    private static func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
    private static func format4(_ n: Int) -> String { String(repeating: "0", count: max(0, 4 - String(n).count)) + String(n) }

    /// Howard Hinnant's civil_from_days.
    static func civil(daysSinceEpoch z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    /// Howard Hinnant's days_from_civil.
    static func daysSinceEpoch(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}

/// The words on the axes: prices with thousands separators, UTC times, without Foundation.
public enum HeatmapAxisText {
    /// `value` with exactly `decimals` fraction digits (0...12) and comma thousands separators:
    /// `(97250, 0)` → "97,250", `(3412.5, 1)` → "3,412.5". Non-finite values give "-".
    public static func price(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return "-" }
        let decimals = min(max(decimals, 0), 12)
        var power: UInt64 = 1
        for _ in 0..<decimals { power *= 10 }
        let scaled = (value.magnitude * Double(power)).rounded()
        guard scaled < 9e15 else { return value.magnitude < 9e15 ? price(value, decimals: 0) : "\(value)" }
        let units = UInt64(scaled)
        var text = grouped(String(units / power))
        if decimals > 0 {
            let fraction = String(units % power)
            text += "." + String(repeating: "0", count: decimals - fraction.count) + fraction
        }
        return value < 0 && units != 0 ? "-" + text : text
    }

    /// `value` to five significant digits (four below 1), trailing fraction zeros dropped:
    /// 97250 → "97,250", 3412.5 → "3,412.5", 0.51234 → "0.5123".
    public static func price(_ value: Double) -> String {
        guard value.isFinite, value != 0 else { return value.isFinite ? "0" : "-" }
        let magnitude = Int((value.magnitude).log10Floor)
        let decimals = magnitude >= 0 ? 4 - magnitude : 3 - magnitude
        var text = price(value, decimals: min(max(decimals, 0), 12))
        if text.contains(".") {
            while text.last == "0" { text.removeLast() }
            if text.last == "." { text.removeLast() }
        }
        return text
    }

    /// A time-axis label in UTC: "HH:mm" when the axis spans at most two days, otherwise "MM-dd" when
    /// labels fall a whole number of days apart (`stepMs`), else "MM-dd HH:mm".
    public static func time(_ ms: Int64, spanMs: Int64, stepMs: Int64) -> String {
        let t = UTCTime(ms)
        let hhmm = two(t.hour) + ":" + two(t.minute)
        if spanMs <= 2 * dayMs { return hhmm }
        let mmdd = two(t.month) + "-" + two(t.day)
        return stepMs > 0 && stepMs % dayMs == 0 ? mmdd : mmdd + " " + hhmm
    }

    static let dayMs: Int64 = 86_400_000

    private static func two(_ n: Int) -> String { n < 10 ? "0" + String(n) : String(n) }

    /// Digits with a comma every three from the right.
    private static func grouped(_ digits: String) -> String {
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return out
    }
}

/// Calendar fields of a Unix-millisecond instant in UTC (proleptic Gregorian).
struct UTCTime: Equatable {
    var year: Int
    var month: Int
    var day: Int
    var hour: Int
    var minute: Int
    var second: Int

    init(_ ms: Int64) {
        let dayMs = HeatmapAxisText.dayMs
        let days = ms >= 0 ? ms / dayMs : -((-ms + dayMs - 1) / dayMs)
        let inDay = Int((ms - days * dayMs) / 1000)
        hour = inDay / 3600
        minute = inDay / 60 % 60
        second = inDay % 60
        // Howard Hinnant's civil_from_days.
        let z = Int(days) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        day = doy - (153 * mp + 2) / 5 + 1
        month = mp < 10 ? mp + 3 : mp - 9
        year = yoe + era * 400 + (month <= 2 ? 1 : 0)
    }
}

extension Double {
    /// ⌊log₁₀ self⌋ for a positive finite value, exact at powers of ten.
    var log10Floor: Double {
        guard self > 0, isFinite else { return 0 }
        var e = 0.0
        var v = self
        while v >= 10 { v /= 10; e += 1 }
        while v < 1 { v *= 10; e -= 1 }
        return e
    }
}

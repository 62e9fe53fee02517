/// Fast ASCII formatting into byte buffers for the hot path (no Foundation number formatting):
/// integers, fixed-point decimals, hex, and ISO-8601 times.
enum ByteFormat {
    static let powersOfTen: [Int64] = (0...18).map { d in (0..<d).reduce(Int64(1)) { acc, _ in acc * 10 } }

    @inline(__always)
    static func append(_ s: StaticString, to out: inout [UInt8]) {
        s.withUTF8Buffer { out.append(contentsOf: $0) }
    }

    /// A run-time string (names built once; the hot paths append prebuilt byte arrays).
    @inline(__always)
    static func append(string s: String, to out: inout [UInt8]) {
        out.append(contentsOf: s.utf8)
    }

    /// A signed integer in decimal.
    @inline(__always)
    static func append(int value: Int64, to out: inout [UInt8]) {
        if value >= 0 {
            appendUnsigned(UInt64(value), to: &out)
        } else {
            out.append(UInt8(ascii: "-"))
            appendUnsigned(UInt64(bitPattern: 0 &- value), to: &out)  // also right for Int64.min
        }
    }

    @inline(__always)
    static func appendUnsigned(_ value: UInt64, to out: inout [UInt8]) {
        if value < 10 {
            out.append(UInt8(truncatingIfNeeded: value) &+ 48)
            return
        }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { buf in
            var i = 20
            var v = value
            repeat {
                i -= 1
                buf[i] = UInt8(truncatingIfNeeded: v % 10) &+ 48
                v /= 10
            } while v != 0
            out.append(contentsOf: UnsafeBufferPointer(start: buf.baseAddress! + i, count: 20 - i))
        }
    }

    /// `units × 10^-decimals` as a fixed-point decimal with exactly `decimals` digits after the point
    /// (`append(units: 950001, decimals: 1)` → `95000.1`).
    @inline(__always)
    static func append(units: Int64, decimals: Int, to out: inout [UInt8]) {
        if decimals == 0 {
            append(int: units, to: &out)
            return
        }
        var v: UInt64
        if units < 0 {
            out.append(UInt8(ascii: "-"))
            v = UInt64(bitPattern: 0 &- units)
        } else {
            v = UInt64(units)
        }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 40) { buf in
            var i = 40
            for _ in 0..<decimals {
                i -= 1
                buf[i] = UInt8(truncatingIfNeeded: v % 10) &+ 48
                v /= 10
            }
            i -= 1
            buf[i] = UInt8(ascii: ".")
            repeat {
                i -= 1
                buf[i] = UInt8(truncatingIfNeeded: v % 10) &+ 48
                v /= 10
            } while v != 0
            out.append(contentsOf: UnsafeBufferPointer(start: buf.baseAddress! + i, count: 40 - i))
        }
    }

    /// A Double rounded to `decimals` places, fixed-point (`append(fixed: 0.000123, decimals: 8)` →
    /// `0.00012300`). Values must fit in Int64 once scaled.
    @inline(__always)
    static func append(fixed value: Double, decimals: Int, to out: inout [UInt8]) {
        append(units: scaled(value, decimals), decimals: decimals, to: &out)
    }

    /// `value × 10^decimals`, rounded half away from zero.
    @inline(__always)
    static func scaled(_ value: Double, _ decimals: Int) -> Int64 {
        Int64((value * Double(powersOfTen[decimals])).rounded())
    }

    /// `count` lowercase hex digits of `value` (most significant first).
    static func append(hex value: UInt64, digits count: Int, to out: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16) { buf in
            var v = value
            for i in stride(from: count - 1, through: 0, by: -1) {
                let d = UInt8(truncatingIfNeeded: v & 0xF)
                buf[i] = d < 10 ? d &+ 48 : d &+ 87
                v >>= 4
            }
            out.append(contentsOf: UnsafeBufferPointer(start: buf.baseAddress!, count: count))
        }
    }

    /// A UUID-shaped id (`8-4-4-4-12` hex digits) from two random words.
    static func append(uuid a: UInt64, _ b: UInt64, to out: inout [UInt8]) {
        append(hex: a >> 32, digits: 8, to: &out)
        out.append(UInt8(ascii: "-"))
        append(hex: (a >> 16) & 0xFFFF, digits: 4, to: &out)
        out.append(UInt8(ascii: "-"))
        append(hex: a & 0xFFFF, digits: 4, to: &out)
        out.append(UInt8(ascii: "-"))
        append(hex: b >> 48, digits: 4, to: &out)
        out.append(UInt8(ascii: "-"))
        append(hex: b & 0xFFFF_FFFF_FFFF, digits: 12, to: &out)
    }

    /// Unix milliseconds as `2025-01-01T00:00:00.000Z`.
    static func append(iso ms: Int64, to out: inout [UInt8]) {
        let days = ms >= 0 ? ms / 86_400_000 : (ms - 86_399_999) / 86_400_000
        let inDay = ms - days * 86_400_000
        let (y, m, d) = civil(days: days)
        pad(y, 4, &out)
        out.append(UInt8(ascii: "-"))
        pad(m, 2, &out)
        out.append(UInt8(ascii: "-"))
        pad(d, 2, &out)
        out.append(UInt8(ascii: "T"))
        pad(inDay / 3_600_000, 2, &out)
        out.append(UInt8(ascii: ":"))
        pad(inDay / 60_000 % 60, 2, &out)
        out.append(UInt8(ascii: ":"))
        pad(inDay / 1000 % 60, 2, &out)
        out.append(UInt8(ascii: "."))
        pad(inDay % 1000, 3, &out)
        out.append(UInt8(ascii: "Z"))
    }

    @inline(__always)
    private static func pad(_ v: Int64, _ width: Int, _ out: inout [UInt8]) {
        var p = powersOfTen[width - 1]
        var v = v
        while p > 0 {
            out.append(UInt8(truncatingIfNeeded: v / p) &+ 48)
            v %= p
            p /= 10
        }
    }

    /// Days since 1970-01-01 → (year, month, day) (Howard Hinnant's civil_from_days).
    static func civil(days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}

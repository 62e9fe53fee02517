/// Decimal text (as exchanges send prices and sizes) to numbers, without building a String on the
/// common path. Results equal `Double(String)` / `Int64(String)` exactly: the fast path takes only
/// `-?digits[.digits][e±digits]` with at most 19 significant digits whose mantissa fits in 53 bits and
/// whose power of ten is at most 22 (Clinger's exact case: one correctly rounded IEEE multiply or
/// divide of two exact doubles); anything else goes to the standard library.
public enum DecimalText {
    /// Exact powers of ten as doubles (10^0 … 10^22 are all representable).
    static let powersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    public static func double(_ b: UnsafeBufferPointer<UInt8>) -> Double? {
        fastDouble(b) ?? Double(String(decoding: b, as: UTF8.self))
    }

    /// The fast path alone: nil when the text is not of the simple shape (not necessarily invalid).
    static func fastDouble(_ b: UnsafeBufferPointer<UInt8>) -> Double? {
        let n = b.count
        var p = 0
        var negative = false
        if n > 0, b[0] == UInt8(ascii: "-") { negative = true; p = 1 }
        var mantissa: UInt64 = 0
        var significant = 0
        var exponent = 0
        let intStart = p
        while p < n {
            let d = b[p] &- UInt8(ascii: "0")
            guard d < 10 else { break }
            if mantissa != 0 || d != 0 { significant += 1 }
            mantissa = mantissa &* 10 &+ UInt64(d)
            p += 1
        }
        guard p > intStart else { return nil }
        if p < n, b[p] == UInt8(ascii: ".") {
            p += 1
            let fracStart = p
            while p < n {
                let d = b[p] &- UInt8(ascii: "0")
                guard d < 10 else { break }
                if mantissa != 0 || d != 0 { significant += 1 }
                mantissa = mantissa &* 10 &+ UInt64(d)
                exponent -= 1
                p += 1
            }
            guard p > fracStart else { return nil }
        }
        guard significant <= 19 else { return nil }
        if p < n, b[p] == UInt8(ascii: "e") || b[p] == UInt8(ascii: "E") {
            p += 1
            var negativeExponent = false
            if p < n, b[p] == UInt8(ascii: "+") || b[p] == UInt8(ascii: "-") { negativeExponent = b[p] == UInt8(ascii: "-"); p += 1 }
            let expStart = p
            var e = 0
            while p < n {
                let d = b[p] &- UInt8(ascii: "0")
                guard d < 10, e < 10_000 else { break }
                e = e * 10 + Int(d)
                p += 1
            }
            guard p > expStart else { return nil }
            exponent += negativeExponent ? -e : e
        }
        guard p == n else { return nil }
        if mantissa == 0 { return negative ? -0.0 : 0.0 }
        guard mantissa <= 1 << 53 else { return nil }
        var value = Double(mantissa)
        if exponent < 0 {
            guard exponent >= -22 else { return nil }
            value /= powersOfTen[-exponent]
        } else if exponent > 0 {
            guard exponent <= 22 else { return nil }
            value *= powersOfTen[exponent]
        }
        return negative ? -value : value
    }

    /// A whole number: `-?digits` (up to 18 digits) directly, else as `Int64(String)`, else a
    /// whole-valued Double below 9e15.
    public static func int64(_ b: UnsafeBufferPointer<UInt8>) -> Int64? {
        let n = b.count
        var p = 0
        var negative = false
        if n > 0, b[0] == UInt8(ascii: "-") { negative = true; p = 1 }
        if n > p, n - p <= 18 {
            var v: Int64 = 0
            while p < n {
                let d = b[p] &- UInt8(ascii: "0")
                guard d < 10 else { break }
                v = v * 10 + Int64(d)
                p += 1
            }
            if p == n { return negative ? -v : v }
        }
        return int64(slow: String(decoding: b, as: UTF8.self))
    }

    static func int64(slow s: String) -> Int64? {
        Int64(s) ?? Double(s).flatMap { $0 == $0.rounded() && abs($0) < 9e15 ? Int64($0) : nil }
    }
}

/// Natural logarithm and exponential for the log-price axis, in plain Swift (the standard library has
/// neither without Foundation or the C library). Accurate to a few units in the last place.
enum LogMath {
    private static let ln2 = 0.693_147_180_559_945_309_417_232_121_458

    /// ln x for x > 0 (NaN for x ≤ 0 or NaN, +∞ for +∞).
    static func ln(_ x: Double) -> Double {
        guard x > 0 else { return x == 0 ? -.infinity : .nan }
        guard x.isFinite else { return x }
        // x = m · 2^e with m in [√½, √2), then ln m = 2 atanh((m - 1) / (m + 1)).
        var m = x.significand  // [1, 2)
        var e = Double(x.exponent)
        if m > 1.414_213_562_373_095 {
            m /= 2
            e += 1
        }
        let u = (m - 1) / (m + 1)
        let u2 = u * u
        var term = u
        var sum = 0.0
        var k = 1.0
        while k < 40 {
            sum += term / k
            term *= u2
            k += 2
        }
        return e * ln2 + 2 * sum
    }

    /// eˣ (0 for very negative x, +∞ for very large).
    static func exp(_ x: Double) -> Double {
        guard x.isFinite else { return x.isNaN ? x : (x > 0 ? x : 0) }
        if x > 709.8 { return .infinity }
        if x < -745.2 { return 0 }
        let k = (x / ln2).rounded()
        let r = x - k * ln2  // |r| ≤ ln2 / 2
        var term = 1.0
        var sum = 1.0
        for n in 1..<24 {
            term *= r / Double(n)
            sum += term
        }
        return scaled(sum, byPowerOfTwo: Int(k))
    }

    /// xʸ for x > 0.
    static func pow(_ x: Double, _ y: Double) -> Double {
        exp(y * ln(x))
    }

    /// x · 2ⁿ, stepping so intermediate powers stay representable.
    private static func scaled(_ x: Double, byPowerOfTwo n: Int) -> Double {
        var result = x
        var remaining = n
        while remaining > 1000 {
            result *= Double(sign: .plus, exponent: 1000, significand: 1)
            remaining -= 1000
        }
        while remaining < -1000 {
            result *= Double(sign: .plus, exponent: -1000, significand: 1)
            remaining += 1000
        }
        return result * Double(sign: .plus, exponent: remaining, significand: 1)
    }
}

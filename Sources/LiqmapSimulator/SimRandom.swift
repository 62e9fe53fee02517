import Foundation

/// A deterministic pseudo-random generator (xoshiro256**, seeded through SplitMix64); the same seed
/// gives the same sequence on every platform. Never Foundation randomness.
public struct SimRandom: Sendable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64
    /// Box–Muller gives normals in pairs; the second waits here.
    private var spareNormal = 0.0
    private var hasSpareNormal = false

    /// A generator for `seed`, on its own stream `stream` (components draw from separate streams so
    /// that one component's draws do not shift another's).
    public init(seed: UInt64, stream: UInt64 = 0) {
        var sm = SplitMix64(state: seed ^ (stream &* 0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03)
        s0 = sm.next()
        s1 = sm.next()
        s2 = sm.next()
        s3 = sm.next()
        if s0 | s1 | s2 | s3 == 0 { s0 = 1 }
    }

    @inline(__always)
    public mutating func next() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    @inline(__always) private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// Uniform in [0, 1), 53 bits.
    @inline(__always)
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform in (0, 1]: safe for `log`.
    @inline(__always)
    public mutating func uniformPositive() -> Double { Double((next() >> 11) + 1) * 0x1.0p-53 }

    /// Uniform integer in `0..<n` (n > 0), by multiply-shift (bias below 2⁻³² for small n).
    @inline(__always)
    public mutating func below(_ n: Int) -> Int { Int((next() >> 32) &* UInt64(n) >> 32) }

    /// True with probability `p`.
    @inline(__always)
    public mutating func chance(_ p: Double) -> Bool { uniform() < p }

    /// A standard normal draw (Box–Muller, both values of each pair used).
    public mutating func normal() -> Double {
        if hasSpareNormal {
            hasSpareNormal = false
            return spareNormal
        }
        let u = uniformPositive(), v = uniform()
        let r = (-2 * log(u)).squareRoot(), angle = 2 * Double.pi * v
        spareNormal = r * sin(angle)
        hasSpareNormal = true
        return r * cos(angle)
    }

    /// Exponential with the given mean.
    public mutating func exponential(mean: Double) -> Double { -log(uniformPositive()) * mean }

    /// Log-normal with the given median and log-space standard deviation.
    public mutating func logNormal(median: Double, sigma: Double) -> Double { median * exp(sigma * normal()) }

    /// Poisson count with mean `lambda` (Knuth's product method; for the small means the model uses).
    public mutating func poisson(_ lambda: Double) -> Int { poisson(lambda, limit: exp(-lambda)) }

    /// Poisson count with mean `lambda`, given `limit = exp(-lambda)` (callers with a fixed mean keep it).
    public mutating func poisson(_ lambda: Double, limit: Double) -> Int {
        if lambda <= 0 { return 0 }
        if lambda > 30 { return max(0, Int((lambda + lambda.squareRoot() * normal()).rounded())) }
        var k = 0
        var p = uniform()
        while p > limit {
            k += 1
            p *= uniform()
        }
        return k
    }
}

/// SplitMix64: expands a 64-bit seed into well-mixed state words.
struct SplitMix64 {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

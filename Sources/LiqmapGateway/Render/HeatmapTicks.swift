/// Where the axes put their labels: round prices spread evenly on the log axis, round UTC times.
public enum HeatmapTicks {
    /// A labelled price on the vertical axis.
    public struct PriceTick: Sendable, Equatable {
        public var price: Double
        public var label: String
    }

    /// A labelled instant on the horizontal axis.
    public struct TimeTick: Sendable, Equatable {
        public var ms: Int64
        public var label: String
    }

    /// At most `count` round prices inside [low, high]. Up to a factor of 2 the log axis is nearly
    /// linear, so evenly stepped values (1-2-5 × 10ᵏ apart, shared decimals); wider ranges get the
    /// densest of the log series 1-2-5, 1-3, 1 per decade (or every few decades) that fits. Empty
    /// when the range is not positive and increasing.
    public static func prices(low: Double, high: Double, count: Int) -> [PriceTick] {
        guard low.isFinite, high.isFinite, low > 0, high > low, count >= 1 else { return [] }
        if high / low > 2 {
            let ticks = logarithmic(low: low, high: high, count: count)
            if ticks.count >= min(3, count) { return ticks }
        }
        return linear(low: low, high: high, count: count)
    }

    /// Multiples of the smallest 1-2-5 step that gives at most `count` of them in [low, high].
    static func linear(low: Double, high: Double, count: Int) -> [PriceTick] {
        // Tolerances absorb binary rounding at the ends (0.56 / 0.02 is 28.000000000000004).
        func range(_ step: NiceStep) -> (first: Double, last: Double) {
            ((low / step.value - 1e-9).rounded(.up), (high / step.value + 1e-9).rounded(.down))
        }
        var step = NiceStep(atMost: (high - low) / Double(max(count, 1)))
        // Past 2⁵⁰ steps the multiples stop being distinct doubles (and a zero step never ends).
        guard step.value > 0, high / step.value < 1e15 else { return [] }
        while range(step).last - range(step).first + 1 > Double(count) { step = step.next }
        var ticks: [PriceTick] = []
        let (first, last) = range(step)
        var k = first
        while k <= last {
            let price = k * step.value
            ticks.append(PriceTick(price: price, label: HeatmapAxisText.price(price, decimals: step.decimals)))
            k += 1
        }
        return ticks
    }

    /// The densest log series (mantissas per decade, or one value every few decades) with at most
    /// `count` values in [low, high].
    static func logarithmic(low: Double, high: Double, count: Int) -> [PriceTick] {
        let series: [[Double]] = [[1, 1.5, 2, 3, 4, 5, 6, 7, 8, 9], [1, 1.5, 2, 3, 5, 7], [1, 2, 5], [1, 3], [1]]
        let first = Int(low.log10Floor)
        let last = Int(high.log10Floor)
        for mantissas in series {
            let ticks = decades(first, last, every: 1, mantissas, low: low, high: high)
            if ticks.count <= count { return ticks }
        }
        var every = 2
        while true {
            let ticks = decades(first, last, every: every, [1], low: low, high: high)
            if ticks.count <= count { return ticks }
            every *= 2
        }
    }

    private static func decades(
        _ first: Int, _ last: Int, every: Int, _ mantissas: [Double], low: Double, high: Double
    ) -> [PriceTick] {
        var ticks: [PriceTick] = []
        for k in first...last where k % every == 0 {
            let decade = NiceStep.power(k)
            for m in mantissas {
                let price = m * decade
                guard price >= low * (1 - 1e-12), price <= high * (1 + 1e-12) else { continue }
                let decimals = max(0, -k + (m == m.rounded() ? 0 : 1))
                ticks.append(PriceTick(price: price, label: HeatmapAxisText.price(price, decimals: decimals)))
            }
        }
        return ticks
    }

    /// At most `maxCount` round UTC instants in [startMs, endMs]: the finest of 1, 2, 5, 10, 15, 30 min,
    /// 1, 2, 3, 4, 6, 12 h, 1, 2, 7, 14 d (then 30 d doubling) that fits.
    public static func times(startMs: Int64, endMs: Int64, maxCount: Int) -> [TimeTick] {
        let limit: Int64 = 1 << 60  // far beyond any real instant; keeps the arithmetic from overflowing
        guard endMs > startMs, maxCount >= 1, startMs > -limit, endMs < limit else { return [] }
        let span = endMs - startMs
        let minute: Int64 = 60_000
        let hour = 60 * minute
        let day = 24 * hour
        let candidates: [Int64] = [
            minute, 2 * minute, 5 * minute, 10 * minute, 15 * minute, 30 * minute,
            hour, 2 * hour, 3 * hour, 4 * hour, 6 * hour, 12 * hour, day, 2 * day, 7 * day, 14 * day,
        ]
        let fits = { (step: Int64) in floorDivide(endMs, step) - ceilDivide(startMs, step) + 1 <= Int64(maxCount) }
        let step = candidates.first(where: fits) ?? {
            var months: Int64 = 1
            while !fits(months * 30 * day) { months *= 2 }
            return months * 30 * day
        }()
        var ticks: [TimeTick] = []
        var t = ceilDivide(startMs, step) * step
        while t <= endMs {
            ticks.append(TimeTick(ms: t, label: HeatmapAxisText.time(t, spanMs: span, stepMs: step)))
            t += step
        }
        return ticks
    }

    private static func floorDivide(_ a: Int64, _ b: Int64) -> Int64 {
        a >= 0 ? a / b : -((-a + b - 1) / b)
    }

    private static func ceilDivide(_ a: Int64, _ b: Int64) -> Int64 {
        -floorDivide(-a, b)
    }
}

/// A 1, 2 or 5 × 10ᵏ step with the fraction digits it needs.
struct NiceStep {
    var mantissa: Double
    var exponent: Int

    /// The largest step not above `bound` (1 for a bound that is not positive and finite).
    init(atMost bound: Double) {
        guard bound.isFinite, bound > 0 else {
            mantissa = 1
            exponent = 0
            return
        }
        exponent = Int(bound.log10Floor)
        let scaled = bound / Self.power(exponent)  // [1, 10)
        mantissa = scaled >= 5 ? 5 : scaled >= 2 ? 2 : 1
    }

    var value: Double { mantissa * Self.power(exponent) }
    var decimals: Int { max(0, -exponent) }

    /// The next larger step: 1 → 2 → 5 → 10.
    var next: NiceStep {
        var step = self
        switch mantissa {
        case 1: step.mantissa = 2
        case 2: step.mantissa = 5
        default:
            step.mantissa = 1
            step.exponent += 1
        }
        return step
    }

    /// 10ᵏ, exact for the integer powers a Double holds exactly.
    static func power(_ k: Int) -> Double {
        var p = 1.0
        for _ in 0..<abs(k) { p *= 10 }
        return k >= 0 ? p : 1 / p
    }
}

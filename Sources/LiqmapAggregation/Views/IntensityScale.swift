/// How USD maps to colour intensity in [0, 1] (docs/API.md, "Colour scales").
///
/// * `absolute`: a fixed logarithmic scale, the same for every view, asset and window:
///   `log10(usd / 1,000) / 5`, clamped, so $1k and below is 0 (dark), $100M and above is 1 (bright),
///   and each decade is a fifth of the scale. A colour means the same USD everywhere.
/// * `relative`: linear in the view's own reference, `usd / maxUSD`, clamped, where `maxUSD` is the
///   99th percentile of the view's non-zero cells (so one outlier does not darken everything else).
public enum IntensityScale: Sendable, Hashable {
    case absolute
    case relative(maxUSD: Double)

    public static let absoluteFloorUSD = 1_000.0
    public static let absoluteCeilingUSD = 100_000_000.0
    private static let decades = 5.0

    /// The relative scale of a view: the 99th percentile of its non-zero cells (0 for an empty view).
    public static func relative(cellsMicros: [Int64]) -> IntensityScale {
        let nonZero = cellsMicros.filter { $0 > 0 }.sorted()
        guard !nonZero.isEmpty else { return .relative(maxUSD: 0) }
        let index = Int((0.99 * Double(nonZero.count - 1)).rounded(.up))
        return .relative(maxUSD: Double(nonZero[index]) / 1e6)
    }

    /// The intensity of `usd`.
    public func intensity(usd: Double) -> Float {
        guard usd > 0, usd.isFinite else { return 0 }
        switch self {
        case .absolute:
            guard usd > Self.absoluteFloorUSD else { return 0 }
            return Float(min(1, log10(usd / Self.absoluteFloorUSD) / Self.decades))
        case .relative(let maxUSD):
            guard maxUSD > 0 else { return 0 }
            return Float(min(1, usd / maxUSD))
        }
    }

    /// `relative` or `absolute`.
    public var name: String {
        switch self {
        case .absolute: "absolute"
        case .relative: "relative"
        }
    }

    /// The USD at intensity 0 and at intensity 1.
    public var bounds: (low: Double, high: Double) {
        switch self {
        case .absolute: (Self.absoluteFloorUSD, Self.absoluteCeilingUSD)
        case .relative(let maxUSD): (0, maxUSD)
        }
    }
}

/// Base-10 logarithm through the module's natural log (no Foundation).
func log10(_ x: Double) -> Double { naturalLog(x) / naturalLog(10) }

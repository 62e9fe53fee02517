/// Which positions a view counts: longs (liquidated when the price falls), shorts (when it rises), or both.
public enum ViewSide: String, Sendable, Hashable, CaseIterable {
    case long, short, both

    /// The micro-dollars of `value` this side counts.
    public func micros(_ value: CellValue) -> Int64 {
        switch self {
        case .long: value.longUSD.micros
        case .short: value.shortUSD.micros
        case .both: value.longUSD.micros + value.shortUSD.micros
        }
    }
}

/// The content of one cell: USD of long and short positions, and how many liquidations each side had
/// (counts are used by realized tiles; projected tiles leave them at 0).
public struct CellValue: Sendable, Hashable {
    public var longUSD: MicroUSD
    public var shortUSD: MicroUSD
    public var longCount: UInt32
    public var shortCount: UInt32

    public static let zero = CellValue(longUSD: .zero, shortUSD: .zero, longCount: 0, shortCount: 0)

    public init(longUSD: MicroUSD = .zero, shortUSD: MicroUSD = .zero, longCount: UInt32 = 0, shortCount: UInt32 = 0) {
        self.longUSD = longUSD
        self.shortUSD = shortUSD
        self.longCount = longCount
        self.shortCount = shortCount
    }

    /// True when every field is zero (such cells are not stored).
    public var isZero: Bool { self == .zero }

    /// Exact field-by-field sum.
    public static func + (a: CellValue, b: CellValue) -> CellValue {
        CellValue(
            longUSD: a.longUSD + b.longUSD, shortUSD: a.shortUSD + b.shortUSD,
            longCount: a.longCount + b.longCount, shortCount: a.shortCount + b.shortCount)
    }

    public static func += (a: inout CellValue, b: CellValue) { a = a + b }
}

/// A logarithmic price grid: base row `floor(ln(price) / ln(1 + step))` (step 0.02 % by default);
/// level L merges 2^L base rows (`row >> L`, flooring for negative rows), so a row at level L is
/// about step·2^L wide in relative terms (L0 0.02 %, L2 0.08 %, L5 0.64 %).
///
/// The grid is scale-free, so every asset uses the same formula; rows are comparable across venues
/// and instruments of one asset, which is what lets views merge them by adding cells.
public struct PriceGrid: Sendable, Hashable, Codable {
    /// Relative width of a base (level-0) row.
    public let step: Double
    /// `ln(1 + step)`.
    public let logStep: Double

    /// The default grid: 0.02 % rows.
    public static let standard = PriceGrid(step: 0.0002)

    public init(step: Double) {
        precondition(step > 0 && step < 1, "grid step must be in (0, 1)")
        self.step = step
        self.logStep = naturalLog(1 + step)
    }

    /// The level-0 row of a positive price; nil for zero, negative or non-finite prices.
    public func baseRow(price: Double) -> Int32? {
        guard price > 0, price.isFinite else { return nil }
        let row = (naturalLog(price) / logStep).rounded(.down)
        guard row >= Double(Int32.min), row <= Double(Int32.max) else { return nil }
        return Int32(row)
    }

    /// The row of a price at `level`.
    public func row(price: Double, level: Int) -> Int32? {
        baseRow(price: price).map { Self.row($0, toLevel: level) }
    }

    /// A base row seen at `level` (`row >> level`: floor semantics for negative rows).
    public static func row(_ baseRow: Int32, toLevel level: Int) -> Int32 { baseRow >> Int32(level) }

    /// A row at `level` seen at the coarser `coarserLevel`.
    public static func row(_ row: Int32, fromLevel level: Int, toLevel coarserLevel: Int) -> Int32 {
        precondition(coarserLevel >= level, "can only merge rows toward coarser levels")
        return row >> Int32(coarserLevel - level)
    }

    /// The price band `[low, high)` of a row at `level`: `(1+step)^(row·2^L)` to `(1+step)^((row+1)·2^L)`.
    public func band(row: Int32, level: Int) -> (low: Double, high: Double) {
        let first = Double(Int64(row) << Int64(level))
        let width = Double(Int64(1) << Int64(level))
        return (naturalExp(first * logStep), naturalExp((first + width) * logStep))
    }

    /// The geometric middle of a row's band.
    public func mid(row: Int32, level: Int) -> Double {
        let first = Double(Int64(row) << Int64(level))
        let width = Double(Int64(1) << Int64(level))
        return naturalExp((first + width / 2) * logStep)
    }
}

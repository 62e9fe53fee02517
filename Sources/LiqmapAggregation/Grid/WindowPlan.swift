/// Which resolution and tiles serve a time window `[from, to)`: the finest resolution that needs at
/// most `maxColumns` columns (1,000 by default; every standard window from 12 h to 1 y then gets
/// 300–1,000 columns and at most 5 tiles).
public struct WindowPlan: Sendable, Hashable {
    /// The most columns a view should have.
    public static let maxColumns: Int64 = 1_000

    public let from: Int64
    public let to: Int64
    public let resolution: TimeResolution
    /// First and last column touched (inclusive).
    public let firstColumn: Int64
    public let lastColumn: Int64

    /// Plans `[from, to)` (Unix ms, `to > from`). Windows wider than 1,000 × 12 h use 12 h anyway.
    public init(from: Int64, to: Int64, maxColumns: Int64 = WindowPlan.maxColumns) {
        precondition(to > from, "an empty window")
        self.from = from
        self.to = to
        let chosen = TimeResolution.allCases.sorted().first { res in
            res.column(ts: to - 1) - res.column(ts: from) + 1 <= maxColumns
        }
        self.resolution = chosen ?? .h12
        self.firstColumn = resolution.column(ts: from)
        self.lastColumn = resolution.column(ts: to - 1)
    }

    /// Plans `[from, to)` at a given resolution.
    public init(from: Int64, to: Int64, resolution: TimeResolution) {
        precondition(to > from, "an empty window")
        self.from = from
        self.to = to
        self.resolution = resolution
        self.firstColumn = resolution.column(ts: from)
        self.lastColumn = resolution.column(ts: to - 1)
    }

    /// Number of columns in the view.
    public var columnCount: Int64 { lastColumn - firstColumn + 1 }

    /// The tiles to read, ascending.
    public var tiles: ClosedRange<Int64> {
        TimeResolution.tile(ofColumn: firstColumn)...TimeResolution.tile(ofColumn: lastColumn)
    }

    /// The standard windows of the gateway (`window=`), in milliseconds.
    public static let standardWindows: [(name: String, milliseconds: Int64)] = [
        ("12h", 12 * 3_600_000), ("24h", 24 * 3_600_000), ("3d", 3 * 86_400_000), ("7d", 7 * 86_400_000),
        ("30d", 30 * 86_400_000), ("90d", 90 * 86_400_000), ("180d", 180 * 86_400_000), ("1y", 365 * 86_400_000),
    ]
}

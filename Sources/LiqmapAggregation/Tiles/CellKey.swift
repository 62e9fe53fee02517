/// Where a cell sits inside its tile: column offset (0…255), price row at the tile's level, and
/// leverage tier (0 = all leverage, the only tier of realized tiles; 1…n = `ModelParameters.leverageTiers[n-1]`).
public struct CellKey: Sendable, Hashable, Comparable {
    public var column: UInt8
    public var row: Int32
    public var tier: UInt8

    public init(column: UInt8, row: Int32, tier: UInt8 = 0) {
        self.column = column
        self.row = row
        self.tier = tier
    }

    /// Order of cells in an encoded tile: column, then row, then tier.
    public static func < (a: CellKey, b: CellKey) -> Bool { (a.column, a.row, a.tier) < (b.column, b.row, b.tier) }
}

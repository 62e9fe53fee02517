/// The sparse cells of one tile: a change to add, or a whole stored tile (the sum of every delta
/// applied to it). Merging is exact integer addition, so it is associative and commutative, and
/// cells that sum to zero disappear.
public struct TileDelta: Sendable, Hashable {
    /// Non-zero cells.
    public private(set) var cells: [CellKey: CellValue]

    public static let empty = TileDelta()

    public init() { self.cells = [:] }

    /// Builds a delta from cells; repeated keys are added, zero results dropped.
    public init(_ cells: some Sequence<(CellKey, CellValue)>) {
        self.cells = [:]
        for (key, value) in cells { add(value, at: key) }
    }

    public var isEmpty: Bool { cells.isEmpty }
    public var count: Int { cells.count }

    /// The value at a cell (zero when absent).
    public subscript(key: CellKey) -> CellValue { cells[key] ?? .zero }

    /// Adds `value` to one cell.
    public mutating func add(_ value: CellValue, at key: CellKey) {
        let sum = self[key] + value
        cells[key] = sum.isZero ? nil : sum
    }

    /// Adds every cell of `other`.
    public mutating func merge(_ other: TileDelta) {
        for (key, value) in other.cells { add(value, at: key) }
    }

    /// `self` plus `other`.
    public func merging(_ other: TileDelta) -> TileDelta {
        var copy = self
        copy.merge(other)
        return copy
    }

    /// Replaces every cell of column `offset` with the cells of `column` (projected snapshots: the
    /// latest snapshot of a column wins, so re-applying it changes nothing).
    public mutating func replaceColumn(_ offset: UInt8, with column: TileDelta) {
        replaceColumns([offset: column])
    }

    /// Replaces several columns at once, in one pass over the cells (`replaceColumn` for each).
    public mutating func replaceColumns(_ columns: [UInt8: TileDelta]) {
        guard !columns.isEmpty else { return }
        cells = cells.filter { columns[$0.key.column] == nil }
        for (offset, column) in columns {
            for (key, value) in column.cells where key.column == offset && !value.isZero { cells[key] = value }
        }
    }

    /// Cells in encoding order (column, row, tier).
    public var sortedCells: [(key: CellKey, value: CellValue)] {
        cells.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) }
    }

    /// Sum of every cell (long and short USD, counts).
    public var total: CellValue { cells.values.reduce(.zero, +) }
}

/// Deltas for many tiles, keyed by tile.
public typealias TileDeltas = [TileKey: TileDelta]

extension Dictionary where Key == TileKey, Value == TileDelta {
    /// Adds `other` tile by tile (exact).
    public mutating func merge(deltas other: TileDeltas) {
        for (key, delta) in other { self[key, default: .empty].merge(delta) }
        self = filter { !$0.value.isEmpty }
    }
}

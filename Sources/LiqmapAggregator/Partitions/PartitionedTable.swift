import LiqmapAggregation

/// A table split into monthly partitions (migration 5, Protocols/tiles.md § Partitions): the
/// realized liquidations by event time `ts`, and the tiles of each resolution whose tiles are shorter
/// than a month by tile index. Knows the names and bounds of its partitions (pure); the SQL that
/// makes them is ``PartitionMaintainer``'s.
public enum PartitionedTable: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// `realized_liquidations`, RANGE on `ts` (Unix ms).
    case realizedLiquidations
    /// `tiles_<resolution>` (the LIST partition of `tiles` for one resolution), RANGE on `tile`.
    case tiles(TimeResolution)

    /// The tile resolutions split by month: those whose tile (256 columns) is shorter than the
    /// shortest month, so every month holds at least one tile start and no bound range is empty
    /// (1m … 1h: 4.3 h to 10.7 days). 4h tiles span 42.7 days and 12h tiles 128: each of those
    /// resolutions is one plain partition.
    public static let monthlyTileResolutions: [TimeResolution] = TimeResolution.allCases.filter {
        $0.milliseconds * TimeResolution.columnsPerTile < 28 * RetentionPolicy.day
    }

    /// Every table the maintenance looks after, realized rows first.
    public static let all: [PartitionedTable] = [.realizedLiquidations] + monthlyTileResolutions.map { .tiles($0) }

    /// The partitioned table the monthly partitions attach to.
    public var parent: String {
        switch self {
        case .realizedLiquidations: "realized_liquidations"
        case .tiles(let r): "tiles_\(r.rawValue)"
        }
    }

    /// The partition key column.
    public var keyColumn: String {
        switch self {
        case .realizedLiquidations: "ts"
        case .tiles: "tile"
        }
    }

    /// `<parent>_YYYYMM`.
    public func partitionName(_ month: UTCMonth) -> String { "\(parent)_\(month.name)" }

    /// `<parent>_default`: rows of months with no partition (yet).
    public var defaultName: String { "\(parent)_default" }

    /// The month a partition name stands for, if it is one of this table's monthly names.
    public func month(ofPartition name: String) -> UTCMonth? {
        let prefix = parent + "_"
        guard name.hasPrefix(prefix) else { return nil }
        return UTCMonth(name: name.dropFirst(prefix.count))
    }

    /// The key range `[lower, upper)` of a month's partition. Realized: the month's milliseconds.
    /// Tiles: the tiles whose first column starts in the month, `[⌈start / span⌉, ⌈next start / span⌉)`.
    public func bounds(_ month: UTCMonth) -> Range<Int64> {
        switch self {
        case .realizedLiquidations:
            return month.span
        case .tiles(let r):
            let span = r.milliseconds * TimeResolution.columnsPerTile
            return Self.ceilDiv(month.startMs, span)..<Self.ceilDiv(month.next.startMs, span)
        }
    }

    /// The month whose partition holds key `key`, or nil outside 1970…9999.
    public func month(ofKey key: Int64) -> UTCMonth? {
        switch self {
        case .realizedLiquidations:
            return UTCMonth(containing: key)
        case .tiles(let r):
            let (start, overflow) = key.multipliedReportingOverflow(by: r.milliseconds * TimeResolution.columnsPerTile)
            return overflow ? nil : UTCMonth(containing: start)
        }
    }

    /// The bound PostgreSQL prints for a month's partition (`pg_get_expr(relpartbound, oid)`).
    public func boundText(_ month: UTCMonth) -> String {
        let b = bounds(month)
        return "FOR VALUES FROM ('\(b.lowerBound)') TO ('\(b.upperBound)')"
    }

    public var description: String { parent }

    public static func < (a: PartitionedTable, b: PartitionedTable) -> Bool { a.order < b.order }

    private var order: Int {
        switch self {
        case .realizedLiquidations: 0
        case .tiles(let r): Int(r.code)
        }
    }

    /// ⌈a / b⌉ for b > 0 (partition months start at or after 1970, so a ≥ 0).
    static func ceilDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return a % b > 0 ? q + 1 : q
    }
}

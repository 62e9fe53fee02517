import LiqmapAggregation

/// How long tiles of each resolution are kept, by event time behind the shard's newest event
/// (docs/MODEL.md §3): 1m for 7 days, 3m and 5m for 30, 15m for 90, 1h for a year, 4h and 12h for
/// ever. Every resolution is accumulated directly, so dropping a fine tile loses no total: the
/// coarser tiles already hold the same sums (the rollup identity).
public struct RetentionPolicy: Sendable, Hashable {
    /// Milliseconds kept per resolution; a missing resolution is kept for ever.
    public var keep: [TimeResolution: Int64]
    /// `applied_batches` rows older than this (wall clock) are dropped: far longer than any stream
    /// entry can wait to be re-delivered.
    public var appliedBatchesDays: Int

    public static let day: Int64 = 86_400_000
    public static let standard = RetentionPolicy(
        keep: [.m1: 7 * day, .m3: 30 * day, .m5: 30 * day, .m15: 90 * day, .h1: 365 * day], appliedBatchesDays: 14)

    public init(keep: [TimeResolution: Int64], appliedBatchesDays: Int) {
        self.keep = keep
        self.appliedBatchesDays = appliedBatchesDays
    }

    /// For each resolution with a limit: tiles with an index below this are wholly older than the
    /// window ending at `newest` and may be dropped.
    public func cutoffTiles(newestEventTs newest: Int64) -> [(TimeResolution, Int64)] {
        TimeResolution.allCases.compactMap { r in cutoffTile(r, newestEventTs: newest).map { (r, $0) } }
    }

    /// The cutoff of one resolution (nil when it is kept for ever): tiles below it are wholly older
    /// than the window ending at `newest`.
    public func cutoffTile(_ r: TimeResolution, newestEventTs newest: Int64) -> Int64? {
        guard let k = keep[r] else { return nil }
        return TimeResolution.tile(ofColumn: r.column(ts: newest - k))
    }
}

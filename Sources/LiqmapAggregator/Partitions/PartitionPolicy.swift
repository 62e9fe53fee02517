/// What partition maintenance keeps and prepares: the realized rows' window (configurable,
/// `retention.realized_days`; kept for ever by default), the tiles' windows (the aggregators'
/// ``RetentionPolicy``), how far ahead months are made, and how long a step may wait for a lock.
public struct PartitionPolicy: Sendable, Hashable {
    /// Realized liquidation rows are kept at least this long behind the retention clock, ms; nil:
    /// for ever. Whole months go, so a row stays up to a month longer than this.
    public var realizedKeepMs: Int64?
    /// The tiles' windows per resolution (a resolution without one is kept for ever).
    public var tiles: RetentionPolicy
    /// Partitions are made for this many months after the current one, so the months rows arrive
    /// in already exist and the default partition stays empty.
    public var monthsAhead: Int
    /// `lock_timeout` of each step, ms: a step that would queue behind a long transaction gives up
    /// (and is retried on the next run) instead of stalling every reader queued behind its lock.
    public var lockTimeoutMs: Int
    /// `statement_timeout` of each step, ms: bounds how long a month's move out of the default
    /// partition may hold its parent locked (a default grown huge is left to an operator).
    public var stepTimeoutMs: Int
    /// `idle_in_transaction_session_timeout` of each step, ms: a runner paused mid-step loses its
    /// session, and the locks with it, after this long.
    public var idleTimeoutMs: Int

    /// - Parameter realizedRetentionDays: nil or 0: keep realized rows for ever.
    public init(realizedRetentionDays: Int? = nil, tiles: RetentionPolicy = .standard, monthsAhead: Int = 2, lockTimeoutMs: Int = 1_000,
                stepTimeoutMs: Int = 30_000, idleTimeoutMs: Int = 5_000) {
        self.realizedKeepMs = realizedRetentionDays.flatMap { $0 > 0 ? Int64($0) * RetentionPolicy.day : nil }
        self.tiles = tiles
        self.monthsAhead = monthsAhead
        self.lockTimeoutMs = lockTimeoutMs
        self.stepTimeoutMs = stepTimeoutMs
        self.idleTimeoutMs = idleTimeoutMs
    }

    /// Keys of `table` below this are older than its window ending at `clock`; nil: kept for ever.
    public func cutoffKey(_ table: PartitionedTable, clock: Int64) -> Int64? {
        switch table {
        case .realizedLiquidations: realizedKeepMs.map { clock - $0 }
        case .tiles(let r): tiles.cutoffTile(r, newestEventTs: clock)
        }
    }
}

/// How one aggregator process runs its shard: sizes, timings and the failpoint (all settable from
/// `liqmap aggregator` flags; defaults in docs/ARCHITECTURE.md).
public struct AggregatorOptions: Sendable, Hashable {
    public var shard: Int
    public var shards: Int
    /// This process's consumer name in the group (default `<host>:<pid>`).
    public var consumer: String
    /// Stream entries (each a batch of up to 500 events) per read and per transaction.
    public var entriesPerRead = 64
    /// XREADGROUP BLOCK, seconds.
    public var blockSeconds = 0.5
    /// The owner renews its lease this often, seconds.
    public var heartbeatSeconds = 1.0
    /// A lease not renewed for this long is stale: a standby ends the owner's lock session.
    public var leaseSeconds = 5.0
    /// A standby tries the lock this often, seconds.
    public var standbyPollSeconds = 0.5
    /// After ownerships that fail before their first commit, the wait before standing by again
    /// doubles from `standbyPollSeconds` up to this, seconds.
    public var failureBackoffMaxSeconds = 4.0
    /// How long a takeover waits for a row an old owner's open transaction holds, milliseconds.
    public var takeoverLockTimeoutMs = 2_000
    /// The projection checkpoint (and the projected columns with it) is written this often, seconds.
    public var checkpointSeconds = 5.0
    /// Entries other consumers (a fenced zombie) hold longer than this are claimed, milliseconds.
    public var reclaimMinIdleMs = 10_000
    /// How often the owner looks for such entries, seconds.
    public var reclaimEverySeconds = 5.0
    /// Minutes close this long after the newest event time seen, milliseconds.
    public var watermarkLatenessMs: Int64 = 5_000
    /// What is kept, and how often retention runs (with a checkpoint), seconds.
    public var retention = RetentionPolicy.standard
    public var retentionEverySeconds = 3_600.0
    /// Follow the shard layout in Redis (`liqmap reshard`): on in `liqmap aggregator`, off for
    /// embedded aggregators (tests, benchmarks) that share a Redis with others.
    public var followsLayout = false
    /// A failpoint for fault tests (`LIQMAP_FAILPOINT`), e.g. `after_commit_before_ack@0.05`.
    public var failpoint: Failpoint?

    /// The owner of shard 0 also runs partition maintenance, every `retentionEverySeconds`, on a
    /// session of its own (``PartitionMaintainer``). Off: nothing here does; `liqmap partitions
    /// --apply` still can.
    public var maintainsPartitions = true
    /// Realized liquidation rows are kept this many days (whole months are dropped); nil: for ever
    /// (`retention.realized_days`).
    public var realizedRetentionDays: Int?

    public init(shard: Int, shards: Int, consumer: String) {
        self.shard = shard
        self.shards = shards
        self.consumer = consumer
    }
}

/// A place where a test asks the process to die (SIGKILL itself) with some probability per pass.
public struct Failpoint: Sendable, Hashable {
    public enum Site: String, Sendable, Hashable, CaseIterable {
        case beforeCommit = "before_commit"
        case afterCommitBeforeAck = "after_commit_before_ack"
        case afterAck = "after_ack"
    }

    public var site: Site
    public var probability: Double

    /// Parses `site@probability` (probability in (0, 1]; `site` alone means 1).
    public init?(_ text: String) {
        let parts = text.split(separator: "@", maxSplits: 1).map(String.init)
        guard let first = parts.first, let site = Site(rawValue: first) else { return nil }
        let p = parts.count == 2 ? Double(parts[1]) : 1
        guard let p, p > 0, p <= 1 else { return nil }
        self.site = site
        self.probability = p
    }
}

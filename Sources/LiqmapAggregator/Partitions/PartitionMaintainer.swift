import LiqmapCore
import LiqmapPostgres

/// Carries out partition maintenance on one session: reads the catalog, plans (``PartitionPlan``)
/// and runs each step in its own short transaction with a `lock_timeout`, under a session advisory
/// lock so two runners never interleave (the aggregator owning shard 0 and `liqmap partitions
/// --apply`). Every step is idempotent: a month that exists is not made again, a dropped one is
/// gone, so a step that failed (a lock not granted in time) is simply planned again next run.
public struct PartitionMaintainer: Sendable {
    public let client: PostgresClient
    public let policy: PartitionPolicy

    public init(client: PostgresClient, policy: PartitionPolicy) {
        self.client = client
        self.policy = policy
    }

    /// What one run did.
    public struct Outcome: Sendable {
        public var done: [PartitionPlan.Action] = []
        public var failed: [(action: PartitionPlan.Action, error: String)] = []
        /// Another runner held the maintenance lock: nothing was tried.
        public var busy = false
    }

    /// The advisory lock key of maintenance in a schema (advisory locks are per database; the key
    /// mixes in the schema as ``ShardLease/lockKey(shard:schema:)`` does).
    public static func lockKey(schema: String) -> Int64 {
        Int64(bitPattern: ShardMap.fnv1a64("liqmap-partitions:" + schema))
    }

    /// The catalog and the plan it leads to, changing nothing.
    public func plan(now: Int64, retentionClock: Int64?) async throws -> (catalog: [PartitionedTable: PartitionCatalog.Table], plan: PartitionPlan) {
        let policy = self.policy
        return try await client.withConnection { conn in
            let catalog = try PartitionCatalog.read(conn)
            return (catalog, PartitionPlan.make(catalog.mapValues(\.observation), policy: policy, now: now, retentionClock: retentionClock))
        }
    }

    /// Plans and applies, under the maintenance lock.
    public func run(now: Int64, retentionClock: Int64?) async throws -> Outcome {
        let policy = self.policy
        return try await client.withConnection { conn in
            let key = Self.lockKey(schema: try conn.query("SELECT current_schema()::text").scalar(String.self))
            guard try conn.tryAdvisoryLock(key) else { return Outcome(busy: true) }
            defer { _ = try? conn.advisoryUnlock(key) }
            let catalog = try PartitionCatalog.read(conn)
            let plan = PartitionPlan.make(catalog.mapValues(\.observation), policy: policy, now: now, retentionClock: retentionClock)
            var outcome = Outcome()
            for action in plan.actions {
                do {
                    try conn.transaction { conn in try Self.apply(action, policy: policy, on: conn) }
                    outcome.done.append(action)
                } catch let error as PostgresError where error.kind == .connection {
                    throw error
                } catch {
                    outcome.failed.append((action, "\(error)"))
                }
            }
            return outcome
        }
    }

    /// One step, inside the caller's transaction.
    static func apply(_ action: PartitionPlan.Action, policy: PartitionPolicy, on conn: PGConnection) throws {
        // A runner stopped mid-step (SIGSTOP, a long pause) must not keep the parent locked: the
        // server ends a session idle in this transaction, and a step running too long is cancelled.
        try conn.query("""
            SELECT set_config('lock_timeout', \(String(policy.lockTimeoutMs)), true),
                   set_config('statement_timeout', \(String(policy.stepTimeoutMs)), true),
                   set_config('idle_in_transaction_session_timeout', \(String(policy.idleTimeoutMs)), true)
            """)
        switch action {
        case .create(let table, let month):
            // The default partition's rows of this month must move first (an attach would refuse
            // them), so the month is made apart, filled and attached. The parent is locked ACCESS
            // EXCLUSIVE for that short transaction: ATTACH alone would take only SHARE UPDATE
            // EXCLUSIVE, and a statement planned with the parent's partitions of before the attach
            // but run after it would not see the moved rows at all: a reader would miss them and an
            // aggregator's read-modify-write of a tile would overwrite its sums.
            let name = table.partitionName(month), bounds = table.bounds(month), key = table.keyColumn
            try conn.query("LOCK TABLE \(identifier: table.parent) IN ACCESS EXCLUSIVE MODE")
            try conn.query("CREATE TABLE \(identifier: name) (LIKE \(identifier: table.parent) INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
            try conn.query("""
                WITH moved AS (
                    DELETE FROM \(identifier: table.defaultName)
                    WHERE \(identifier: key) >= \(unescaped: String(bounds.lowerBound)) AND \(identifier: key) < \(unescaped: String(bounds.upperBound))
                    RETURNING *)
                INSERT INTO \(identifier: name) SELECT * FROM moved
                """)
            try conn.query("""
                ALTER TABLE \(identifier: table.parent) ATTACH PARTITION \(identifier: name)
                FOR VALUES FROM (\(unescaped: String(bounds.lowerBound))) TO (\(unescaped: String(bounds.upperBound)))
                """)
        case .drop(let table, let month):
            // Takes ACCESS EXCLUSIVE on the parent too: statements already reading it finish first.
            try conn.query("DROP TABLE IF EXISTS \(identifier: table.partitionName(month))")
        case .purgeDefault(let table, let below):
            try conn.query("DELETE FROM \(identifier: table.defaultName) WHERE \(identifier: table.keyColumn) < \(below)")
        }
    }
}

/// Partition maintenance, decided (pure): given the wall clock, the retention clock and what a table
/// holds, which monthly partitions to make, which to drop and what to delete from the default
/// partition. ``PartitionMaintainer`` carries it out; `liqmap partitions` prints it.
///
/// * **Made:** every month from the oldest kept one (the month holding the table's cutoff key; the
///   current month when the table is kept for ever) to `monthsAhead` past the current month, and
///   every month in that span or older, down to the oldest kept one, that rows in the default
///   partition belong to (their rows move in when it is made). Rows of months further ahead stay in
///   the default partition until their month is within reach.
/// * **Dropped:** a month whose every key is below the cutoff (`upper bound ≤ cutoff`), so only rows
///   wholly older than the table's window go, never a partial month.
/// * **Purged:** default-partition rows below the oldest kept month: what a dropped month would
///   have held.
///
/// The retention clock (the aggregator's newest event time, never later than the wall clock)
/// judges windows, as row retention does; the wall clock says which months are ahead. Without a
/// retention clock nothing is dropped or purged.
public struct PartitionPlan: Sendable, Hashable {
    /// One step; each runs in its own short transaction.
    public enum Action: Sendable, Hashable, CustomStringConvertible {
        /// Make the month's partition, moving its rows out of the default partition.
        case create(PartitionedTable, UTCMonth)
        /// Drop the month's partition: every row in it is older than the table's window.
        case drop(PartitionedTable, UTCMonth)
        /// Delete the default partition's rows with keys below `below` (older than the oldest kept month).
        case purgeDefault(PartitionedTable, below: Int64)

        public var table: PartitionedTable {
            switch self {
            case .create(let t, _), .drop(let t, _), .purgeDefault(let t, _): t
            }
        }

        public var description: String {
            switch self {
            case .create(let t, let m): "create \(t.partitionName(m)) \(t.boundText(m))"
            case .drop(let t, let m): "drop \(t.partitionName(m))"
            case .purgeDefault(let t, let below): "delete from \(t.defaultName) where \(t.keyColumn) < \(below)"
            }
        }
    }

    public var actions: [Action]

    public init(actions: [Action]) { self.actions = actions }

    /// The plan for every table: creates first (a month must exist before old rows can be told from
    /// new), then purges, then drops.
    public static func make(_ seen: [PartitionedTable: PartitionObservation], policy: PartitionPolicy, now: Int64, retentionClock: Int64?) -> PartitionPlan {
        let each = seen.keys.sorted().map { plan($0, seen[$0]!, policy: policy, now: now, retentionClock: retentionClock) }
        func pick(_ keep: (Action) -> Bool) -> [Action] { each.flatMap { $0.filter(keep) } }
        return PartitionPlan(actions: pick { if case .create = $0 { true } else { false } }
            + pick { if case .purgeDefault = $0 { true } else { false } }
            + pick { if case .drop = $0 { true } else { false } })
    }

    /// The steps for one table.
    public static func plan(_ table: PartitionedTable, _ seen: PartitionObservation, policy: PartitionPolicy, now: Int64,
                            retentionClock: Int64?) -> [Action] {
        guard let current = UTCMonth(containing: now) else { return [] }
        let horizon = current.adding(policy.monthsAhead)
        // Never judge windows by a clock ahead of the wall clock (one event with a wild time).
        let cutoff = retentionClock.flatMap { policy.cutoffKey(table, clock: min($0, now)) }
        // The oldest month that must stay: the one holding the cutoff key still has rows inside the window.
        let oldestKept = cutoff.flatMap { table.month(ofKey: $0) }
        let existing = seen.months.union(seen.mismatched)

        var wanted = Set<UTCMonth>()
        var month = min(oldestKept ?? current, current)
        while month <= horizon {
            wanted.insert(month)
            month = month.next
        }
        for m in seen.defaultMonths where m <= horizon && m >= (oldestKept ?? .first) { wanted.insert(m) }
        var actions = wanted.subtracting(existing).sorted().map { Action.create(table, $0) }

        if let oldestKept, let minKey = seen.defaultMinKey, minKey < table.bounds(oldestKept).lowerBound {
            actions.append(.purgeDefault(table, below: table.bounds(oldestKept).lowerBound))
        }
        if let cutoff {
            for m in seen.months.subtracting(seen.mismatched).sorted() where table.bounds(m).upperBound <= cutoff {
                actions.append(.drop(table, m))
            }
        }
        return actions
    }
}

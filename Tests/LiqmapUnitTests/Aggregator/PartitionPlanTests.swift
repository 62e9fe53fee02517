import LiqmapAggregation
import LiqmapAggregator
import Testing

@Suite("Partition maintenance plan (pure)")
struct PartitionPlanTests {
    typealias Action = PartitionPlan.Action
    static let day = RetentionPolicy.day
    static func month(_ y: Int, _ m: Int) -> UTCMonth { UTCMonth(year: y, month: m)! }
    /// 2026-12-02 07:46 UTC.
    static let now: Int64 = 1_796_197_560_000
    static let realized = PartitionedTable.realizedLiquidations

    static func creates(_ actions: [Action]) -> [UTCMonth] { actions.compactMap { if case .create(_, let m) = $0 { m } else { nil } } }
    static func drops(_ actions: [Action]) -> [UTCMonth] { actions.compactMap { if case .drop(_, let m) = $0 { m } else { nil } } }
    static func months(from a: UTCMonth, to b: UTCMonth) -> [UTCMonth] {
        var out: [UTCMonth] = [], m = a
        while m <= b { out.append(m); m = m.next }
        return out
    }

    @Test("kept for ever: this month and two ahead are made, across December → January; nothing is ever dropped")
    func forever() {
        let policy = PartitionPolicy()
        let fresh = PartitionPlan.plan(Self.realized, PartitionObservation(), policy: policy, now: Self.now, retentionClock: Self.now)
        #expect(Self.creates(fresh) == [Self.month(2026, 12), Self.month(2027, 1), Self.month(2027, 2)])
        #expect(fresh.allSatisfy { if case .create = $0 { true } else { false } })
        let old = PartitionObservation(months: [Self.month(1999, 1), Self.month(2020, 2), Self.month(2026, 12), Self.month(2027, 1), Self.month(2027, 2)])
        #expect(PartitionPlan.plan(Self.realized, old, policy: policy, now: Self.now, retentionClock: Self.now).isEmpty)
        // The last instant of a year and the first of the next.
        let newYearsEve: Int64 = 1_798_761_599_999
        #expect(Self.creates(PartitionPlan.plan(Self.realized, PartitionObservation(), policy: policy, now: newYearsEve, retentionClock: nil))
            == [Self.month(2026, 12), Self.month(2027, 1), Self.month(2027, 2)])
        #expect(Self.creates(PartitionPlan.plan(Self.realized, PartitionObservation(), policy: policy, now: newYearsEve + 1, retentionClock: nil))
            == [Self.month(2027, 1), Self.month(2027, 2), Self.month(2027, 3)])
    }

    @Test("400 days: months from the one holding the cutoff to two ahead exist; wholly older months go, the cutoff's month stays")
    func finite() {
        let policy = PartitionPolicy(realizedRetentionDays: 400)
        // Cutoff: 2025-10-28 07:46.
        let seen = PartitionObservation(months: [Self.month(2025, 8), Self.month(2025, 9), Self.month(2025, 10), Self.month(2026, 12)])
        let plan = PartitionPlan.plan(Self.realized, seen, policy: policy, now: Self.now, retentionClock: Self.now)
        #expect(Self.creates(plan) == Self.months(from: Self.month(2025, 11), to: Self.month(2027, 2)).filter { $0 != Self.month(2026, 12) })
        #expect(Self.drops(plan) == [Self.month(2025, 8), Self.month(2025, 9)])
        #expect(plan.last == .drop(Self.realized, Self.month(2025, 9)), "creates come before drops")
    }

    @Test("the cutoff exactly at a month's first millisecond drops the month before; one millisecond earlier keeps it")
    func exactBoundary() {
        let policy = PartitionPolicy(realizedRetentionDays: 10)
        let october = Self.month(2025, 10), seen = PartitionObservation(months: [Self.month(2025, 9), october])
        let clock = october.startMs + 10 * Self.day
        #expect(Self.drops(PartitionPlan.plan(Self.realized, seen, policy: policy, now: Self.now, retentionClock: clock)) == [Self.month(2025, 9)])
        #expect(Self.drops(PartitionPlan.plan(Self.realized, seen, policy: policy, now: Self.now, retentionClock: clock - 1)).isEmpty)
    }

    @Test("no retention clock (no event seen yet): nothing dropped or purged; a clock ahead of the wall clock judges by the wall clock")
    func clocks() {
        let policy = PartitionPolicy(realizedRetentionDays: 30)
        let seen = PartitionObservation(months: [Self.month(2020, 1)], defaultMonths: [Self.month(2019, 5)], defaultMinKey: 1_557_000_000_000)
        let none = PartitionPlan.plan(Self.realized, seen, policy: policy, now: Self.now, retentionClock: nil)
        #expect(Self.drops(none).isEmpty && !none.contains { if case .purgeDefault = $0 { true } else { false } })
        #expect(Self.creates(none) == [Self.month(2019, 5), Self.month(2026, 12), Self.month(2027, 1), Self.month(2027, 2)],
                "with no window known, the default's months are given partitions")
        let wild = PartitionPlan.plan(Self.realized, PartitionObservation(months: [Self.month(2026, 10), Self.month(2026, 11)]), policy: policy,
                                      now: Self.now, retentionClock: Self.now + 3_650 * Self.day)
        #expect(Self.drops(wild) == [Self.month(2026, 10)], "an event stamped ten years ahead drops only what the wall clock's window would")
    }

    @Test("the default partition: its kept months get partitions (rows move in), older rows are purged, months far ahead wait")
    func defaultPartition() {
        let policy = PartitionPolicy(realizedRetentionDays: 60)  // cutoff 2026-10-03: oldest kept month 2026-10
        let seen = PartitionObservation(months: Set(Self.months(from: Self.month(2026, 12), to: Self.month(2027, 2))),
                                        defaultMonths: [Self.month(2026, 5), Self.month(2026, 10), Self.month(2027, 2), Self.month(2027, 9)],
                                        defaultMinKey: Self.month(2026, 5).startMs + 5)
        let plan = PartitionPlan.plan(Self.realized, seen, policy: policy, now: Self.now, retentionClock: Self.now)
        #expect(Self.creates(plan) == [Self.month(2026, 10), Self.month(2026, 11)])
        #expect(plan.contains(.purgeDefault(Self.realized, below: Self.month(2026, 10).startMs)))
        #expect(!Self.creates(plan).contains(Self.month(2027, 9)), "beyond two months ahead: stays in the default until its month is near")
        let forever = PartitionPlan.plan(Self.realized, seen, policy: PartitionPolicy(), now: Self.now, retentionClock: Self.now)
        #expect(Self.creates(forever) == [Self.month(2026, 5), Self.month(2026, 10)], "kept for ever: the current month on, plus the default's months")
        #expect(!forever.contains { if case .purgeDefault = $0 { true } else { false } })
    }

    @Test("a month whose partition has other bounds is neither made again nor dropped")
    func mismatched() {
        let odd = Self.month(2025, 1)
        let seen = PartitionObservation(months: [odd, Self.month(2026, 12)], mismatched: [odd, Self.month(2027, 1)])
        let plan = PartitionPlan.plan(Self.realized, seen, policy: PartitionPolicy(realizedRetentionDays: 30), now: Self.now, retentionClock: Self.now)
        #expect(Self.drops(plan).isEmpty)
        #expect(Self.creates(plan) == [Self.month(2026, 11), Self.month(2027, 2)])
    }

    @Test("tiles: a month is dropped exactly when all its tiles are below the resolution's cutoff tile (five weeks of clocks across a month end, every resolution)")
    func tileWindows() throws {
        let retention = RetentionPolicy.standard
        let policy = PartitionPolicy(tiles: retention)
        let existing = Set(Self.months(from: Self.month(2024, 1), to: Self.month(2027, 2)))
        var clock = Self.month(2026, 2).startMs - 3 * Self.day
        while clock < Self.month(2026, 3).startMs + 4 * Self.day {
            for r in PartitionedTable.monthlyTileResolutions {
                let table = PartitionedTable.tiles(r)
                let cutoff = try #require(retention.cutoffTile(r, newestEventTs: clock))
                let plan = PartitionPlan.plan(table, PartitionObservation(months: existing), policy: policy, now: Self.now, retentionClock: clock)
                let dropped = Set(Self.drops(plan))
                for m in existing {
                    let b = table.bounds(m)
                    #expect(dropped.contains(m) == (b.upperBound <= cutoff), "\(r) at \(clock): \(m) \(b) cutoff \(cutoff)")
                }
                // The newest tile's month, and the cutoff tile's, are never dropped.
                #expect(!dropped.contains(table.month(ofKey: TimeResolution.tile(ofColumn: r.column(ts: clock)))!))
                #expect(!dropped.contains(table.month(ofKey: cutoff)!))
                // Every month from the cutoff's to two past the wall clock's exists afterwards.
                let made = existing.subtracting(dropped).union(Self.creates(plan))
                #expect(Set(Self.months(from: table.month(ofKey: cutoff)!, to: Self.month(2027, 2))).isSubset(of: made))
            }
            clock += 7 * 3_600_000 + 13
        }
    }

    @Test("tiles in a leap February: with the 1h cutoff at 2028-03-01, January 2028 goes and February stays (its last tile ends in March)")
    func leapFebruary() {
        let feb = Self.month(2028, 2), table = PartitionedTable.tiles(.h1)
        #expect(feb.next.startMs - feb.startMs == 29 * Self.day)
        let clock = Self.month(2029, 3).startMs  // 365 days back is 2028-03-01 (2028 is a leap year)
        let plan = PartitionPlan.plan(table, PartitionObservation(months: [Self.month(2028, 1), feb, feb.next]), policy: PartitionPolicy(),
                                      now: clock, retentionClock: clock)
        // 1h tiles span 10 2/3 days: tile 1991 starts 2028-02-23 08:00 and holds the cutoff (2028-03-01 00:00).
        #expect(RetentionPolicy.standard.cutoffTile(.h1, newestEventTs: clock) == 1_991)
        #expect(table.bounds(feb) == 1_989..<1_992)
        #expect(Self.drops(plan) == [Self.month(2028, 1)])
    }

    @Test("the whole plan: creates of every table, then purges, then drops; 4h and 12h have no monthly partitions to plan")
    func whole() {
        let seen: [PartitionedTable: PartitionObservation] = [
            Self.realized: PartitionObservation(),
            .tiles(.m1): PartitionObservation(months: [Self.month(2026, 1)], defaultMinKey: 0),
        ]
        let plan = PartitionPlan.make(seen, policy: PartitionPolicy(), now: Self.now, retentionClock: Self.now)
        let kinds = plan.actions.map { a -> Int in
            switch a {
            case .create: 0
            case .purgeDefault: 1
            case .drop: 2
            }
        }
        #expect(kinds == kinds.sorted() && kinds.contains(1) && kinds.contains(2))
        #expect(plan.actions.contains(.drop(.tiles(.m1), Self.month(2026, 1))))
        #expect(Set(plan.actions.map(\.table)) == [Self.realized, .tiles(.m1)])
        #expect(Action.create(.tiles(.m1), Self.month(2026, 12)).description.hasPrefix("create tiles_1m_202612 FOR VALUES FROM ('"))
    }
}

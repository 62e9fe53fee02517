import LiqmapAggregation

/// The oracle's verdict on one run: what the cluster stored against what the market held.
public struct OracleVerdict: Sendable, Codable, Equatable {
    /// Distinct events in the input (every kind).
    public var inputEvents = 0
    /// Events the aggregators applied (Σ applied_batches.events).
    public var appliedEvents = 0
    /// Distinct liquidations in the input.
    public var liquidations = 0
    /// Input liquidations missing from the stored rows or from any resolution's tiles.
    public var lost = 0
    /// Liquidations stored (rows not in the input, or tile counts above the input) more than once.
    public var duplicated = 0
    /// Entries left pending in a group, or stream entries not applied exactly once.
    public var pending = 0
    /// Every way the stored state differs from the input, in words; empty when it holds.
    public var problems: [String] = []

    public var holds: Bool { problems.isEmpty }

    public init(inputEvents: Int = 0, appliedEvents: Int = 0, liquidations: Int = 0) {
        self.inputEvents = inputEvents
        self.appliedEvents = appliedEvents
        self.liquidations = liquidations
    }
}

/// Compares the stored realized state with the input exactly: every liquidation's key is a row,
/// the rows' and every resolution's tiles' sums per venue and side equal the input's to the
/// micro-dollar, every stream entry was applied once and nothing is pending.
public enum ChaosOracle {
    public static func judge(expected: ExpectedMarket, storedKeys: Set<String>, rows: RealizedTotals,
                             tiles: [TimeResolution: RealizedTotals], entries: Int, applied: Int, appliedEvents: Int,
                             pending: Int) -> OracleVerdict {
        var v = OracleVerdict(inputEvents: expected.events, appliedEvents: appliedEvents, liquidations: expected.liquidationKeys.count)
        let missing = expected.liquidationKeys.subtracting(storedKeys)
        let extra = storedKeys.subtracting(expected.liquidationKeys)
        var lost = missing.count, duplicated = extra.count
        if !missing.isEmpty { v.problems.append("\(missing.count) input liquidations have no row, e.g. \(missing.sorted().prefix(3))") }
        if !extra.isEmpty { v.problems.append("\(extra.count) rows are no input liquidation, e.g. \(extra.sorted().prefix(3))") }
        if rows != expected.totals { v.problems.append("rows: \(rows) ≠ input: \(expected.totals)") }
        for resolution in TimeResolution.allCases {
            let t = tiles[resolution] ?? RealizedTotals()
            lost = max(lost, t.deficit(under: expected.totals))
            duplicated = max(duplicated, t.excess(over: expected.totals))
            if t != expected.totals { v.problems.append("\(resolution.rawValue) tiles: \(t) ≠ input") }
        }
        if applied != entries { v.problems.append("\(entries) stream entries, \(applied) applied: each must be applied exactly once") }
        if pending > 0 { v.problems.append("\(pending) entries left pending or unread") }
        v.lost = lost
        v.duplicated = duplicated
        v.pending = pending + abs(entries - applied)
        return v
    }
}

/// What one partitioned table holds, as read from the catalog (``PartitionCatalog``): its monthly
/// partitions and what its default partition holds. The planner's only input besides the clocks.
public struct PartitionObservation: Sendable, Hashable {
    /// Months that have a partition named by this table's rule.
    public var months: Set<UTCMonth>
    /// Of those, the ones whose bounds are not the rule's (made by hand?): never dropped, reported.
    public var mismatched: Set<UTCMonth>
    /// The months of the rows in the default partition (rows before 1970 or after 9999 have none).
    public var defaultMonths: Set<UTCMonth>
    /// The smallest key in the default partition, nil when it is empty.
    public var defaultMinKey: Int64?

    public init(months: Set<UTCMonth> = [], mismatched: Set<UTCMonth> = [], defaultMonths: Set<UTCMonth> = [], defaultMinKey: Int64? = nil) {
        self.months = months
        self.mismatched = mismatched
        self.defaultMonths = defaultMonths
        self.defaultMinKey = defaultMinKey
    }
}

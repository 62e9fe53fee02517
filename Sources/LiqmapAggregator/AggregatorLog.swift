import Logging

/// The messages an aggregator logs when it takes, keeps away from or gives up a shard: operators'
/// log searches and the chaos checks match them, so they are written once, here.
public enum AggregatorLog {
    /// Took the shard without waiting for another owner.
    public static let owning = "owning the shard"
    /// Took the shard after standing by (another owner had it).
    public static let tookOver = "took over the shard"
    /// Another process holds the lease.
    public static let standingBy = "standing by: another process owns the shard"
    /// An ownership ended in an error.
    public static let gaveUp = "gave up the shard after an error; standing by"
    /// A write hit the epoch fence.
    public static let fenced = "write rejected by the fence: another owner took over; standing by"

    static func message(_ text: String) -> Logger.Message { Logger.Message(stringLiteral: text) }
}

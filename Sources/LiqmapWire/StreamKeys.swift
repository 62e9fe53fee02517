import LiqmapCore

/// Names of the Redis keys the cluster uses (Protocols/streams.md). Every key of one shard carries the
/// same hash tag, `{s<shard>}`, so a Redis Cluster keeps a shard's keys on one node.
public enum StreamKeys {
    /// The prefix of every key; bump the version segment only with a new stream encoding.
    public static let prefix = "liqmap:v1"

    /// The stream of event batches for one aggregator shard.
    public static func events(shard: Int) -> String { "\(prefix):{s\(shard)}:events" }

    /// A token naming the shard stream's current incarnation: set once by the first owner, lost
    /// with the stream when Redis loses its data. Owners and collectors compare it with the one they
    /// last saw to notice a stream that was lost and re-created.
    public static func incarnation(shard: Int) -> String { "\(prefix):{s\(shard)}:incarnation" }

    /// The capped stream where a collector puts frames it could not parse, with the reason.
    public static func quarantine(feed: Feed) -> String { "\(prefix):{q-\(feed.rawValue)}:quarantine" }

    /// The consumer group the aggregators of a shard read through.
    public static let aggregatorGroup = "aggregators"
}

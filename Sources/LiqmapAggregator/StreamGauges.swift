import CoreMetrics
import LiqmapRedis
import LiqmapWire

/// Samples the shard stream's group (XINFO GROUPS: lag, pending) into the aggregator's gauges, on a
/// Redis session of its own (the aggregator's is busy in blocking reads).
public struct StreamGauges: Sendable {
    let redis: RedisClient
    let metrics: AggregatorMetrics
    let key: String

    public init(shard: Int, redisURL: String) throws {
        redis = try RedisClient(url: redisURL, timeout: 2)
        metrics = AggregatorMetrics(shard: shard)
        key = StreamKeys.events(shard: shard)
    }

    /// One sample; a missing stream or group reads as nothing to read. Errors are swallowed (the
    /// gauges keep their last value; the registry beat and the logs say Redis is away).
    public func update() async {
        guard let group = try? await redis.xinfoGroups(key).first(where: { $0.name == StreamKeys.aggregatorGroup }) else { return }
        if let lag = group.lag { metrics.streamLag.record(lag) }
        metrics.pending.record(group.pending)
    }
}

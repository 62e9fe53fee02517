import Foundation
import LiqmapAggregator
import LiqmapCollector
import LiqmapCore
import LiqmapRegistry
import LiqmapStatus
import Logging

/// The registry heartbeats of the three long-running commands (what `liqmap status` reads).
enum RegistryBeats {
    static var host: String { ProcessInfo.processInfo.hostName }
    static var pid: Int32 { ProcessInfo.processInfo.processIdentifier }

    static func collector(feed: Feed, instance: String, core: CollectorCore, publisher: EventPublisher, redisURL: String,
                          logger: Logger) -> Heartbeat<CollectorBeat> {
        let started = Heartbeat<CollectorBeat>.nowMs, host = self.host, pid = self.pid
        return Heartbeat(key: RegistryKeys.collectors, instance: instance, redisURL: redisURL, logger: logger) {
            let now = Heartbeat<CollectorBeat>.nowMs
            let v = await core.sample(nowMs: now)
            return CollectorBeat(instance: instance, feed: feed.rawValue, host: host, pid: pid, state: v.state, connectionsPlanned: v.connectionsPlanned,
                                 connectionsUp: v.connectionsUp, stateSinceMs: v.stateSinceMs, startedMs: started, beatMs: now, events: v.events,
                                 eventsPerSecond: v.eventsPerSecond, lastFrameMs: v.lastFrameMs, reconnects: v.reconnects, malformed: v.malformed,
                                 malformedLastMinute: v.malformedLastMinute, spooledBatches: await publisher.spoolDepth, clockOffsetMs: v.clockOffsetMs)
        }
    }

    /// A replaying collector: no connections; its figures come from the publisher.
    static func replay(feed: Feed, instance: String, publisher: EventPublisher, redisURL: String, logger: Logger) -> Heartbeat<CollectorBeat> {
        let started = Heartbeat<CollectorBeat>.nowMs, host = self.host, pid = self.pid
        return Heartbeat(key: RegistryKeys.collectors, instance: instance, redisURL: redisURL, logger: logger) {
            let now = Heartbeat<CollectorBeat>.nowMs
            let stats = await publisher.stats
            return CollectorBeat(instance: instance, feed: feed.rawValue, host: host, pid: pid, state: .replaying, connectionsPlanned: 0,
                                 connectionsUp: 0, stateSinceMs: started, startedMs: started, beatMs: now, events: stats.events, eventsPerSecond: 0,
                                 lastFrameMs: nil, reconnects: 0, malformed: stats.quarantined, malformedLastMinute: 0,
                                 spooledBatches: await publisher.spoolDepth)
        }
    }

    static func aggregator(_ aggregator: ShardAggregator, options: AggregatorOptions, gauges: StreamGauges, redisURL: String,
                           logger: Logger) -> Heartbeat<AggregatorBeat> {
        let started = Heartbeat<AggregatorBeat>.nowMs, host = self.host, pid = self.pid
        return Heartbeat(key: RegistryKeys.aggregators, instance: options.consumer, redisURL: redisURL, logger: logger) {
            await gauges.update()
            let s = await aggregator.stats
            return AggregatorBeat(instance: options.consumer, shard: options.shard, shards: s.shards, host: host, pid: pid,
                                  role: s.isOwner ? .owner : .standby, epoch: s.epoch, startedMs: started, beatMs: Heartbeat<AggregatorBeat>.nowMs,
                                  lastCommitMs: s.lastCommitMs, commits: s.commits, events: s.events, takeovers: s.takeovers,
                                  fencedRejections: s.fencedRejections)
        }
    }

    static func gateway(url: String, redisURL: String, logger: Logger) -> Heartbeat<GatewayBeat> {
        let started = Heartbeat<GatewayBeat>.nowMs, host = self.host, pid = self.pid
        let instance = "\(host):\(pid)"
        return Heartbeat(key: RegistryKeys.gateways, instance: instance, redisURL: redisURL, logger: logger) {
            GatewayBeat(instance: instance, url: url, host: host, pid: pid, startedMs: started, beatMs: Heartbeat<GatewayBeat>.nowMs)
        }
    }
}

import LiqmapWire

/// Where processes register: one Redis hash per kind, field = instance, value = the latest beat as
/// JSON. One hash tag for all three, so a Redis Cluster keeps them on one node.
public enum RegistryKeys {
    public static let collectors = "\(StreamKeys.prefix):{registry}:collectors"
    public static let aggregators = "\(StreamKeys.prefix):{registry}:aggregators"
    public static let gateways = "\(StreamKeys.prefix):{registry}:gateways"
    /// The shard layout (``ShardLayout``), a hash.
    public static let layout = "\(StreamKeys.prefix):{registry}:layout"
    /// Publishers holding their events for a reshard: field = producer id, value = the generation held for.
    public static let layoutHolds = "\(StreamKeys.prefix):{registry}:layout-holds"
    /// Taken (SET NX with expiry) by the one `liqmap reshard` running.
    public static let reshardLock = "\(StreamKeys.prefix):{registry}:reshard-lock"
    /// Seconds between beats. A beat older than ``StatusThresholds/beatStaleSeconds`` means dead.
    public static let beatSeconds = 2.0
}

/// The connection state a collector reports.
public enum CollectorState: String, Codable, Sendable, CaseIterable {
    /// Every planned WebSocket connection is open.
    case connected
    /// Some, not all, connections are open.
    case partial
    /// None is open (starting, or reconnecting with backoff).
    case disconnected
    /// A replay in progress (no connections).
    case replaying
}

/// What a collector process says about itself every ``RegistryKeys/beatSeconds``.
public struct CollectorBeat: Codable, Sendable, Equatable {
    public var instance: String
    public var feed: String
    public var host: String
    public var pid: Int32
    public var state: CollectorState
    public var connectionsPlanned: Int
    public var connectionsUp: Int
    /// When `state` last changed (unix ms).
    public var stateSinceMs: Int64
    public var startedMs: Int64
    public var beatMs: Int64
    public var events: Int
    /// Events per second over the last beat interval.
    public var eventsPerSecond: Double
    /// Receive time of the last frame (unix ms); nil before the first.
    public var lastFrameMs: Int64?
    public var reconnects: Int
    public var malformed: Int
    /// Malformed frames over the last minute.
    public var malformedLastMinute: Int
    /// Batches waiting in the spool for Redis.
    public var spooledBatches: Int
    /// This machine's clock against the venue's trade times, ms (receive − event time, lowest over
    /// 10 s; positive: the clock is ahead); nil before the first trade or when replaying.
    public var clockOffsetMs: Int64?

    public init(instance: String, feed: String, host: String, pid: Int32, state: CollectorState, connectionsPlanned: Int, connectionsUp: Int,
                stateSinceMs: Int64, startedMs: Int64, beatMs: Int64, events: Int, eventsPerSecond: Double, lastFrameMs: Int64?,
                reconnects: Int, malformed: Int, malformedLastMinute: Int, spooledBatches: Int, clockOffsetMs: Int64? = nil) {
        self.clockOffsetMs = clockOffsetMs
        self.instance = instance
        self.feed = feed
        self.host = host
        self.pid = pid
        self.state = state
        self.connectionsPlanned = connectionsPlanned
        self.connectionsUp = connectionsUp
        self.stateSinceMs = stateSinceMs
        self.startedMs = startedMs
        self.beatMs = beatMs
        self.events = events
        self.eventsPerSecond = eventsPerSecond
        self.lastFrameMs = lastFrameMs
        self.reconnects = reconnects
        self.malformed = malformed
        self.malformedLastMinute = malformedLastMinute
        self.spooledBatches = spooledBatches
    }
}

/// An aggregator's role for its shard.
public enum AggregatorRole: String, Codable, Sendable {
    case owner, standby
}

/// What an aggregator process says about itself every ``RegistryKeys/beatSeconds``.
public struct AggregatorBeat: Codable, Sendable, Equatable {
    public var instance: String
    public var shard: Int
    public var shards: Int
    public var host: String
    public var pid: Int32
    public var role: AggregatorRole
    public var epoch: Int64
    public var startedMs: Int64
    public var beatMs: Int64
    /// The last committed batch transaction (unix ms); nil when this process has not committed.
    public var lastCommitMs: Int64?
    public var commits: Int
    public var events: Int
    public var takeovers: Int
    public var fencedRejections: Int

    public init(instance: String, shard: Int, shards: Int, host: String, pid: Int32, role: AggregatorRole, epoch: Int64, startedMs: Int64,
                beatMs: Int64, lastCommitMs: Int64?, commits: Int, events: Int, takeovers: Int, fencedRejections: Int) {
        self.instance = instance
        self.shard = shard
        self.shards = shards
        self.host = host
        self.pid = pid
        self.role = role
        self.epoch = epoch
        self.startedMs = startedMs
        self.beatMs = beatMs
        self.lastCommitMs = lastCommitMs
        self.commits = commits
        self.events = events
        self.takeovers = takeovers
        self.fencedRejections = fencedRejections
    }
}

/// What a gateway process says about itself: where `liqmap status` can probe it.
public struct GatewayBeat: Codable, Sendable, Equatable {
    public var instance: String
    /// Base URL, e.g. `http://10.0.0.5:8080`.
    public var url: String
    public var host: String
    public var pid: Int32
    public var startedMs: Int64
    public var beatMs: Int64

    public init(instance: String, url: String, host: String, pid: Int32, startedMs: Int64, beatMs: Int64) {
        self.instance = instance
        self.url = url
        self.host = host
        self.pid = pid
        self.startedMs = startedMs
        self.beatMs = beatMs
    }
}

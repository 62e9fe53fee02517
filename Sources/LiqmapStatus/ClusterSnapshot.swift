/// What the stores say about one shard, read by `liqmap status` at one instant.
public struct ShardObservation: Sendable, Equatable {
    public var shard: Int
    /// False when the shard's stream does not exist.
    public var streamExists: Bool
    public var streamLength: Int
    /// False when the aggregators' group does not exist on the stream.
    public var groupExists: Bool
    /// Entries the group has not read yet (XINFO GROUPS `lag`); nil when Redis cannot tell.
    public var lag: Int64?
    /// Entries delivered and not acknowledged.
    public var pending: Int
    /// True when the group's last delivered id is the stream's last generated id.
    public var readToEnd: Bool
    /// The lease row in PostgreSQL, if any.
    public var lease: Lease?

    /// `shard_leases` as seen with the server's clock.
    public struct Lease: Sendable, Equatable {
        public var owner: String
        public var epoch: Int64
        public var heartbeatAgeSeconds: Double
        public var acquiredAgeSeconds: Double
        public init(owner: String, epoch: Int64, heartbeatAgeSeconds: Double, acquiredAgeSeconds: Double) {
            self.owner = owner
            self.epoch = epoch
            self.heartbeatAgeSeconds = heartbeatAgeSeconds
            self.acquiredAgeSeconds = acquiredAgeSeconds
        }
    }

    public init(shard: Int, streamExists: Bool, streamLength: Int, groupExists: Bool, lag: Int64?, pending: Int, readToEnd: Bool, lease: Lease?) {
        self.shard = shard
        self.streamExists = streamExists
        self.streamLength = streamLength
        self.groupExists = groupExists
        self.lag = lag
        self.pending = pending
        self.readToEnd = readToEnd
        self.lease = lease
    }
}

/// The answer of one gateway's `/readyz`.
public struct GatewayProbe: Sendable, Equatable {
    public var url: String
    /// The HTTP status, or nil when there was no answer.
    public var status: Int?
    public var error: String?
    public var milliseconds: Double

    public init(url: String, status: Int?, error: String?, milliseconds: Double) {
        self.url = url
        self.status = status
        self.error = error
        self.milliseconds = milliseconds
    }
}

/// Everything `liqmap status` read, at `nowMs`: the input of ``StatusEvaluator``.
public struct ClusterSnapshot: Sendable, Equatable {
    public var nowMs: Int64
    public var collectors: [CollectorBeat]
    public var aggregators: [AggregatorBeat]
    public var gateways: [GatewayBeat]
    public var shards: [ShardObservation]
    public var probes: [GatewayProbe]

    public init(nowMs: Int64, collectors: [CollectorBeat] = [], aggregators: [AggregatorBeat] = [], gateways: [GatewayBeat] = [],
                shards: [ShardObservation] = [], probes: [GatewayProbe] = []) {
        self.nowMs = nowMs
        self.collectors = collectors
        self.aggregators = aggregators
        self.gateways = gateways
        self.shards = shards
        self.probes = probes
    }
}

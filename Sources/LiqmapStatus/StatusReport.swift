/// How well a component is: `fail` makes `liqmap status` exit non-zero, `warn` does not.
public enum Health: String, Codable, Sendable, Comparable {
    case ok, warn, fail

    var rank: Int { self == .ok ? 0 : self == .warn ? 1 : 2 }
    public static func < (a: Health, b: Health) -> Bool { a.rank < b.rank }
}

/// One thing `liqmap status` found about a component (`ok` findings are information).
public struct Finding: Codable, Sendable, Equatable {
    public var health: Health
    public var message: String
    public init(_ health: Health, _ message: String) {
        self.health = health
        self.message = message
    }
}

/// One collector process as the operator sees it.
public struct CollectorStatus: Codable, Sendable, Equatable {
    public var instance: String
    public var feed: String
    public var host: String
    public var pid: Int32
    public var alive: Bool
    /// The reported connection state, or `dead`.
    public var state: String
    public var connectionsUp: Int
    public var connectionsPlanned: Int
    public var beatAgeSeconds: Double
    public var events: Int
    public var eventsPerSecond: Double
    public var lastFrameAgeSeconds: Double?
    public var reconnects: Int
    public var malformed: Int
    public var malformedLastMinute: Int
    public var spooledBatches: Int
    public var health: Health
    public var findings: [Finding]
    /// ``CollectorBeat/clockOffsetMs`` in seconds.
    public var clockOffsetSeconds: Double? = nil
}

/// One aggregator process of a shard.
public struct AggregatorStatus: Codable, Sendable, Equatable {
    public var instance: String
    public var host: String
    public var pid: Int32
    public var role: String
    public var alive: Bool
    public var beatAgeSeconds: Double
    public var epoch: Int64
    public var commits: Int
}

/// One shard: its owner and standbys, its stream, its progress.
public struct ShardStatus: Codable, Sendable, Equatable {
    public var shard: Int
    public var owner: String?
    public var epoch: Int64?
    public var leaseAgeSeconds: Double?
    public var standbys: [String]
    public var processes: [AggregatorStatus]
    public var streamLength: Int
    public var lag: Int64?
    public var pending: Int
    public var lastCommitAgeSeconds: Double?
    public var tookOverSecondsAgo: Double?
    public var health: Health
    public var findings: [Finding]
}

/// One gateway and its `/readyz`.
public struct GatewayStatus: Codable, Sendable, Equatable {
    public var url: String
    public var instance: String?
    public var ready: Bool
    public var httpStatus: Int?
    public var milliseconds: Double?
    public var health: Health
    public var findings: [Finding]
}

/// A finding with the component it is about, for the summary.
public struct Problem: Codable, Sendable, Equatable {
    public var component: String
    public var health: Health
    public var message: String
}

/// The whole cluster at one instant: what `liqmap status` prints and `--json` emits.
public struct StatusReport: Codable, Sendable, Equatable {
    public var checkedMs: Int64
    public var health: Health
    public var healthy: Bool { health != .fail }
    public var problems: [Problem]
    public var collectors: [CollectorStatus]
    public var shards: [ShardStatus]
    public var gateways: [GatewayStatus]

    enum CodingKeys: String, CodingKey {
        case checkedMs, health, healthy, problems, collectors, shards, gateways
    }

    public init(checkedMs: Int64, problems: [Problem], collectors: [CollectorStatus], shards: [ShardStatus], gateways: [GatewayStatus]) {
        self.checkedMs = checkedMs
        self.problems = problems
        self.collectors = collectors
        self.shards = shards
        self.gateways = gateways
        self.health = problems.map(\.health).max() ?? .ok
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        checkedMs = try c.decode(Int64.self, forKey: .checkedMs)
        health = try c.decode(Health.self, forKey: .health)
        problems = try c.decode([Problem].self, forKey: .problems)
        collectors = try c.decode([CollectorStatus].self, forKey: .collectors)
        shards = try c.decode([ShardStatus].self, forKey: .shards)
        gateways = try c.decode([GatewayStatus].self, forKey: .gateways)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(checkedMs, forKey: .checkedMs)
        try c.encode(health, forKey: .health)
        try c.encode(healthy, forKey: .healthy)
        try c.encode(problems, forKey: .problems)
        try c.encode(collectors, forKey: .collectors)
        try c.encode(shards, forKey: .shards)
        try c.encode(gateways, forKey: .gateways)
    }
}

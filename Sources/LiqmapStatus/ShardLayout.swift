/// The cluster's shard layout, kept in Redis (``RegistryKeys/layout``): how many shard streams the
/// collectors publish to, and where a `liqmap reshard` stands. Collectors and aggregators follow it.
public struct ShardLayout: Sendable, Equatable {
    /// Where a reshard is: `active` = normal; `draining` = collectors hold new events while the
    /// aggregators read their streams to the end; `switching` = owners checkpoint and let go while
    /// the checkpoints are split for the new layout.
    public enum State: String, Sendable, CaseIterable {
        case active, draining, switching
    }

    public var shards: Int
    /// Bumped by every completed reshard.
    public var generation: Int
    public var state: State
    /// The shard count a reshard in progress moves to.
    public var target: Int?

    public init(shards: Int, generation: Int = 1, state: State = .active, target: Int? = nil) {
        self.shards = shards
        self.generation = generation
        self.state = state
        self.target = target
    }

    /// The hash fields it is stored as.
    public var fields: [(String, String)] {
        [("shards", String(shards)), ("generation", String(generation)), ("state", state.rawValue), ("target", target.map(String.init) ?? "")]
    }

    /// Reads the hash fields back; nil when they do not make a layout.
    public init?(fields: [String: String]) {
        guard let s = fields["shards"].flatMap(Int.init), s >= 1, let g = fields["generation"].flatMap(Int.init),
              let state = fields["state"].flatMap(State.init(rawValue:)) else { return nil }
        self.init(shards: s, generation: g, state: state, target: fields["target"].flatMap(Int.init))
    }
}

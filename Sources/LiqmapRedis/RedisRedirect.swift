/// A Redis Cluster error reply that means "not here, or not now": the command was not executed, so
/// sending it again (elsewhere, or a little later) is safe.
public enum RedisRedirect: Sendable, Hashable {
    /// `MOVED <slot> <host>:<port>`: the slot now lives on that node; update the slot map and resend.
    case moved(slot: Int, node: RedisNodeAddress)
    /// `ASK <slot> <host>:<port>`: the slot is being migrated and this key is already on that node;
    /// send `ASKING` and then the command there, once, without changing the slot map.
    case ask(slot: Int, node: RedisNodeAddress)
    /// `TRYAGAIN …`: a multi-key command during a migration whose keys are split; retry after a moment.
    case tryAgain
    /// `CLUSTERDOWN …`: the cluster cannot serve the slot right now (failover, unassigned slot).
    case clusterDown
    /// `UNBLOCKED the stream key no longer exists`: a blocked `XREAD`/`XREADGROUP` whose stream
    /// `MIGRATE` just moved to another node (Redis 7.0 unblocks it with this error, having delivered
    /// nothing); sending it again reaches the key where it is now.
    case keyMigrated

    /// Reads an error reply's text (`MOVED 3999 127.0.0.1:6381`); nil for any other error.
    /// `replyingHost` is the host of the node that sent it, used when the reply names no host.
    public init?(errorMessage message: String, replyingHost: String) {
        let words = message.split(separator: " ", omittingEmptySubsequences: true)
        guard let code = words.first else { return nil }
        switch code {
        case "MOVED", "ASK":
            guard words.count >= 3, let slot = Int(words[1]), (0..<RedisHashSlot.count).contains(slot),
                  let node = RedisNodeAddress(words[2], defaultHost: replyingHost)
            else { return nil }
            self = code == "MOVED" ? .moved(slot: slot, node: node) : .ask(slot: slot, node: node)
        case "TRYAGAIN": self = .tryAgain
        case "CLUSTERDOWN": self = .clusterDown
        case "UNBLOCKED" where message.hasSuffix("the stream key no longer exists"): self = .keyMigrated
        default: return nil
        }
    }

    /// MOVED and ASK: the command is sent to another node.
    public var isRedirect: Bool {
        switch self {
        case .moved, .ask: true
        case .tryAgain, .clusterDown, .keyMigrated: false
        }
    }
}

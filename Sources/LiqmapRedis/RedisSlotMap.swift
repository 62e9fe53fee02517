/// Which primary serves each of the 16384 hash slots of a Redis Cluster, read from `CLUSTER SLOTS`.
public struct RedisSlotMap: Sendable, Hashable {
    /// The primaries that own at least one slot, in the order `CLUSTER SLOTS` first named them.
    public private(set) var nodes: [RedisNodeAddress] = []
    /// Per slot, an index into `nodes`, or `unassigned`.
    private var owners = [UInt16](repeating: RedisSlotMap.unassigned, count: RedisHashSlot.count)
    private static let unassigned = UInt16.max

    /// A map with no slot assigned.
    public init() {}

    /// Reads a `CLUSTER SLOTS` reply: `[[start, end, [host, port, id, …], replica…], …]`. Only the
    /// primary (the first node of each range) is kept. A primary whose host is empty (Redis sends
    /// that when it does not know its own address) gets `replyingHost`, the host that was asked; one
    /// whose host is `?` (unknown endpoint) leaves its range unassigned.
    public init(clusterSlots reply: RedisReply, replyingHost: String) throws(RedisError) {
        guard let ranges = reply.array else { throw RedisError(.unexpectedReply, "CLUSTER SLOTS: \(reply)") }
        for range in ranges {
            guard let parts = range.array, parts.count >= 3, let start = parts[0].int, let end = parts[1].int,
                  0 <= start, start <= end, end < Int64(RedisHashSlot.count),
                  let primary = parts[2].array, primary.count >= 2, let host = primary[0].string, let port = primary[1].int,
                  (1...65535).contains(port)
            else { throw RedisError(.unexpectedReply, "CLUSTER SLOTS range: \(range)") }
            if host == "?" { continue }
            let node = RedisNodeAddress(host: host.isEmpty ? replyingHost : host, port: Int(port))
            assign(slots: Int(start)...Int(end), to: node)
        }
    }

    /// The primary serving `slot`, or nil when no node has it.
    public func node(forSlot slot: Int) -> RedisNodeAddress? {
        let owner = owners[slot]
        return owner == Self.unassigned ? nil : nodes[Int(owner)]
    }

    /// The primary serving `key`'s slot.
    public func node(forKey key: String) -> RedisNodeAddress? { node(forSlot: RedisHashSlot.slot(of: key)) }

    /// Records that `slot` is now served by `node` (what a `MOVED` says).
    public mutating func assign(slot: Int, to node: RedisNodeAddress) {
        assign(slots: slot...slot, to: node)
    }

    /// Records that `slots` are served by `node`.
    public mutating func assign(slots: ClosedRange<Int>, to node: RedisNodeAddress) {
        let index: Int
        if let i = nodes.firstIndex(of: node) {
            index = i
        } else {
            index = nodes.count
            nodes.append(node)
        }
        for slot in slots { owners[slot] = UInt16(index) }
        dropUnusedNodes()
    }

    /// How many slots some node serves (16384 when the cluster is fully covered).
    public var assignedSlots: Int { owners.reduce(0) { $0 + ($1 == Self.unassigned ? 0 : 1) } }

    /// The slots of `node`, as ranges in ascending order.
    public func slots(of node: RedisNodeAddress) -> [ClosedRange<Int>] {
        guard let index = nodes.firstIndex(of: node).map(UInt16.init) else { return [] }
        var out: [ClosedRange<Int>] = []
        var start: Int?
        for slot in 0...RedisHashSlot.count {
            let mine = slot < RedisHashSlot.count && owners[slot] == index
            if mine, start == nil { start = slot }
            if !mine, let s = start {
                out.append(s...(slot - 1))
                start = nil
            }
        }
        return out
    }

    /// A node that no longer owns any slot is forgotten (its index is reused by compacting).
    private mutating func dropUnusedNodes() {
        var used = [Bool](repeating: false, count: nodes.count)
        for owner in owners where owner != Self.unassigned { used[Int(owner)] = true }
        guard used.contains(false) else { return }
        var remap = [UInt16](repeating: Self.unassigned, count: nodes.count)
        var kept: [RedisNodeAddress] = []
        for (i, node) in nodes.enumerated() where used[i] {
            remap[i] = UInt16(kept.count)
            kept.append(node)
        }
        for slot in 0..<owners.count where owners[slot] != Self.unassigned { owners[slot] = remap[Int(owners[slot])] }
        nodes = kept
    }
}

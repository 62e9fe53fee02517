/// The connections of a cluster client, one per node, opened when first needed (the real
/// ``RedisClusterTransport``). Owned by one `RedisClient`; not `Sendable`.
final class RedisClusterNodes: RedisClusterTransport {
    let cluster: RedisClusterEndpoint
    let timeout: Double
    private var connections: [RedisNodeAddress: RedisConnection] = [:]
    private(set) var connectCount = 0

    init(cluster: RedisClusterEndpoint, timeout: Double) {
        self.cluster = cluster
        self.timeout = timeout
    }

    var seeds: [RedisNodeAddress] { cluster.seeds }

    var connectedNode: RedisNodeAddress? {
        connections.filter { !$0.value.isBroken }.keys.min()
    }

    func exchange(_ batches: [ClusterBatch], of commands: ClusterCommands, blockingFor: Double?) throws(RedisError) -> [[RedisReply]] {
        // Connect to every node first: a node that cannot be reached fails the round before
        // anything is sent anywhere.
        var live: [RedisConnection] = []
        live.reserveCapacity(batches.count)
        for batch in batches { live.append(try connection(batch.node)) }
        if let blockingFor { for c in live { c.setTimeout(timeout + blockingFor) } }
        defer {
            if blockingFor != nil { for c in live where !c.isBroken { c.setTimeout(timeout) } }
            for (batch, c) in zip(batches, live) where c.isBroken { connections[batch.node] = nil }
        }
        var counts: [Int] = []
        counts.reserveCapacity(batches.count)
        for (batch, c) in zip(batches, live) {
            var writer = RESPWriter(reservingCapacity: 256 * batch.items.count)
            for item in batch.items {
                if item.asking { writer.command(["ASKING"]) }
                commands.write(item.index, into: &writer)
            }
            counts.append(writer.commands)
            try c.write(writer)
        }
        var out: [[RedisReply]] = []
        out.reserveCapacity(batches.count)
        for (b, c) in live.enumerated() {
            let raw = try c.readReplies(counts[b])
            var replies: [RedisReply] = []
            replies.reserveCapacity(batches[b].items.count)
            var r = 0
            for item in batches[b].items {
                if item.asking { r += 1 }  // ASKING's own +OK
                replies.append(raw[r])
                r += 1
            }
            out.append(replies)
        }
        return out
    }

    func clusterSlots(at node: RedisNodeAddress) throws(RedisError) -> RedisReply {
        let c = try connection(node)
        defer { if c.isBroken { connections[node] = nil } }
        return try c.raw(["CLUSTER", "SLOTS"])
    }

    func keepOnly(_ nodes: Set<RedisNodeAddress>) {
        for node in connections.keys where !nodes.contains(node) { connections[node] = nil }
    }

    func closeAll() { connections = [:] }

    private func connection(_ node: RedisNodeAddress) throws(RedisError) -> RedisConnection {
        if let c = connections[node], !c.isBroken { return c }
        connections[node] = nil
        let c = try RedisConnection(endpoint: cluster.endpoint(node), timeout: timeout)
        connections[node] = c
        connectCount += 1
        return c
    }
}

import Foundation

/// The commands of one cluster call: argument lists, or the commands of an encoded RESP buffer.
struct ClusterCommands {
    private enum Storage {
        case arguments([[RedisArgument]])
        case encoded([UInt8], [RESPCommandSpan])
    }

    private let storage: Storage
    let count: Int

    init(arguments: [[RedisArgument]]) {
        storage = .arguments(arguments)
        count = arguments.count
    }

    /// The commands `writer` holds (its buffer is split into commands, not re-encoded).
    init(_ writer: RESPWriter) throws(RedisError) {
        let spans = try RESPCommandSpans.split(writer.bytes)
        storage = .encoded(writer.bytes, spans)
        count = spans.count
    }

    func argumentCount(_ i: Int) -> Int {
        switch storage {
        case .arguments(let a): a[i].count
        case .encoded(_, let spans): spans[i].arguments.count
        }
    }

    func argument(_ i: Int, _ j: Int) -> ArraySlice<UInt8> {
        switch storage {
        case .arguments(let a): a[i][j].bytes[...]
        case .encoded(let bytes, let spans): bytes[spans[i].arguments[j]]
        }
    }

    /// Where command `i` goes.
    func route(_ i: Int) -> ClusterRoute {
        switch RedisCommandKeys.route(count: argumentCount(i), argument: { argument(i, $0) }) {
        case .key(let index): .slot(RedisHashSlot.slot(of: argument(i, index)))
        case .anyNode: .anyNode
        case .everyPrimary: .everyPrimary
        }
    }

    /// Appends command `i`, encoded, to `writer`.
    func write(_ i: Int, into writer: inout RESPWriter) {
        switch storage {
        case .arguments(let a): writer.command(a[i])
        case .encoded(let bytes, let spans): writer.appendEncodedCommand(bytes[spans[i].range])
        }
    }

    /// The command's name, for messages.
    func name(_ i: Int) -> String {
        argumentCount(i) > 0 ? String(decoding: argument(i, 0), as: UTF8.self) : "?"
    }
}

/// Where one command of a cluster call goes.
enum ClusterRoute: Hashable {
    case slot(Int)
    case anyNode
    case everyPrimary
}

/// One node's share of a round: which commands, and which of them need `ASKING` first.
struct ClusterBatch {
    let node: RedisNodeAddress
    var items: [(index: Int, asking: Bool)] = []
}

/// The network side of a cluster client: one connection per node. Tests replace it with a fake cluster.
protocol RedisClusterTransport: AnyObject {
    /// Where to ask for the slot map when no node is known yet.
    var seeds: [RedisNodeAddress] { get }
    /// A node this transport has a live connection to, if any (keyless commands go there).
    var connectedNode: RedisNodeAddress? { get }
    /// Connections opened so far.
    var connectCount: Int { get }
    /// One round: connects to every batch's node, writes each its commands (`ASKING` before the
    /// flagged ones) as one pipeline, and only then reads the replies, so the nodes work in
    /// parallel. Returns the replies per batch in order, without the replies to `ASKING`.
    /// `blockingFor` adds to the socket timeout (for `BLOCK` commands).
    func exchange(_ batches: [ClusterBatch], of commands: ClusterCommands, blockingFor: Double?) throws(RedisError) -> [[RedisReply]]
    /// `CLUSTER SLOTS` on one node, the reply as it came.
    func clusterSlots(at node: RedisNodeAddress) throws(RedisError) -> RedisReply
    /// Closes the connections to nodes that are not in `nodes`.
    func keepOnly(_ nodes: Set<RedisNodeAddress>)
    /// Closes every connection.
    func closeAll()
}

/// Routes commands through a Redis Cluster: by key slot to the primary the slot map names,
/// following `MOVED` (patch the map, resend there) and `ASK` (`ASKING` + the command on the named
/// node, map unchanged), retrying `TRYAGAIN`/`CLUSTERDOWN` with backoff, all within
/// `RedisClusterPolicy`'s bounds. Owned by one `RedisClient`; not `Sendable`.
///
/// The slot map is read lazily, before the first command that has a key, again after a `MOVED`
/// (at most once per `minRefreshInterval`; the moved slot is patched at once in any case) and after
/// a connection error (the node may have failed over).
final class RedisClusterRouter {
    let transport: any RedisClusterTransport
    let policy: RedisClusterPolicy
    private(set) var map: RedisSlotMap?
    private(set) var statistics = RedisClusterStatistics()
    /// Read the map again before the next command (a connection broke: a node may have failed over).
    private var refreshDue = false
    private var lastRefresh: ContinuousClock.Instant?
    /// Waits between retries (seconds); tests replace it.
    var sleep: (Double) -> Void = { seconds in
        if seconds > 0 { usleep(UInt32(seconds * 1_000_000)) }
    }

    init(transport: any RedisClusterTransport, policy: RedisClusterPolicy = RedisClusterPolicy()) {
        self.transport = transport
        self.policy = policy
    }

    /// One command; an error reply is thrown as a `server` error, as on a single server.
    func send(_ arguments: [RedisArgument], blockingFor: Double? = nil) throws(RedisError) -> RedisReply {
        let reply = try execute(ClusterCommands(arguments: [arguments]), blockingFor: blockingFor)[0]
        if case .error(let message) = reply { throw RedisError(.server, message) }
        return reply
    }

    /// Many commands, each to its key's node, one pipeline per node per round; the replies in the
    /// original order, error replies in place (also those still redirected after the bounds).
    func execute(_ commands: ClusterCommands, blockingFor: Double? = nil) throws(RedisError) -> [RedisReply] {
        let n = commands.count
        if n == 0 { return [] }
        var routes: [ClusterRoute] = []
        routes.reserveCapacity(n)
        var needsMap = false
        for i in 0..<n {
            let route = commands.route(i)
            if route != .anyNode { needsMap = true }
            routes.append(route)
        }
        if refreshDue || (needsMap && map == nil) { try refresh(preferring: nil) }

        struct Pending {
            let index: Int
            /// nil: by its route; else this node, with `ASKING` first when `asking`.
            var node: RedisNodeAddress?
            var asking = false
            var redirects = 0
            var retries = 0
        }
        var results = [RedisReply?](repeating: nil, count: n)
        var pending = (0..<n).map { Pending(index: $0) }
        var backoffRounds = 0
        while !pending.isEmpty {
            // Lay the round out: one batch per node, commands in their original order. One key's
            // commands must run in order, so once a slot's commands would go to two nodes in one
            // round, that slot's later commands wait for the next round.
            var batches: [ClusterBatch] = []
            var sent: [[Pending]] = []
            var batchOf: [RedisNodeAddress: Int] = [:]
            var nodeOfSlot: [Int: RedisNodeAddress] = [:]
            var heldSlots: Set<Int> = []
            var next: [Pending] = []
            func add(_ p: Pending, to node: RedisNodeAddress) {
                let b: Int
                if let existing = batchOf[node] {
                    b = existing
                } else {
                    b = batches.count
                    batchOf[node] = b
                    batches.append(ClusterBatch(node: node))
                    sent.append([])
                }
                batches[b].items.append((p.index, p.asking))
                sent[b].append(p)
            }
            for p in pending {
                switch routes[p.index] {
                case .everyPrimary:
                    let primaries = map?.nodes ?? []
                    if primaries.isEmpty { add(p, to: anyNode()) }
                    for node in primaries { add(p, to: node) }
                case .anyNode:
                    add(p, to: p.node ?? anyNode())
                case .slot(let slot):
                    let node = p.node ?? map?.node(forSlot: slot) ?? anyNode()
                    if heldSlots.contains(slot) || nodeOfSlot[slot].map({ $0 != node }) == true {
                        heldSlots.insert(slot)
                        next.append(p)
                        continue
                    }
                    nodeOfSlot[slot] = node
                    add(p, to: node)
                }
            }

            let replies: [[RedisReply]]
            do {
                replies = try transport.exchange(batches, of: commands, blockingFor: blockingFor)
            } catch {
                if error.kind == .connection { refreshDue = true }
                throw error
            }
            guard replies.count == batches.count else {
                throw RedisError(.unexpectedReply, "cluster round: \(replies.count) reply lists for \(batches.count) nodes")
            }

            var moves: [(slot: Int, node: RedisNodeAddress)] = []
            var backoff = false
            for (b, batch) in batches.enumerated() {
                guard replies[b].count == batch.items.count else {
                    throw RedisError(.unexpectedReply, "\(batch.node): \(replies[b].count) replies for \(batch.items.count) commands")
                }
                for (k, var p) in sent[b].enumerated() {
                    let reply = replies[b][k]
                    if routes[p.index] == .everyPrimary {
                        // The first error any primary gave, else the first reply.
                        if results[p.index] == nil || (reply.isError && results[p.index]?.isError != true) { results[p.index] = reply }
                        continue
                    }
                    guard case .error(let message) = reply,
                          let redirect = RedisRedirect(errorMessage: message, replyingHost: batch.node.host)
                    else {
                        results[p.index] = reply
                        continue
                    }
                    switch redirect {
                    case .moved(let slot, let node):
                        p.redirects += 1
                        guard p.redirects <= policy.maxRedirects else { break }
                        statistics.movedRedirects += 1
                        map?.assign(slot: slot, to: node)
                        moves.append((slot, node))
                        p.node = node
                        p.asking = false
                    case .ask(_, let node):
                        p.redirects += 1
                        guard p.redirects <= policy.maxRedirects else { break }
                        statistics.askRedirects += 1
                        p.node = node
                        p.asking = true
                    case .tryAgain, .clusterDown, .keyMigrated:
                        p.retries += 1
                        guard p.retries <= policy.maxRetries else { break }
                        statistics.retries += 1
                        if redirect != .keyMigrated { backoff = true }
                        p.node = nil
                        p.asking = false
                    }
                    if p.redirects > policy.maxRedirects || p.retries > policy.maxRetries {
                        results[p.index] = reply  // gave up: the server's own error, in place
                    } else {
                        next.append(p)
                    }
                }
            }
            if let last = moves.last, refreshAllowed {
                // Many slots usually move together (a resharding, a failover): read the whole map,
                // from the node that just claimed a slot, then keep what the redirects said.
                if (try? refresh(preferring: last.node)) != nil {
                    for move in moves { map?.assign(slot: move.slot, to: move.node) }
                }
            }
            if backoff {
                backoffRounds += 1
                sleep(policy.backoff(attempt: backoffRounds))
            }
            next.sort { $0.index < $1.index }
            pending = next
        }
        var out: [RedisReply] = []
        out.reserveCapacity(n)
        for r in results { out.append(r ?? .error("ERR no reply")) }
        return out
    }

    /// Forgets every connection (the map is kept).
    func disconnect() { transport.closeAll() }

    private var refreshAllowed: Bool {
        guard let lastRefresh else { return true }
        return ContinuousClock.now - lastRefresh >= .milliseconds(Int(policy.minRefreshInterval * 1000))
    }

    /// A node for a keyless command: one already connected, else a primary, else the first seed.
    private func anyNode() -> RedisNodeAddress {
        transport.connectedNode ?? map?.nodes.first ?? transport.seeds[0]
    }

    /// Reads `CLUSTER SLOTS` from the first node that answers: `preferring`, then the known
    /// primaries, then the seeds.
    func refresh(preferring: RedisNodeAddress?) throws(RedisError) {
        var candidates: [RedisNodeAddress] = []
        for node in [preferring].compactMap({ $0 }) + (map?.nodes ?? []) + transport.seeds where !candidates.contains(node) {
            candidates.append(node)
        }
        var failures: [String] = []
        for node in candidates {
            let reply: RedisReply
            do {
                reply = try transport.clusterSlots(at: node)
            } catch {
                failures.append("\(node): \(error.message)")
                continue
            }
            if case .error(let message) = reply {
                if message.contains("cluster support disabled") {
                    throw RedisError(.invalidArgument, "\(node) is not a Redis Cluster node (CLUSTER SLOTS: '\(message)'); a single server needs a redis:// URL")
                }
                failures.append("\(node): \(message)")
                continue
            }
            let fresh = try RedisSlotMap(clusterSlots: reply, replyingHost: node.host)
            map = fresh
            statistics.slotMapRefreshes += 1
            lastRefresh = .now
            refreshDue = false
            transport.keepOnly(Set(fresh.nodes))
            return
        }
        refreshDue = true
        throw RedisError(.connection, "no Redis Cluster node answered CLUSTER SLOTS: \(failures.joined(separator: "; "))")
    }
}

extension RedisReply {
    var isError: Bool {
        if case .error = self { return true }
        return false
    }
}

@testable import LiqmapRedis
import Testing

/// A cluster in memory for the router: nodes, who owns each slot, migrations (MIGRATING on the
/// source, IMPORTING on the target), list keys, and Redis' rules for MOVED, ASK and ASKING.
final class FakeCluster: RedisClusterTransport {
    let nodes: [RedisNodeAddress]
    /// What each node believes about slot owners (normally all agree).
    var owner: [RedisNodeAddress: [Int: RedisNodeAddress]] = [:]
    var defaultOwner: (Int) -> RedisNodeAddress
    var migrating: [RedisNodeAddress: [Int: RedisNodeAddress]] = [:]
    var importing: [RedisNodeAddress: Set<Int>] = [:]
    var data: [RedisNodeAddress: [String: [String]]] = [:]
    /// Every command run, in order: (node, arguments).
    var log: [(node: RedisNodeAddress, args: [String])] = []
    var rounds = 0
    var slotReads: [RedisNodeAddress] = []
    /// Runs before a command; a reply it returns replaces the normal behaviour.
    var intercept: ((RedisNodeAddress, [String]) -> RedisReply?)?
    /// Runs after each command (for migrations in the middle of a pipeline).
    var afterCommand: ((Int) -> Void)?
    var unreachable: Set<RedisNodeAddress> = []
    private(set) var connectCount = 0
    var connected: Set<RedisNodeAddress> = []

    init(nodes: Int = 3) {
        let addresses = (1...nodes).map { RedisNodeAddress(host: "127.0.0.1", port: 7000 + $0) }
        self.nodes = addresses
        defaultOwner = { addresses[$0 * addresses.count / RedisHashSlot.count] }
    }

    func ownerOf(_ slot: Int, asSeenBy node: RedisNodeAddress) -> RedisNodeAddress {
        owner[node]?[slot] ?? defaultOwner(slot)
    }

    /// Moves `slot` for good (CLUSTER SETSLOT NODE on every node), keys included.
    func move(slot: Int, to target: RedisNodeAddress) {
        for n in nodes {
            owner[n, default: [:]][slot] = target
            migrating[n]?[slot] = nil
            importing[n]?.remove(slot)
        }
        for n in nodes where n != target {
            for (k, v) in data[n] ?? [:] where RedisHashSlot.slot(of: k) == slot {
                data[target, default: [:]][k] = v
                data[n]?[k] = nil
            }
        }
    }

    /// Starts migrating `slot` from its owner to `target` and moves the one key `key` (MIGRATE).
    func startMigration(slot: Int, to target: RedisNodeAddress, moving key: String?) {
        let source = ownerOf(slot, asSeenBy: target)
        migrating[source, default: [:]][slot] = target
        importing[target, default: []].insert(slot)
        if let key, let v = data[source]?[key] {
            data[target, default: [:]][key] = v
            data[source]?[key] = nil
        }
    }

    var seeds: [RedisNodeAddress] { [nodes[0]] }
    var connectedNode: RedisNodeAddress? { connected.min() }

    func exchange(_ batches: [ClusterBatch], of commands: ClusterCommands, blockingFor: Double?) throws(RedisError) -> [[RedisReply]] {
        for b in batches where unreachable.contains(b.node) { throw RedisError(.connection, "connect to \(b.node): refused") }
        rounds += 1
        var out: [[RedisReply]] = []
        for b in batches {
            if connected.insert(b.node).inserted { connectCount += 1 }
            var replies: [RedisReply] = []
            for item in b.items {
                let args = (0..<commands.argumentCount(item.index)).map { String(decoding: commands.argument(item.index, $0), as: UTF8.self) }
                replies.append(run(args, on: b.node, asking: item.asking))
            }
            out.append(replies)
        }
        return out
    }

    func run(_ args: [String], on node: RedisNodeAddress, asking: Bool) -> RedisReply {
        if let reply = intercept?(node, args) { return reply }
        let name = args[0].uppercased()
        let reply: RedisReply
        switch name {
        case "PING": reply = .status("PONG")
        case "FLUSHDB":
            data[node] = [:]
            reply = .status("OK")
        default:
            let key = args[1]
            let slot = RedisHashSlot.slot(of: key)
            let holder = ownerOf(slot, asSeenBy: node)
            if holder == node {
                if let target = migrating[node]?[slot], data[node]?[key] == nil {
                    return .error("ASK \(slot) \(target)")
                }
            } else if !(asking && importing[node]?.contains(slot) == true) {
                return .error("MOVED \(slot) \(holder)")
            }
            switch name {
            case "RPUSH":
                data[node, default: [:]][key, default: []].append(contentsOf: args[2...])
                reply = .integer(Int64(data[node]![key]!.count))
            case "LRANGE": reply = .array((data[node]?[key] ?? []).map { .bulk(Array($0.utf8)) })
            default: reply = .error("ERR unknown command '\(args[0])'")
            }
        }
        log.append((node, args))
        afterCommand?(log.count)
        return reply
    }

    func clusterSlots(at node: RedisNodeAddress) throws(RedisError) -> RedisReply {
        if unreachable.contains(node) { throw RedisError(.connection, "connect to \(node): refused") }
        slotReads.append(node)
        var ranges: [RedisReply] = []
        var start = 0
        for slot in 1...RedisHashSlot.count {
            let here = ownerOf(start, asSeenBy: node)
            if slot == RedisHashSlot.count || ownerOf(slot, asSeenBy: node) != here {
                ranges.append(.array([.integer(Int64(start)), .integer(Int64(slot - 1)),
                                      .array([.bulk(Array(here.host.utf8)), .integer(Int64(here.port)), .bulk(Array("id".utf8))])]))
                start = slot
            }
        }
        return .array(ranges)
    }

    func keepOnly(_ nodes: Set<RedisNodeAddress>) { connected.formIntersection(nodes) }
    func closeAll() { connected = [] }
}

/// The router against `FakeCluster`: routing, MOVED, ASK, retries, bounds, pipeline order.
@Suite("Redis Cluster router (in memory)")
struct RedisClusterRouterTests {
    static func router(_ cluster: FakeCluster, _ policy: RedisClusterPolicy = RedisClusterPolicy()) -> (RedisClusterRouter, Sleeps) {
        var policy = policy
        policy.minRefreshInterval = 0
        let router = RedisClusterRouter(transport: cluster, policy: policy)
        let sleeps = Sleeps()
        router.sleep = { sleeps.values.append($0) }
        return (router, sleeps)
    }

    final class Sleeps { var values: [Double] = [] }

    /// Keys that land on node 0, 1 and 2 of a 3-node fake (slots spread evenly).
    static func key(on node: Int, _ n: Int = 0) -> String {
        var i = 0, found = 0
        while true {
            let k = "k\(i)"
            if RedisHashSlot.slot(of: k) * 3 / RedisHashSlot.count == node {
                if found == n { return k }
                found += 1
            }
            i += 1
        }
    }

    @Test("commands go to their key's node; the map is read lazily, keyless commands need none")
    func routing() throws {
        let cluster = FakeCluster()
        let (router, _) = Self.router(cluster)
        #expect(try router.send(["PING"]) == .status("PONG"))
        #expect(cluster.slotReads.isEmpty && router.map == nil, "PING needs no slot map")
        for node in 0..<3 {
            _ = try router.send(["RPUSH", RedisArgument(Self.key(on: node)), "x"])
            #expect(cluster.log.last?.node == cluster.nodes[node])
        }
        #expect(cluster.slotReads.count == 1 && router.map?.assignedSlots == 16384)
        #expect(router.statistics.redirectsFollowed == 0 && router.statistics.retries == 0 && router.statistics.slotMapRefreshes == 1)
        #expect(try router.send(["FLUSHDB"]) == .status("OK"))
        #expect(cluster.log.suffix(3).map(\.node) == cluster.nodes, "FLUSHDB runs on every primary")
        #expect(cluster.data.values.allSatisfy { $0.isEmpty })
    }

    @Test("MOVED: patch the slot, resend to the named node, read the map again")
    func moved() throws {
        let cluster = FakeCluster()
        let (router, _) = Self.router(cluster)
        let key = Self.key(on: 0)
        let slot = RedisHashSlot.slot(of: key)
        _ = try router.send(["RPUSH", RedisArgument(key), "1"])
        cluster.move(slot: slot, to: cluster.nodes[2])
        #expect(try router.send(["RPUSH", RedisArgument(key), "2"]) == .integer(2))
        #expect(cluster.log.last?.node == cluster.nodes[2])
        #expect(router.statistics.movedRedirects == 1 && router.statistics.askRedirects == 0)
        #expect(router.map?.node(forSlot: slot) == cluster.nodes[2])
        #expect(cluster.slotReads == [cluster.nodes[0], cluster.nodes[2]], "the map is read again, from the node that took the slot")
        let rounds = cluster.rounds
        #expect(try router.send(["LRANGE", RedisArgument(key)]) == .array([.bulk([49]), .bulk([50])]))
        #expect(cluster.rounds == rounds + 1 && router.statistics.movedRedirects == 1, "no second redirect")
    }

    @Test("MOVED refreshes of the whole map are rate-limited; the moved slot is patched anyway")
    func refreshRateLimit() throws {
        let cluster = FakeCluster()
        var policy = RedisClusterPolicy()
        policy.minRefreshInterval = 3600
        let router = RedisClusterRouter(transport: cluster, policy: policy)
        let a = Self.key(on: 0), b = Self.key(on: 1)
        _ = try router.send(["RPUSH", RedisArgument(a), "1"])
        cluster.move(slot: RedisHashSlot.slot(of: a), to: cluster.nodes[2])
        cluster.move(slot: RedisHashSlot.slot(of: b), to: cluster.nodes[2])
        _ = try router.send(["RPUSH", RedisArgument(a), "2"])
        _ = try router.send(["RPUSH", RedisArgument(b), "2"])
        #expect(cluster.slotReads.count == 1, "within the interval the map is not read again")
        #expect(router.statistics.movedRedirects == 2)
        #expect(router.map?.node(forKey: a) == cluster.nodes[2] && router.map?.node(forKey: b) == cluster.nodes[2])
    }

    @Test("ASK: ASKING and the command on the named node, once; the map stays")
    func ask() throws {
        let cluster = FakeCluster()
        let (router, _) = Self.router(cluster)
        let key = Self.key(on: 1), other = Self.key(on: 1, 1)
        let slot = RedisHashSlot.slot(of: key)
        #expect(slot != RedisHashSlot.slot(of: other))
        _ = try router.send(["RPUSH", RedisArgument(key), "1"])
        cluster.startMigration(slot: slot, to: cluster.nodes[0], moving: key)
        #expect(try router.send(["RPUSH", RedisArgument(key), "2"]) == .integer(2))
        #expect(cluster.log.last?.node == cluster.nodes[0])
        #expect(router.statistics.askRedirects == 1 && router.statistics.movedRedirects == 0)
        #expect(router.map?.node(forSlot: slot) == cluster.nodes[1], "ASK does not change the map")
        #expect(cluster.slotReads.count == 1)
        _ = try router.send(["RPUSH", RedisArgument(key), "3"])
        #expect(router.statistics.askRedirects == 2, "each command asks again until the slot is moved")
        cluster.move(slot: slot, to: cluster.nodes[0])
        _ = try router.send(["RPUSH", RedisArgument(key), "4"])
        _ = try router.send(["RPUSH", RedisArgument(key), "5"])
        #expect(router.statistics.askRedirects == 2 && router.statistics.movedRedirects == 1)
        #expect(cluster.data[cluster.nodes[0]]?[key] == ["1", "2", "3", "4", "5"])
    }

    @Test("a pipeline across nodes and a live migration: replies in order, each key's commands in order, each once",
          arguments: [3, 25, 28, 34])
    func pipelineOrder(migrateAfter: Int) throws {
        let cluster = FakeCluster()
        let (router, _) = Self.router(cluster)
        let keys = [Self.key(on: 0), Self.key(on: 0, 1), Self.key(on: 1), Self.key(on: 2), Self.key(on: 2, 1)]
        let moving = keys[2]
        let slot = RedisHashSlot.slot(of: moving)
        _ = try router.send(["RPUSH", RedisArgument(moving), "seed"])
        // Midway the slot starts migrating to node 2 and the key moves; a few commands later the
        // migration ends (MOVED from then on). Node 1 runs log entries 26...37 of the first round
        // (node 0 runs 24 before it), so 3 is a MOVED for all of them, 25 and 28 ASK then MOVED,
        // 34 ASK for the last few.
        cluster.afterCommand = { count in
            if count == 1 + migrateAfter { cluster.startMigration(slot: slot, to: cluster.nodes[2], moving: moving) }
            if count == 1 + migrateAfter + 7 { cluster.move(slot: slot, to: cluster.nodes[2]) }
        }
        var commands: [[RedisArgument]] = []
        for i in 0..<60 {
            commands.append(["RPUSH", RedisArgument(keys[i % keys.count]), RedisArgument(i)])
        }
        // Run the same pipeline twice: once as argument lists, once through an encoded buffer.
        var writer = RESPWriter()
        for c in commands { writer.command(c) }
        let replies = try router.execute(ClusterCommands(writer))
        #expect(replies.count == 60)
        for (i, reply) in replies.enumerated() {
            let k = i % keys.count
            let expected = i / keys.count + 1 + (keys[k] == moving ? 1 : 0)
            #expect(reply == .integer(Int64(expected)), "reply \(i) in its place")
        }
        for (k, key) in keys.enumerated() {
            let node = RedisSlotMap.owner(cluster, key)
            let values = cluster.data[node]?[key] ?? []
            let want = (key == moving ? ["seed"] : []) + stride(from: k, to: 60, by: keys.count).map(String.init)
            #expect(values == want, "\(key): every value once, in pipeline order")
        }
        #expect(router.statistics.redirectsFollowed > 0, "the pipeline saw the migration")
        let total = cluster.data.values.reduce(0) { $0 + $1.values.reduce(0) { $0 + $1.count } }
        #expect(total == 61)
    }

    @Test("one key's commands never overtake each other when a round would send them to two nodes")
    func heldSlot() throws {
        let cluster = FakeCluster()
        let (router, _) = Self.router(cluster)
        let key = Self.key(on: 0)
        let slot = RedisHashSlot.slot(of: key)
        var first = true
        // Node 0 sends the first command to node 1 (ASK; node 1 imports the slot) and the second to
        // node 2 (MOVED; node 2 thinks it owns it): both run, but not in the same round.
        cluster.importing[cluster.nodes[1]] = [slot]
        cluster.owner[cluster.nodes[2]] = [slot: cluster.nodes[2]]
        cluster.intercept = { node, args in
            guard node == cluster.nodes[0], args[0] == "RPUSH" else { return nil }
            defer { first = false }
            return first ? .error("ASK \(slot) \(cluster.nodes[1])") : .error("MOVED \(slot) \(cluster.nodes[2])")
        }
        let replies = try router.execute(ClusterCommands(arguments: [["RPUSH", RedisArgument(key), "a"], ["RPUSH", RedisArgument(key), "b"]]))
        #expect(replies.count == 2)
        #expect(cluster.log.map(\.args) == [["RPUSH", key, "a"], ["RPUSH", key, "b"]], "a before b")
        #expect(cluster.rounds == 3, "the second waited for its own round")
    }

    @Test("a redirect loop gives up after maxRedirects with the server's error")
    func redirectLoop() throws {
        let cluster = FakeCluster()
        let (router, _) = Self.router(cluster)
        let key = Self.key(on: 0)
        let slot = RedisHashSlot.slot(of: key)
        cluster.owner[cluster.nodes[0]] = [slot: cluster.nodes[1]]
        cluster.owner[cluster.nodes[1]] = [slot: cluster.nodes[0]]
        #expect {
            try router.send(["RPUSH", RedisArgument(key), "x"])
        } throws: { error in
            (error as? RedisError)?.serverCode == "MOVED"
        }
        #expect(router.statistics.movedRedirects == 5)
        #expect(cluster.log.isEmpty, "nothing ran")
    }

    @Test("TRYAGAIN and CLUSTERDOWN: retried with backoff, then the error", arguments: ["TRYAGAIN Multiple keys request during rehashing of slot", "CLUSTERDOWN The cluster is down"])
    func retries(_ error: String) throws {
        let cluster = FakeCluster()
        let (router, sleeps) = Self.router(cluster)
        var failures = 3
        cluster.intercept = { _, args in
            guard args[0] == "RPUSH", failures > 0 else { return nil }
            failures -= 1
            return .error(error)
        }
        #expect(try router.send(["RPUSH", "a", "x"]) == .integer(1))
        #expect(sleeps.values == [0.02, 0.04, 0.08])
        #expect(router.statistics.retries == 3)
        failures = 100
        #expect {
            try router.send(["RPUSH", "a", "y"])
        } throws: { e in
            (e as? RedisError)?.message == error
        }
        #expect(sleeps.values.count == 3 + 8, "maxRetries waits, then the error")
        #expect(sleeps.values.reduce(0, +) < 4, "bounded: a few seconds at most")
        #expect(router.statistics.retries == 3 + 8)
    }

    @Test("a blocked read whose stream MIGRATE moved is sent again, without waiting")
    func keyMigrated() throws {
        let cluster = FakeCluster()
        let (router, sleeps) = Self.router(cluster)
        let key = Self.key(on: 0)
        var once = true
        cluster.intercept = { _, args in
            guard once, args[0] == "LRANGE" else { return nil }
            once = false
            cluster.startMigration(slot: RedisHashSlot.slot(of: key), to: cluster.nodes[1], moving: key)
            return .error("UNBLOCKED the stream key no longer exists")
        }
        _ = try router.send(["RPUSH", RedisArgument(key), "x"])
        #expect(try router.send(["LRANGE", RedisArgument(key)], blockingFor: 1) == .array([.bulk([120])]))
        #expect(sleeps.values.isEmpty && router.statistics.retries == 1 && router.statistics.askRedirects == 1)
        #expect(cluster.log.last?.node == cluster.nodes[1])
    }

    @Test("error replies that are not redirects stay in place; pipelines keep going")
    func plainErrors() throws {
        let cluster = FakeCluster()
        let (router, _) = Self.router(cluster)
        let replies = try router.execute(ClusterCommands(arguments: [["RPUSH", "a", "1"], ["NOPE", "b"], ["PING"]]))
        #expect(replies[0] == .integer(1) && replies[1] == .error("ERR unknown command 'NOPE'") && replies[2] == .status("PONG"))
        #expect(throws: RedisError(.server, "ERR unknown command 'NOPE'")) { try router.send(["NOPE", "b"]) }
    }

    @Test("a connection error is thrown and the map is read again before the next command")
    func connectionError() throws {
        let cluster = FakeCluster()
        let (router, _) = Self.router(cluster)
        let key = Self.key(on: 1)
        _ = try router.send(["RPUSH", RedisArgument(key), "1"])
        cluster.unreachable = [cluster.nodes[1]]
        #expect(throws: RedisError.self) { try router.send(["RPUSH", RedisArgument(key), "2"]) }
        // Node 1 "failed over" to node 2.
        cluster.unreachable = []
        cluster.move(slot: RedisHashSlot.slot(of: key), to: cluster.nodes[2])
        #expect(try router.send(["RPUSH", RedisArgument(key), "3"]) == .integer(2))
        #expect(cluster.slotReads.count == 2 && router.statistics.movedRedirects == 0, "the fresh map sent it straight to node 2")
    }

    @Test("the map is read from another node when the first cannot be reached; none reachable is a connection error")
    func refreshFallback() throws {
        let cluster = FakeCluster()
        let (router, _) = Self.router(cluster)
        _ = try router.send(["RPUSH", "a", "1"])
        cluster.unreachable = [cluster.nodes[0]]
        try router.refresh(preferring: cluster.nodes[0])
        #expect(cluster.slotReads.last != cluster.nodes[0])
        cluster.unreachable = Set(cluster.nodes)
        #expect { try router.refresh(preferring: nil) } throws: { ($0 as? RedisError)?.kind == .connection }
    }
}

extension RedisSlotMap {
    /// Where `key` really is in the fake.
    static func owner(_ cluster: FakeCluster, _ key: String) -> RedisNodeAddress {
        cluster.nodes.first { cluster.data[$0]?[key] != nil } ?? cluster.nodes[0]
    }
}

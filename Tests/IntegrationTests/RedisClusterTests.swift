import Foundation
import Logging
import LiqmapAggregator
import LiqmapCollector
import LiqmapCore
import LiqmapRedis
import LiqmapStore
import LiqmapTesting
import LiqmapWire
import Testing

/// `RedisClient` in cluster mode (`redis-cluster://`) against a real 3-node Redis Cluster that each
/// test starts itself (``RedisClusterServers``): routing, consumer groups across nodes, live slot
/// migrations under load, TRYAGAIN, and the collector's publisher with an aggregator per shard
/// across a migration of a shard stream's slot.
@Suite("Redis Cluster", .serialized, .timeLimit(.minutes(3)))
struct RedisClusterTests {
    static func streamKey(_ shard: Int) -> String { "liqmap:v1:{s\(shard)}:events" }

    /// Shards whose stream keys are on pairwise different nodes, one per node.
    static func shardsOnEachNode(_ servers: RedisClusterServers) async throws -> [Int] {
        var byNode: [Int: Int] = [:]
        for shard in 0..<64 where byNode.count < servers.ports.count {
            let node = try await servers.owner(ofKey: streamKey(shard))
            if byNode[node] == nil { byNode[node] = shard }
        }
        #expect(byNode.count == servers.ports.count, "shard streams land on every node")
        return (0..<servers.ports.count).compactMap { byNode[$0] }
    }

    static func fields(_ n: Int) -> [(name: String, value: [UInt8])] {
        [("n", Array(String(n).utf8)), ("data", Array(repeating: UInt8(ascii: "x"), count: 64))]
    }

    static func number(_ entry: StreamEntry) -> Int? { entry["n"].flatMap { Int(String(decoding: $0, as: UTF8.self)) } }

    @Test("commands go to their key's node; the slot map and CRC16 agree with the servers; FLUSHALL reaches every node")
    func routing() async throws {
        let servers = try await RedisClusterServers.start()
        defer { servers.tearDown() }
        let redis = try RedisClient(url: servers.url)
        #expect(redis.cluster?.seeds == servers.addresses)
        #expect(try await redis.send(["PING"]) == .status("PONG"))
        #expect(await redis.slotMap == nil, "PING needs no slot map")

        // Our slot of 500 keys against CLUSTER KEYSLOT (one pipeline of keyless commands).
        let keys = (0..<500).map { "key:\($0):{tag\($0 % 37)}" + String(repeating: "z", count: $0 % 5) }
        let slots = try await redis.pipeline(keys.map { ["CLUSTER", "KEYSLOT", RedisArgument($0)] })
        #expect(slots.map(\.int) == keys.map { Int64(RedisHashSlot.slot(of: $0)) })

        // Values on every node, each readable straight from the node that owns it (no MOVED there).
        for (i, key) in keys.prefix(60).enumerated() { try await redis.send(["SET", RedisArgument(key), RedisArgument(i)]) }
        let map = try #require(await redis.slotMap)
        #expect(map.assignedSlots == RedisHashSlot.count && Set(map.nodes) == Set(servers.addresses))
        var perNode = [Int](repeating: 0, count: 3)
        for (i, key) in keys.prefix(60).enumerated() {
            let owner = try await servers.owner(ofKey: key)
            #expect(map.node(forKey: key) == servers.addresses[owner])
            #expect(try await servers.nodeClients[owner].send(["GET", RedisArgument(key)]).int == Int64(i))
            perNode[owner] += 1
        }
        #expect(perNode.allSatisfy { $0 > 5 }, "keys on all three nodes: \(perNode)")

        // The other commands the code base sends, on keys of different nodes.
        let shards = try await Self.shardsOnEachNode(servers)
        for shard in shards {
            let key = Self.streamKey(shard)
            #expect(try await redis.send(["EXISTS", RedisArgument(key)]).int == 0)
            let first = try await redis.xadd(key, fields: Self.fields(0))
            let more = try await redis.xaddPipelined(key, entries: (1..<10).map { Self.fields($0) })
            #expect(more.count == 9)
            #expect(try await redis.send(["XLEN", RedisArgument(key)]).int == 10)
            #expect(try await redis.xinfoStream(key).length == 10)
            #expect(try await redis.xrange(key, count: 3).map(\.id).first == first)
            #expect(try await redis.send(["XREVRANGE", RedisArgument(key), "+", "-", "COUNT", "1"]).array?.count == 1)
            #expect(try await redis.xgroupCreate(key, group: "g"))
            #expect(try await redis.xgroupCreate(key, group: "g") == false, "BUSYGROUP comes back through the router")
            let read = try await redis.xreadgroup(key, group: "g", consumer: "c", count: 4)
            #expect(read.count == 4)
            #expect(try await redis.xpendingSummary(key, group: "g").count == 4)
            #expect(try await redis.xpending(key, group: "g", count: 10).count == 4)
            let claimed = try await redis.xautoclaim(key, group: "g", consumer: "d", minIdleMilliseconds: 0)
            #expect(claimed.entries.count == 4)
            #expect(try await redis.xack(key, group: "g", ids: read.map(\.id)) == 4)
            #expect(try await redis.xinfoGroups(key).first?.pending == 0)
            #expect(try await redis.send(["XINFO", "CONSUMERS", RedisArgument(key), "g"]).array?.count == 2)
            #expect(try await redis.send(["XDEL", RedisArgument(key), RedisArgument(first)]).int == 1)
            #expect(try await redis.send(["XTRIM", RedisArgument(key), "MINID", RedisArgument(more[4])]).int == 4)
            #expect(try await redis.send(["XGROUP", "DESTROY", RedisArgument(key), "g"]).int == 1)
            let hash = "liqmap:v1:{s\(shard)}:h"
            try await redis.send(["HSET", RedisArgument(hash), "a", "1", "b", "2"])
            #expect(try await redis.send(["HDEL", RedisArgument(hash), "a"]).int == 1)
            #expect(try await redis.send(["HGETALL", RedisArgument(hash)]).array?.count == 2)
            #expect(try await redis.send(["INCR", RedisArgument(hash + ":n")]).int == 1)
            #expect(try await redis.send(["EXPIRE", RedisArgument(hash + ":n"), "100"]).int == 1)
            #expect(try await redis.send(["EVAL", "return redis.call('GET', KEYS[1])", "1", RedisArgument(hash + ":n")]).int == 1)
            #expect(try await redis.send(["DEL", RedisArgument(hash), RedisArgument(hash + ":n")]).int == 2, "two keys of one hash tag")
        }
        // An interleaved pipeline across the three nodes: replies in the original order.
        var commands: [[RedisArgument]] = []
        for i in 0..<90 { commands.append(["RPUSH", RedisArgument("list:{s\(shards[i % 3])}"), RedisArgument(i)]) }
        let replies = try await redis.pipeline(commands)
        let expected: [RedisReply] = (0..<90).map { (i: Int) -> RedisReply in .integer(Int64(i / 3 + 1)) }
        #expect(replies == expected)
        for (k, shard) in shards.enumerated() {
            let values = try await redis.send(["LRANGE", RedisArgument("list:{s\(shard)}"), "0", "-1"]).array?.compactMap(\.int)
            #expect(values == stride(from: k, to: 90, by: 3).map(Int64.init))
        }
        // Cross-slot commands are the server's refusal, passed on.
        await #expect(throws: RedisError.self) { try await redis.send(["DEL", "a", "b"]) }
        #expect(await redis.redirectsFollowed == 0, "a fresh map needs no redirect")
        #expect(await redis.connectCount == 3, "one connection per node")

        try await redis.send(["FLUSHALL"])
        for node in servers.nodeClients { #expect(try await node.send(["DBSIZE"]).int == 0) }
        let stats = await redis.clusterStatistics
        #expect(stats.slotMapRefreshes == 1 && stats.retries == 0)
    }

    @Test("a consumer group per stream, read and acknowledged across three nodes")
    func consumerGroups() async throws {
        let servers = try await RedisClusterServers.start()
        defer { servers.tearDown() }
        let redis = try RedisClient(url: servers.url)
        let shards = try await Self.shardsOnEachNode(servers)
        for shard in shards { try await redis.xgroupCreate(Self.streamKey(shard), group: "aggregators") }
        // One pipeline with entries for all three streams, interleaved.
        var writer = RESPWriter()
        for i in 0..<300 {
            writer.command(RedisClient.xaddArguments(Self.streamKey(shards[i % 3]), id: "*", fields: Self.fields(i), trim: nil))
        }
        let ids = try await redis.pipeline(writer)
        #expect(ids.count == 300 && ids.allSatisfy { $0.string != nil })
        for (k, shard) in shards.enumerated() {
            let key = Self.streamKey(shard)
            var seen: [Int] = []
            while true {
                let entries = try await redis.xreadgroup(key, group: "aggregators", consumer: "c", count: 33, blockMilliseconds: 50)
                if entries.isEmpty { break }
                seen += entries.compactMap(Self.number)
                #expect(try await redis.xack(key, group: "aggregators", ids: entries.map(\.id)) == entries.count)
            }
            #expect(seen == Array(stride(from: k, to: 300, by: 3)), "stream \(key): all, in order")
            #expect(try await redis.xpendingSummary(key, group: "aggregators").count == 0)
            let group = try #require(try await redis.xinfoGroups(key).first)
            #expect(group.pending == 0 && group.lag == 0)
            #expect(try await servers.nodeClients[k].send(["XLEN", RedisArgument(key)]).int == 100, "the stream lives on node \(k)")
        }
        #expect(await redis.redirectsFollowed == 0)
    }

    /// Writes until told to stop: single XADDs and pipelines that mix the migrating stream with one
    /// on another node. Every XADD must succeed.
    actor Writer {
        let redis: RedisClient
        let keys: [String]
        var next = 0
        var stopped = false
        init(redis: RedisClient, keys: [String]) {
            self.redis = redis
            self.keys = keys
        }
        func stop() { stopped = true }
        func run() async throws -> Int {
            var round = 0
            while !stopped {
                if round % 2 == 0 {
                    _ = try await redis.xadd(keys[0], fields: RedisClusterTests.fields(next))
                    next += 1
                } else {
                    var writer = RESPWriter()
                    var numbers: [(key: String, n: Int)] = []
                    for j in 0..<6 {
                        let key = keys[j % 3 == 2 ? 1 : 0]
                        numbers.append((key, next))
                        writer.command(RedisClient.xaddArguments(key, id: "*", fields: RedisClusterTests.fields(next), trim: nil))
                        next += 1
                    }
                    let replies = try await redis.pipeline(writer)
                    for reply in replies {
                        guard reply.string != nil else { throw RedisError(.unexpectedReply, "XADD in a pipeline: \(reply)") }
                    }
                }
                round += 1
                try await Task.sleep(for: .milliseconds(2))
            }
            return next
        }
    }

    /// Reads and acknowledges one stream through the group until told to stop and drained.
    actor Reader {
        let redis: RedisClient
        let key: String
        var seen: [Int] = []
        var acked = 0
        var stopped = false
        init(redis: RedisClient, key: String) {
            self.redis = redis
            self.key = key
        }
        func stop() { stopped = true }
        func run() async throws {
            var idle = 0
            while !stopped || idle < 3 {
                let entries = try await redis.xreadgroup(key, group: "aggregators", consumer: "reader", count: 40, blockMilliseconds: 100)
                if entries.isEmpty {
                    idle += 1
                    continue
                }
                idle = 0
                seen += entries.compactMap(RedisClusterTests.number)
                acked += try await redis.xack(key, group: "aggregators", ids: entries.map(\.id))
            }
        }
    }

    @Test("a live migration of a stream's slot, twice, while a writer adds and a group reader reads and acknowledges")
    func liveMigration() async throws {
        let servers = try await RedisClusterServers.start()
        defer { servers.tearDown() }
        let shards = try await Self.shardsOnEachNode(servers)
        let moving = Self.streamKey(shards[0]), steady = Self.streamKey(shards[1])
        let slot = RedisHashSlot.slot(of: moving)
        let setup = try RedisClient(url: servers.url)
        for key in [moving, steady] { try await setup.xgroupCreate(key, group: "aggregators") }

        let writerClient = try RedisClient(url: servers.url), readerClient = try RedisClient(url: servers.url)
        let steadyClient = try RedisClient(url: servers.url)
        let writer = Writer(redis: writerClient, keys: [moving, steady])
        let reader = Reader(redis: readerClient, key: moving), steadyReader = Reader(redis: steadyClient, key: steady)
        let writing = Task { try await writer.run() }
        let reading = Task { try await reader.run() }
        let steadyReading = Task { try await steadyReader.run() }

        try await Task.sleep(for: .milliseconds(400))
        // Node 0 → node 1 → node 2, each time pausing in the MIGRATING state and after the keys moved.
        try await servers.migrate(slot: slot, to: 1, pause: .milliseconds(300))
        #expect(try await servers.owner(ofSlot: slot) == 1)
        try await Task.sleep(for: .milliseconds(300))
        try await servers.migrate(slot: slot, to: 2, pause: .milliseconds(300))
        #expect(try await servers.owner(ofSlot: slot) == 2)
        try await Task.sleep(for: .milliseconds(300))

        await writer.stop()
        let written = try await writing.value
        await reader.stop()
        await steadyReader.stop()
        try await reading.value
        try await steadyReading.value

        // Which numbers went to which stream (the writer's pattern), then exactly-once checks.
        var want: [String: [Int]] = [moving: [], steady: []]
        var n = 0, round = 0
        while n < written {
            if round % 2 == 0 {
                want[moving]!.append(n)
                n += 1
            } else {
                for j in 0..<6 { want[j % 3 == 2 ? steady : moving]!.append(n + j) }
                n += 6
            }
            round += 1
        }
        #expect(written > 300, "the writer kept writing: \(written)")
        for key in [moving, steady] {
            let stored = try await setup.xrange(key).compactMap(Self.number)
            #expect(stored.count == want[key]!.count && stored == want[key]!, "\(key): every entry written is there once, in order (\(stored.count) of \(want[key]!.count))")
            #expect(try await setup.xpendingSummary(key, group: "aggregators").count == 0, "nothing pending")
            let group = try #require(try await setup.xinfoGroups(key).first)
            #expect(group.pending == 0 && group.lag == 0)
        }
        let seen = await reader.seen, acked = await reader.acked
        #expect(seen == want[moving]!, "the group read every entry once, in order (\(seen.count) of \(want[moving]!.count))")
        #expect(acked == want[moving]!.count, "and acknowledged each")
        #expect(await steadyReader.seen == want[steady]!)
        // The stream now lives on node 2 only.
        #expect(try await servers.nodeClients[2].send(["XLEN", RedisArgument(moving)]).int == Int64(want[moving]!.count))
        await #expect(throws: RedisError.self) { try await servers.nodeClients[0].send(["XLEN", RedisArgument(moving)]) }

        let w = await writerClient.clusterStatistics, r = await readerClient.clusterStatistics
        #expect(w.askRedirects > 0 && w.movedRedirects > 0, "the writer went through ASK and MOVED: \(w)")
        #expect(r.redirectsFollowed + r.retries > 0, "the reader was redirected: \(r)")
        #expect(await steadyClient.redirectsFollowed == 0, "the other stream's reader never was")
        #expect(await writerClient.slotMap?.node(forSlot: slot) == servers.addresses[2])
        #expect(await writerClient.connectCount == 3)
    }

    @Test("TRYAGAIN: a multi-key command whose keys are split by a migration is retried with backoff, then fails; it runs once they are together")
    func tryAgain() async throws {
        let servers = try await RedisClusterServers.start()
        defer { servers.tearDown() }
        let redis = try RedisClient(url: servers.url)
        let a = "{pair}a", b = "{pair}b"
        let slot = RedisHashSlot.slot(of: a)
        try await redis.send(["SET", RedisArgument(a), "1"])
        try await redis.send(["SET", RedisArgument(b), "2"])
        let source = try await servers.owner(ofSlot: slot), target = (source + 1) % 3
        try await servers.startMigration(slot: slot, to: target)
        try await servers.moveKeys(slot: slot, from: source, to: target, keys: [a])
        // a is on the target, b still on the source: MGET of both cannot run anywhere yet.
        let started = ContinuousClock.now
        await #expect {
            try await redis.send(["MGET", RedisArgument(a), RedisArgument(b)])
        } throws: { ($0 as? RedisError)?.serverCode == "TRYAGAIN" }
        let waited = ContinuousClock.now - started
        #expect(await redis.clusterStatistics.retries == 8, "maxRetries retries")
        #expect(waited > .milliseconds(1000) && waited < .seconds(5), "with backoff (20 ms doubling to 500 ms): \(waited)")
        // Now b follows while the client is retrying: the command gets through (ASK to the target).
        let retrying = Task { try await redis.send(["MGET", RedisArgument(a), RedisArgument(b)]) }
        try await Task.sleep(for: .milliseconds(150))
        try await servers.moveKeys(slot: slot, from: source, to: target, keys: [b])
        #expect(try await retrying.value == .array([.bulk(Array("1".utf8)), .bulk(Array("2".utf8))]))
        #expect(await redis.clusterStatistics.askRedirects >= 1)
        try await servers.finishMigration(slot: slot, from: source, to: target)
        #expect(try await redis.send(["MGET", RedisArgument(a), RedisArgument(b)]).array?.count == 2)
        #expect(await redis.clusterStatistics.movedRedirects == 1)
    }

    @Test("a redis-cluster:// URL to a single server is refused with a clear error; a dead seed is skipped")
    func wrongServer() async throws {
        let single = try PrivateServers()
        defer { single.tearDown() }
        try single.start(.redis)
        let redis = try RedisClient(url: "redis-cluster://127.0.0.1:\(single.redisPort)")
        await #expect {
            try await redis.send(["GET", "k"])
        } throws: { error in
            let e = error as? RedisError
            return e?.kind == .invalidArgument && e?.message.contains("not a Redis Cluster node") == true
        }

        let servers = try await RedisClusterServers.start()
        defer { servers.tearDown() }
        let deadSeed = try RedisClusterServers.freePort(avoiding: servers.ports)
        let withDeadSeed = try RedisClient(url: "redis-cluster://127.0.0.1:\(deadSeed),127.0.0.1:\(servers.ports[1])")
        try await withDeadSeed.send(["SET", "k", "v"])
        #expect(try await withDeadSeed.send(["GET", "k"]) == .bulk(Array("v".utf8)))
    }

    /// Liquidations on instruments of both shards of a two-shard map.
    static func liquidations(_ count: Int) -> [NormalizedEvent] {
        let instruments = ["BTC-USDT-PERP", "ETH-USDT-PERP", "SOL-USDT-PERP", "XRP-USDT-PERP", "DOGE-USDT-PERP", "BNB-USDT-PERP"]
        return (0..<count).map { i in
            var event = AggregatorTests.liquidation(i)
            event.instrument = instruments[i % instruments.count]
            event.symbol = event.instrument.replacingOccurrences(of: "-", with: "")
            return event
        }
    }

    @Test("the collector's publisher and an aggregator per shard across a live migration of a shard stream's slot: exact totals, nothing pending")
    func publisherAndAggregatorsAcrossMigration() async throws {
        let servers = try await RedisClusterServers.start()
        defer { servers.tearDown() }
        let schema = try await TestServers.schema()
        _ = try await Migrator().migrate(schema.client())
        let map = ShardMap(shards: 2)
        let liquidations = Self.liquidations(3_000)
        #expect(Set(liquidations.map { map.shard(venue: $0.venue, instrument: $0.instrument) }) == [0, 1], "events for both shards")

        var logger = Logger(label: "test.cluster")
        logger.logLevel = .warning
        var aggregators: [ShardAggregator] = []
        var running: [Task<Void, any Error>] = []
        for shard in 0..<2 {
            var options = AggregatorOptions(shard: shard, shards: 2, consumer: "cluster-\(shard)")
            options.checkpointSeconds = 0.2
            options.blockSeconds = 0.2
            let aggregator = try ShardAggregator(options: options, redisURL: servers.url, postgres: { schema.client() }, logger: logger)
            aggregators.append(aggregator)
            running.append(Task { try await aggregator.runUntilCancelled() })
        }
        defer { for task in running { task.cancel() } }

        let redis = try RedisClient(url: servers.url)
        let publisher = try EventPublisher(redis: redis, feed: .binanceUSDM, source: "cluster-test", shards: map, spoolPath: nil, maxEvents: 20)
        let moving = StreamKeys.events(shard: 0)
        let slot = RedisHashSlot.slot(of: moving)
        let source = try await servers.owner(ofSlot: slot), target = (source + 1) % 3
        let chunks = stride(from: 0, to: liquidations.count, by: 15).map { Array(liquidations[$0..<min($0 + 15, liquidations.count)]) }
        var next = 0
        func publishChunk() async throws {
            try await publisher.publish(chunks[next], now: 0)
            try await publisher.flush(now: 0)
            next += 1
            try await Task.sleep(for: .milliseconds(10))
        }
        // A fifth before, then publishing goes on through the migration (MIGRATING, then ASK once
        // the keys moved, then MOVED), and at least a quarter after it.
        while next < 40 { try await publishChunk() }
        let done = ClusterTestFlag()
        let migration = Task {
            do {
                try await servers.migrate(slot: slot, to: target, pause: .milliseconds(300))
            } catch {
                await done.set()
                throw error
            }
            await done.set()
        }
        var duringMigration = 0
        while next < 150, !(await done.isSet) {
            try await publishChunk()
            duringMigration += 1
        }
        try await migration.value
        while next < chunks.count { try await publishChunk() }
        #expect(try await servers.owner(ofKey: moving) == target, "shard 0's stream moved")
        // How many chunks fit in the migration depends on the machine's load (12 on a busy CI run, 40
        // on a quiet one); that the publisher went through it is shown by the ASK and MOVED it followed.
        #expect(duringMigration > 0, "the publisher kept publishing during the migration: \(duringMigration) chunks")

        for shard in 0..<2 { try await AggregatorTests.settle(redis, StreamKeys.events(shard: shard)) }
        let want = AggregatorTests.exact(liquidations)
        let got = try await AggregatorTests.stored(schema.client())
        #expect(got.micros == want.micros && got.count == want.count, "exact realized totals: \(got) want \(want)")
        #expect(got.tileMicros.allSatisfy { $0 == want.micros }, "every tile resolution sums to the same: \(got.tileMicros)")
        for shard in 0..<2 {
            let key = StreamKeys.events(shard: shard)
            #expect(try await redis.xpendingSummary(key, group: StreamKeys.aggregatorGroup).count == 0, "nothing pending on \(key)")
        }
        let published = await publisher.stats
        #expect(published.events == liquidations.count && published.publishFailures == 0)
        let seen = await redis.clusterStatistics
        #expect(seen.askRedirects > 0 && seen.movedRedirects > 0, "the publisher followed ASK (keys moved) and MOVED (slot moved): \(seen)")
        for aggregator in aggregators {
            let stats = await aggregator.stats
            #expect(stats.takeovers == 1 && stats.stepDowns == 0, "each aggregator owned its shard throughout: \(stats)")
        }
        for task in running { task.cancel() }
        for task in running { _ = await task.result }
        try await schema.drop()
    }

}

/// A flag one task raises and another polls.
actor ClusterTestFlag {
    private(set) var isSet = false
    func set() { isSet = true }
}

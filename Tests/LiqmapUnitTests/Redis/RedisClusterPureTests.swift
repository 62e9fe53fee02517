@testable import LiqmapRedis
import Testing

/// The pure parts of the Redis Cluster client: slots, the key-position table, the slot map,
/// redirect replies, cluster URLs, the retry policy and the RESP splitter. No server.
@Suite("Redis Cluster: the parts that need no server")
struct RedisClusterPureTests {
    // MARK: - Hash slots

    /// `CLUSTER KEYSLOT` of a real Redis 7.0.15 node for each key.
    @Test("slots agree with CLUSTER KEYSLOT", arguments: [
        ("123456789", 12739), ("foo", 12182), ("bar", 5061), ("hello", 866), ("somekey", 11058), ("", 0),
        ("{user1000}.following", 3443), ("{user1000}.followers", 3443), ("foo{}{bar}", 8363), ("foo{{bar}}zap", 4015),
        ("{bar", 4015), ("foo{bar}{zap}", 5061), ("liqmap:v1:{s0}:events", 11097), ("liqmap:v1:{s1}:events", 15224),
        ("liqmap:v1:{q-binance_usdm}:quarantine", 15603), ("{", 4092), ("}{a}", 15495), ("a{b", 13340),
    ])
    func keySlots(_ key: String, _ slot: Int) {
        #expect(RedisHashSlot.slot(of: key) == slot)
        #expect(RedisHashSlot.slot(of: Array(key.utf8)) == slot, "bytes and String agree")
    }

    @Test("CRC16/XMODEM check value and binary keys")
    func crc16() {
        #expect(RedisHashSlot.crc16(Array("123456789".utf8)) == 0x31C3)
        #expect(RedisHashSlot.crc16([UInt8]()) == 0)
        #expect(RedisHashSlot.slot(of: [0xFF, 0x00, 0x80]) == 7915, "CLUSTER KEYSLOT \"\\xff\\x00\\x80\"")
        // The table-driven CRC against the bit-by-bit definition, over many inputs.
        func reference(_ bytes: [UInt8]) -> UInt16 {
            var crc: UInt16 = 0
            for b in bytes {
                crc ^= UInt16(b) << 8
                for _ in 0..<8 { crc = crc & 0x8000 != 0 ? (crc << 1) ^ 0x1021 : crc << 1 }
            }
            return crc
        }
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for length in 0..<300 {
            var bytes: [UInt8] = []
            for _ in 0..<length {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                bytes.append(UInt8(truncatingIfNeeded: state >> 56))
            }
            #expect(RedisHashSlot.crc16(bytes) == reference(bytes))
            #expect(RedisHashSlot.slot(of: bytes) < RedisHashSlot.count)
        }
    }

    @Test("hash tags", arguments: [
        ("{user1000}.following", "user1000"), ("foo{}{bar}", "foo{}{bar}"), ("foo{{bar}}zap", "{bar"), ("foo{bar}{zap}", "bar"),
        ("{}", "{}"), ("{", "{"), ("}{a}", "a"), ("a{b", "a{b"), ("plain", "plain"), ("x{y}", "y"), ("{a}{b}", "a"),
        ("liqmap:v1:{s12}:events", "s12"), ("liqmap:v1:{q-okx}:quarantine", "q-okx"),
    ])
    func hashTags(_ key: String, _ hashed: String) {
        #expect(String(decoding: RedisHashSlot.hashedPart(of: Array(key.utf8)), as: UTF8.self) == hashed)
        #expect(RedisHashSlot.slot(of: key) == RedisHashSlot.slot(of: hashed), "the slot is the hashed part's")
    }

    @Test("every shard stream's keys share one slot; shards spread over the slots")
    func shardKeys() {
        var slots = Set<Int>()
        for shard in 0..<64 {
            let slot = RedisHashSlot.slot(of: "liqmap:v1:{s\(shard)}:events")
            #expect(slot == RedisHashSlot.slot(of: "liqmap:v1:{s\(shard)}:anything-else"))
            slots.insert(slot)
        }
        #expect(slots.count == 64, "64 shards, 64 distinct slots")
    }

    // MARK: - Key positions

    /// Every command this code base sends (grep Sources for the command strings), where its key is.
    @Test("the key of each command the code base sends", arguments: [
        (["XADD", "k", "*", "f", "v"], RedisCommandRoute.key(index: 1)),
        (["XADD", "k", "MAXLEN", "~", "10000", "*", "f", "v"], .key(index: 1)),
        (["XRANGE", "k", "-", "+", "COUNT", "10"], .key(index: 1)),
        (["XREVRANGE", "k", "+", "-"], .key(index: 1)),
        (["XLEN", "k"], .key(index: 1)),
        (["XTRIM", "k", "MINID", "0-1"], .key(index: 1)),
        (["XDEL", "k", "1-1"], .key(index: 1)),
        (["XACK", "k", "g", "1-1", "1-2"], .key(index: 1)),
        (["XCLAIM", "k", "g", "c", "0", "1-1"], .key(index: 1)),
        (["XAUTOCLAIM", "k", "g", "c", "0", "0-0", "COUNT", "64"], .key(index: 1)),
        (["XPENDING", "k", "g"], .key(index: 1)),
        (["XPENDING", "k", "g", "IDLE", "5", "-", "+", "10", "c"], .key(index: 1)),
        (["XSETID", "k", "5-0"], .key(index: 1)),
        (["XINFO", "STREAM", "k"], .key(index: 2)),
        (["XINFO", "GROUPS", "k"], .key(index: 2)),
        (["XINFO", "CONSUMERS", "k", "g"], .key(index: 2)),
        (["xinfo", "stream", "k", "FULL"], .key(index: 2)),
        (["XINFO", "HELP"], .anyNode),
        (["XGROUP", "CREATE", "k", "g", "0", "MKSTREAM"], .key(index: 2)),
        (["XGROUP", "DESTROY", "k", "g"], .key(index: 2)),
        (["XGROUP", "SETID", "k", "g", "$"], .key(index: 2)),
        (["XGROUP", "CREATECONSUMER", "k", "g", "c"], .key(index: 2)),
        (["XGROUP", "DELCONSUMER", "k", "g", "c"], .key(index: 2)),
        (["XGROUP", "HELP"], .anyNode),
        (["XREADGROUP", "GROUP", "g", "c", "COUNT", "64", "BLOCK", "500", "STREAMS", "k", ">"], .key(index: 9)),
        (["XREADGROUP", "GROUP", "g", "c", "COUNT", "64", "STREAMS", "k", "0"], .key(index: 7)),
        (["XREADGROUP", "GROUP", "g", "c", "NOACK", "STREAMS", "k", ">"], .key(index: 6)),
        (["XREADGROUP", "GROUP", "streams", "STREAMS", "STREAMS", "k", ">"], .key(index: 5)),
        (["xreadgroup", "group", "g", "c", "streams", "k", ">"], .key(index: 5)),
        (["XREAD", "COUNT", "1", "BLOCK", "0", "STREAMS", "a", "b", "0", "0"], .key(index: 6)),
        (["XREAD", "STREAMS", "a", "0"], .key(index: 2)),
        (["XREAD", "STREAMS"], .anyNode),
        (["XREADGROUP", "GROUP", "g", "c", "BOGUS", "STREAMS", "k", ">"], .anyNode),
        (["GET", "k"], .key(index: 1)),
        (["SET", "k", "v", "EX", "10"], .key(index: 1)),
        (["DEL", "k"], .key(index: 1)),
        (["DEL", "{t}a", "{t}b"], .key(index: 1)),
        (["EXISTS", "k"], .key(index: 1)),
        (["EXPIRE", "k", "10"], .key(index: 1)),
        (["HSET", "k", "f", "v"], .key(index: 1)),
        (["HGETALL", "k"], .key(index: 1)),
        (["HDEL", "k", "f"], .key(index: 1)),
        (["INCR", "k"], .key(index: 1)),
        (["EVAL", "return 1", "0"], .anyNode),
        (["EVAL", "return KEYS[1]", "1", "k", "arg"], .key(index: 3)),
        (["EVALSHA", "abc", "2", "{t}a", "{t}b"], .key(index: 3)),
        (["FCALL", "f", "0", "arg"], .anyNode),
        (["EVAL", "x", "notanumber", "k"], .anyNode),
        (["PING"], .anyNode),
        (["ping"], .anyNode),
        (["INFO", "server"], .anyNode),
        (["CONFIG", "SET", "appendonly", "no"], .anyNode),
        (["CLUSTER", "INFO"], .anyNode),
        (["ECHO", "hi"], .anyNode),
        (["DBSIZE"], .anyNode),
        (["FLUSHDB"], .everyPrimary),
        (["FLUSHALL", "ASYNC"], .everyPrimary),
        (["OBJECT", "ENCODING", "k"], .key(index: 2)),
        (["MEMORY", "USAGE", "k"], .key(index: 2)),
        (["MEMORY", "STATS"], .anyNode),
        (["MIGRATE", "h", "1", "k", "0", "5000"], .key(index: 3)),
        (["MIGRATE", "h", "1", "", "0", "5000", "REPLACE", "KEYS", "a", "b"], .key(index: 8)),
        (["NOSUCHCOMMAND", "k"], .key(index: 1)),
        (["NOSUCHCOMMAND"], .anyNode),
        ([], .anyNode),
    ])
    func keyPositions(_ command: [String], _ route: RedisCommandRoute) {
        #expect(RedisCommandKeys.route(command) == route, "\(command)")
    }

    @Test("the stream helpers' own argument lists route by their key")
    func helperArguments() {
        let args = RedisClient.xaddArguments("liqmap:v1:{s3}:events", id: "*", fields: [("v", [49])], trim: .maxLength(10))
        #expect(RedisCommandKeys.route(args) == .key(index: 1))
        #expect(ClusterCommands(arguments: [args]).route(0) == .slot(RedisHashSlot.slot(of: "s3")))
    }

    // MARK: - Slot map

    static func node(_ host: String, _ port: Int64, _ id: String) -> RedisReply {
        .array([.bulk(Array(host.utf8)), .integer(port), .bulk(Array(id.utf8)), .array([])])
    }

    @Test("CLUSTER SLOTS: ranges, replicas ignored, empty host, unknown endpoint")
    func slotMap() throws {
        let reply = RedisReply.array([
            .array([.integer(0), .integer(5460), Self.node("10.0.0.1", 7001, "a"), Self.node("10.0.0.4", 7004, "r1")]),
            .array([.integer(5461), .integer(10922), Self.node("", 7002, "b")]),
            .array([.integer(10923), .integer(16000), Self.node("10.0.0.3", 7003, "c")]),
            .array([.integer(16001), .integer(16383), Self.node("?", 7005, "d")]),
            .array([.integer(3000), .integer(3000), Self.node("10.0.0.3", 7003, "c")]),
        ])
        let map = try RedisSlotMap(clusterSlots: reply, replyingHost: "seed")
        let a = RedisNodeAddress(host: "10.0.0.1", port: 7001), b = RedisNodeAddress(host: "seed", port: 7002)
        let c = RedisNodeAddress(host: "10.0.0.3", port: 7003)
        #expect(map.nodes == [a, b, c], "primaries only, in order; the replica is not a node of the map")
        #expect(map.node(forSlot: 0) == a && map.node(forSlot: 5460) == a && map.node(forSlot: 2999) == a)
        #expect(map.node(forSlot: 3000) == c, "a later range wins")
        #expect(map.node(forSlot: 5461) == b, "an empty host is the host that was asked")
        #expect(map.node(forSlot: 16000) == c)
        #expect(map.node(forSlot: 16001) == nil && map.node(forSlot: 16383) == nil, "'?' leaves the range unassigned")
        #expect(map.assignedSlots == 16001)
        #expect(map.slots(of: a) == [0...2999, 3001...5460])
        #expect(map.slots(of: c) == [3000...3000, 10923...16000])
        #expect(map.node(forKey: "liqmap:v1:{s0}:events") == c, "slot 11097")
    }

    @Test("MOVED patches one slot; a node left with no slot is forgotten")
    func slotMapPatch() throws {
        var map = RedisSlotMap()
        #expect(map.nodes.isEmpty && map.assignedSlots == 0 && map.node(forSlot: 42) == nil)
        let a = RedisNodeAddress(host: "h", port: 1), b = RedisNodeAddress(host: "h", port: 2), c = RedisNodeAddress(host: "h", port: 3)
        map.assign(slots: 0...9, to: a)
        map.assign(slots: 10...16383, to: b)
        map.assign(slot: 5, to: b)
        #expect(map.node(forSlot: 5) == b && map.node(forSlot: 4) == a && map.node(forSlot: 6) == a)
        #expect(map.slots(of: a) == [0...4, 6...9])
        map.assign(slot: 16383, to: c)
        #expect(map.nodes == [a, b, c])
        map.assign(slots: 0...9, to: b)
        #expect(map.nodes == [b, c], "a lost every slot")
        #expect(map.node(forSlot: 0) == b && map.node(forSlot: 16383) == c && map.node(forSlot: 16382) == b)
        #expect(map.assignedSlots == 16384)
    }

    @Test("malformed CLUSTER SLOTS replies are refused", arguments: [
        RedisReply.status("OK"),
        .array([.array([.integer(0), .integer(5)])]),
        .array([.array([.integer(5), .integer(1), RedisClusterPureTests.node("h", 1, "x")])]),
        .array([.array([.integer(0), .integer(16384), RedisClusterPureTests.node("h", 1, "x")])]),
        .array([.array([.integer(-1), .integer(3), RedisClusterPureTests.node("h", 1, "x")])]),
        .array([.array([.integer(0), .integer(3), RedisClusterPureTests.node("h", 0, "x")])]),
        .array([.array([.integer(0), .integer(3), .array([.bulk(Array("h".utf8))])])]),
    ])
    func badSlotMaps(_ reply: RedisReply) {
        #expect(throws: RedisError.self) { try RedisSlotMap(clusterSlots: reply, replyingHost: "h") }
    }

    // MARK: - Redirects

    @Test("redirect replies", arguments: [
        ("MOVED 3999 127.0.0.1:6381", RedisRedirect?.some(.moved(slot: 3999, node: RedisNodeAddress(host: "127.0.0.1", port: 6381)))),
        ("ASK 3999 127.0.0.1:6381", .ask(slot: 3999, node: RedisNodeAddress(host: "127.0.0.1", port: 6381))),
        ("MOVED 0 :7002", .moved(slot: 0, node: RedisNodeAddress(host: "replier", port: 7002))),
        ("ASK 16383 node-3.internal:7003", .ask(slot: 16383, node: RedisNodeAddress(host: "node-3.internal", port: 7003))),
        ("MOVED 12 ::1:7001", .moved(slot: 12, node: RedisNodeAddress(host: "::1", port: 7001))),
        ("MOVED 12 [::1]:7001", .moved(slot: 12, node: RedisNodeAddress(host: "::1", port: 7001))),
        ("TRYAGAIN Multiple keys request during rehashing of slot", .tryAgain),
        ("CLUSTERDOWN The cluster is down", .clusterDown),
        ("CLUSTERDOWN Hash slot not served", .clusterDown),
        ("UNBLOCKED the stream key no longer exists", .keyMigrated),
        ("UNBLOCKED client unblocked via CLIENT UNBLOCK", nil),
        ("MOVED 16384 127.0.0.1:6381", nil),
        ("MOVED -1 127.0.0.1:6381", nil),
        ("MOVED 12 127.0.0.1:0", nil),
        ("MOVED 12 127.0.0.1", nil),
        ("MOVED 12", nil),
        ("MOVEDX 12 h:1", nil),
        ("ERR unknown command", nil),
        ("NOGROUP No such key 'k' or consumer group 'g'", nil),
        ("BUSYGROUP Consumer Group name already exists", nil),
        ("", nil),
    ])
    func redirects(_ message: String, _ expected: RedisRedirect?) {
        #expect(RedisRedirect(errorMessage: message, replyingHost: "replier") == expected)
    }

    // MARK: - URLs

    @Test("cluster URLs", arguments: [
        ("redis-cluster://127.0.0.1:7001", RedisClusterEndpoint(seeds: [RedisNodeAddress(host: "127.0.0.1", port: 7001)])),
        ("redis-cluster://a:1,b:2,c", RedisClusterEndpoint(seeds: [RedisNodeAddress(host: "a", port: 1), RedisNodeAddress(host: "b", port: 2),
                                                                   RedisNodeAddress(host: "c", port: 6379)])),
        ("redis-cluster://:pw@a:1,b:2/0", RedisClusterEndpoint(seeds: [RedisNodeAddress(host: "a", port: 1), RedisNodeAddress(host: "b", port: 2)],
                                                               password: "pw")),
        ("redis-cluster://user:pw@a:1/", RedisClusterEndpoint(seeds: [RedisNodeAddress(host: "a", port: 1)], password: "pw")),
    ])
    func clusterURLs(_ url: String, _ expected: RedisClusterEndpoint) throws {
        #expect(try RedisClusterEndpoint(url: url) == expected)
    }

    @Test("bad cluster URLs are refused", arguments: [
        "redis://a:1", "redis-cluster://", "redis-cluster://a:1,", "redis-cluster://,a:1", "redis-cluster://a:0", "redis-cluster://a:x",
        "redis-cluster://a:1/15", "redis-cluster://:1", "redis-cluster://a:70000",
    ])
    func badClusterURLs(_ url: String) {
        #expect(throws: RedisError.self) { try RedisClusterEndpoint(url: url) }
    }

    @Test("a cluster URL's description has no password; RedisClient picks the mode from the scheme")
    func clusterDescription() async throws {
        #expect(try RedisClusterEndpoint(url: "redis-cluster://:s3cret@a:1,b:2").description == "redis-cluster://a:1,b:2")
        let cluster = try RedisClient(url: "redis-cluster://:pw@127.0.0.1:7001,127.0.0.1:7002")
        #expect(cluster.cluster?.seeds.count == 2)
        #expect(cluster.endpoint == RedisEndpoint(host: "127.0.0.1", port: 7001, password: "pw", database: 0))
        let single = try RedisClient(url: "redis://127.0.0.1:6379/3")
        #expect(single.cluster == nil)
        #expect(await single.slotMap == nil && single.endpoint.database == 3)
        #expect(await single.clusterStatistics == RedisClusterStatistics())
    }

    // MARK: - Policy

    @Test("backoff doubles from 20 ms up to 500 ms")
    func backoff() {
        let policy = RedisClusterPolicy()
        #expect((0...8).map { policy.backoff(attempt: $0) } == [0, 0.02, 0.04, 0.08, 0.16, 0.32, 0.5, 0.5, 0.5])
        #expect(policy.maxRedirects == 5 && policy.maxRetries == 8)
    }

    // MARK: - RESP splitting

    @Test("a RESPWriter buffer splits back into its commands, binary-safe")
    func respSpans() throws {
        let commands: [[RedisArgument]] = [
            ["XADD", "k", "*", "data", RedisArgument(bytes: [13, 10, 0, 255, 42, 36])], ["PING"], [RedisArgument(bytes: [])],
            ["SET", RedisArgument(bytes: Array(repeating: 65, count: 100_000)), "1"],
        ]
        var writer = RESPWriter()
        for c in commands { writer.command(c) }
        let spans = try RESPCommandSpans.split(writer.bytes)
        #expect(spans.count == commands.count)
        for (span, command) in zip(spans, commands) {
            #expect(span.arguments.map { Array(writer.bytes[$0]) } == command.map(\.bytes))
        }
        #expect(spans.first?.range.lowerBound == 0 && spans.last?.range.upperBound == writer.bytes.count)
        // Re-assembling spans gives the same bytes.
        var again = RESPWriter()
        for span in spans { again.appendEncodedCommand(writer.bytes[span.range]) }
        #expect(again.bytes == writer.bytes && again.commands == writer.commands)
        let list = try ClusterCommands(writer)
        #expect(list.count == 4 && list.name(0) == "XADD" && list.route(1) == .anyNode && list.route(0) == .slot(RedisHashSlot.slot(of: "k")))
    }

    @Test("malformed RESP buffers are refused", arguments: [
        "*1\r\n$4\r\nPIN", "*1\r\n$4\r\nPINGxx", "*x\r\n", "$4\r\nPING\r\n", "*1\r\n$-1\r\n", "*1\r\n", "*1\r\n$4PING\r\n", "*2\r\n$4\r\nPING\r\n",
    ])
    func badRESP(_ text: String) {
        #expect(throws: RedisError.self) { try RESPCommandSpans.split(Array(text.utf8)) }
    }
}

import Foundation
import LiqmapCore
import LiqmapRedis
import LiqmapTesting
import LiqmapWire
import Testing

@Suite("Redis streams against a real server")
struct RedisStreamTests {
    static func sampleBatch(_ sequence: UInt64) -> EventBatch {
        EventBatch(source: "test@host:1", sequence: sequence, events: [
            NormalizedEvent(venue: .bybit, feed: .bybitLinear, symbol: "BTCUSDT", instrument: "BTC-USDT-PERP",
                            ts: 1_700_000_000_000 + Int64(sequence), recvTs: nil,
                            body: .liquidation(Liquidation(side: .long, price: 36_500.5, qty: 0.25, notionalUSD: 9_125.125))),
            NormalizedEvent(venue: .bybit, feed: .bybitLinear, symbol: "BTCUSDT", instrument: "BTC-USDT-PERP",
                            ts: 1_700_000_000_001, recvTs: 1_700_000_000_010,
                            body: .trade(Trade(id: "t-\(sequence)", side: .sell, price: 36_500, qty: 1, notionalUSD: 36_500))),
        ])
    }

    @Test("round trip: XADD → XREADGROUP → XACK → XPENDING → XAUTOCLAIM → XINFO")
    func roundTrip() async throws {
        let redis = try await TestServers.redis()
        let key = TestServers.keyPrefix() + ":events"
        defer { Task { try? await redis.send(["DEL", RedisArgument(key)]) } }

        #expect(try await redis.xgroupCreate(key, group: "g", startID: "0", makeStream: true))
        #expect(try await redis.xgroupCreate(key, group: "g") == false, "a second create reports BUSYGROUP as false")

        var ids: [String] = []
        for seq in 1...10 { ids.append(try await redis.xadd(key, fields: EventBatchCodec.encode(Self.sampleBatch(UInt64(seq))))) }

        let read = try await redis.xreadgroup(key, group: "g", consumer: "c1", count: 100, blockMilliseconds: 100)
        #expect(read.map(\.id) == ids)
        let batches = try read.map { try EventBatchCodec.decode($0.pairs) }
        #expect(batches == (1...10).map { Self.sampleBatch(UInt64($0)) })

        #expect(try await redis.xack(key, group: "g", ids: Array(ids.prefix(4))) == 4)
        let summary = try await redis.xpendingSummary(key, group: "g")
        #expect(summary.count == 6)
        #expect(summary.consumers == ["c1": 6])
        #expect(summary.smallestID == ids[4])

        let claimed = try await redis.xautoclaim(key, group: "g", consumer: "c2", minIdleMilliseconds: 0, count: 100)
        #expect(claimed.entries.map(\.id) == Array(ids.suffix(6)))
        #expect(claimed.deletedIDs.isEmpty)
        #expect(claimed.nextStart == "0-0")
        let detail = try await redis.xpending(key, group: "g", count: 100)
        #expect(detail.map(\.consumer) == Array(repeating: "c2", count: 6))
        #expect(detail.allSatisfy { $0.deliveries == 2 }, "claiming counts as a delivery")

        #expect(try await redis.xack(key, group: "g", ids: claimed.entries.map(\.id)) == 6)
        #expect(try await redis.xpendingSummary(key, group: "g").count == 0)
        let groups = try await redis.xinfoGroups(key)
        #expect(groups.count == 1)
        #expect(groups[0].name == "g" && groups[0].pending == 0 && groups[0].lastDeliveredID == ids.last)
        #expect(groups[0].lag == 0)
        let info = try await redis.xinfoStream(key)
        #expect(info.length == 10 && info.entriesAdded == 10 && info.groups == 1)
        #expect(info.firstEntryID == ids.first && info.lastEntryID == ids.last)
    }

    @Test("XAUTOCLAIM reports pending entries deleted under it (third reply element)")
    func autoclaimDeleted() async throws {
        let redis = try await TestServers.redis()
        let key = TestServers.keyPrefix() + ":events"
        defer { Task { try? await redis.send(["DEL", RedisArgument(key)]) } }
        try await redis.xgroupCreate(key, group: "g")
        var ids: [String] = []
        for seq in 1...5 { ids.append(try await redis.xadd(key, fields: [("n", Array("\(seq)".utf8))])) }
        _ = try await redis.xreadgroup(key, group: "g", consumer: "c1", count: 10)
        // Trim the two oldest entries away while they are still pending: the silent-loss case.
        try await redis.send(["XTRIM", RedisArgument(key), "MAXLEN", "=", "3"])
        let claimed = try await redis.xautoclaim(key, group: "g", consumer: "c2", minIdleMilliseconds: 0, count: 10)
        #expect(claimed.deletedIDs == Array(ids.prefix(2)))
        #expect(claimed.entries.map(\.id) == Array(ids.suffix(3)))
        #expect(try await redis.xpendingSummary(key, group: "g").count == 3, "Redis drops the deleted ids from the PEL")
    }

    @Test("XADD trims with MAXLEN and MINID")
    func trimming() async throws {
        let redis = try await TestServers.redis()
        let key = TestServers.keyPrefix() + ":trim"
        defer { Task { try? await redis.send(["DEL", RedisArgument(key)]) } }
        for i in 1...20 { try await redis.xadd(key, id: "\(i)-0", fields: [("i", Array("\(i)".utf8))], trim: .maxLength(5, approximate: false)) }
        #expect(try await redis.xinfoStream(key).length == 5)
        try await redis.xadd(key, id: "21-0", fields: [("i", [50])], trim: .minID("19-0", approximate: false))
        let info = try await redis.xinfoStream(key)
        #expect(info.length == 3 && info.firstEntryID == "19-0")
        // Approximate trimming keeps at least the asked length.
        for i in 22...400 { try await redis.xadd(key, id: "\(i)-0", fields: [("i", [1])], trim: .maxLength(100)) }
        #expect(try await redis.xinfoStream(key).length >= 100)
    }

    @Test("XREADGROUP BLOCK returns empty on timeout and wakes on a new entry")
    func blockingRead() async throws {
        let reader = try await TestServers.redis()
        let writer = try await TestServers.redis()
        let key = TestServers.keyPrefix() + ":block"
        defer { Task { try? await writer.send(["DEL", RedisArgument(key)]) } }
        try await reader.xgroupCreate(key, group: "g")
        let clock = ContinuousClock()
        let start = clock.now
        #expect(try await reader.xreadgroup(key, group: "g", consumer: "c", count: 1, blockMilliseconds: 300).isEmpty)
        #expect(clock.now - start >= .milliseconds(250))

        async let woken = reader.xreadgroup(key, group: "g", consumer: "c", count: 1, blockMilliseconds: 60_000)  // long: a loaded CI machine delayed the XADD past 5 s
        try await Task.sleep(for: .milliseconds(200))
        let id = try await writer.xadd(key, fields: [("x", [0, 1, 2])])
        let entries = try await woken
        #expect(entries.map(\.id) == [id])
        #expect(entries.first?["x"] == [0, 1, 2])
    }

    @Test("pipelining: many commands, one round trip, error replies in place")
    func pipelining() async throws {
        let redis = try await TestServers.redis()
        let prefix = TestServers.keyPrefix()
        defer { Task { try? await redis.send(["DEL", RedisArgument(prefix + ":n"), RedisArgument(prefix + ":s")]) } }
        try await redis.send(["SET", RedisArgument(prefix + ":s"), "not a number"])
        var commands: [[RedisArgument]] = (1...1000).map { _ in ["INCR", RedisArgument(prefix + ":n")] }
        commands.insert(["INCR", RedisArgument(prefix + ":s")], at: 500)
        let replies = try await redis.pipeline(commands)
        #expect(replies.count == 1001)
        #expect(replies[499] == .integer(500))
        guard case .error(let message) = replies[500] else { Issue.record("expected an error reply, got \(replies[500])"); return }
        #expect(message.contains("not an integer"))
        #expect(replies[1000] == .integer(1000))
    }

    @Test("arguments and values are binary-safe")
    func binarySafe() async throws {
        let redis = try await TestServers.redis()
        let key = RedisArgument(bytes: Array(TestServers.keyPrefix().utf8) + [0, 13, 10, 255])
        defer { Task { try? await redis.send(["DEL", key]) } }
        let value: [UInt8] = [0, 1, 13, 10, 36, 42, 255, 0]
        try await redis.send(["SET", key, RedisArgument(bytes: value)])
        #expect(try await redis.send(["GET", key]) == .bulk(value))
        #expect(try await redis.send(["GET", RedisArgument(bytes: [0xde, 0xad])]) == .null)
    }

    @Test("server errors carry the server's message")
    func serverErrors() async throws {
        let redis = try await TestServers.redis()
        let key = TestServers.keyPrefix()
        do {
            _ = try await redis.xreadgroup(key, group: "missing", consumer: "c", count: 1)
            Issue.record("reading through a missing group must fail")
        } catch {
            #expect(error.kind == .server)
            #expect(error.serverCode == "NOGROUP")
        }
        await #expect(throws: RedisError.self) { try await redis.send(["NOSUCHCOMMAND"]) }
        #expect(try await redis.send(["PING"]) == .status("PONG"), "the connection survives error replies")
        #expect(await redis.connectCount == 1)
    }
}

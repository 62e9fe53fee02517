import Foundation
import LiqmapPostgres
import LiqmapRedis
import LiqmapTesting
import Testing

/// Kills and restarts private servers under live clients: the call in flight fails with a clear
/// connection error, the next call reconnects and succeeds.
@Suite("Server restarts under a live client", .serialized, .timeLimit(.minutes(2)))
struct ServerRestartTests {
    @Test("Redis kill -9 and restart (AOF on): clear error, then recovery, data kept")
    func redisRestart() async throws {
        let servers = try PrivateServers()
        defer { servers.tearDown() }
        try servers.start(.redis)
        let redis = try RedisClient(url: servers.redisURL, timeout: 2)
        try await redis.send(["CONFIG", "SET", "appendfsync", "always"])
        try await redis.xgroupCreate("s", group: "g")
        let first = try await redis.xadd("s", fields: [("n", [1])])
        #expect(await redis.connectCount == 1)

        try servers.kill(.redis)
        do {
            try await redis.xadd("s", fields: [("n", [2])])
            Issue.record("a call on a killed server must fail")
        } catch {
            #expect(error.kind == .connection, "got \(error)")
            #expect(!error.message.isEmpty)
        }
        // While the server is down, each call fails fast with a connection error too.
        await #expect(throws: RedisError.self) { try await redis.send(["PING"]) }

        try servers.start(.redis)
        let second = try await redis.xadd("s", fields: [("n", [3])])
        #expect(second > first)
        let info = try await redis.xinfoStream("s")
        #expect(info.length == 2, "the entry added before the crash survived through the AOF")
        #expect(info.groups == 1)
        #expect(await redis.connectCount == 2)
    }

    @Test("PostgreSQL immediate stop and restart: clear error, then recovery, session state gone")
    func postgresRestart() async throws {
        let servers = try PrivateServers()
        defer { servers.tearDown() }
        try servers.start(.postgres)
        let pg = PostgresClient(conninfo: servers.postgresURL)
        try await pg.query("CREATE TABLE t (n int)")
        try await pg.query("INSERT INTO t VALUES (\(1))")
        #expect(try await pg.withConnection { try $0.tryAdvisoryLock(42) })
        #expect(await pg.generation == 1)

        try servers.kill(.postgres)
        do {
            try await pg.query("INSERT INTO t VALUES (\(2))")
            Issue.record("a call on a stopped server must fail")
        } catch let error as PostgresError {
            #expect(error.kind == .connection, "got \(error)")
            #expect(!error.message.isEmpty)
        }
        await #expect(throws: PostgresError.self) { try await pg.query("SELECT 1") }

        try servers.start(.postgres)
        try await pg.query("INSERT INTO t VALUES (\(3))")
        #expect(try await pg.query("SELECT count(*) FROM t").scalar(Int.self) == 2)
        #expect(await pg.generation == 2, "a new session: the old advisory lock is gone with the old one")
        let other = PostgresClient(conninfo: servers.postgresURL)
        #expect(try await other.withConnection { try $0.tryAdvisoryLock(42) })
    }
}

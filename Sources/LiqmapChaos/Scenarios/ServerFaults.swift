import Foundation
import LiqmapPostgres
import LiqmapTesting

/// A server killed while collectors publish and aggregators read, then started again on its own
/// data: Redis with SIGKILL, restarted on its AOF (appendfsync everysec); PostgreSQL stopped in
/// immediate mode (no checkpoint, sessions cut mid-transaction), restarted with crash recovery
/// from its WAL. Twice per run.
struct ServerRestartScenario: ChaosScenario, SingleFault {
    let service: PrivateServers.Service
    var name: String { service == .redis ? "redis-restart" : "postgres-restart" }
    var fault: String { service == .redis ? "Redis kill -9, restarted on its AOF" : "PostgreSQL immediate stop mid-batch, restarted" }
    var injection: String {
        service == .redis ? "SIGKILL to redis-server, down 0.5–3 s, started on the same data; twice per run"
            : "pg_ctl stop -m immediate, down 0.5–3 s, started (WAL recovery); twice per run"
    }
    let plan = MarketPlan()

    func inject(_ run: ChaosRun) async throws {
        for _ in 0..<2 {
            guard await run.pause(run.random(2...4)) else { return }
            try await once(run)
        }
    }

    func once(_ run: ChaosRun) async throws {
        let at = ContinuousClock.now, atMs = ChaosRun.wallMs()
        try run.cluster.servers.kill(service)
        run.faultInjected()
        try await Task.sleep(for: .milliseconds(Int(run.random(0.5...3) * 1000)))
        try run.cluster.servers.start(service)
        await run.waitForCommits(afterMs: atMs, since: at)
    }
}

/// Redis killed and started again **without** its data (a new, empty instance): the shard streams,
/// their groups and the pending entries are gone. Aggregators must notice (the stream incarnation
/// token changed), alarm, and read the new stream from 0; collectors must publish their journals
/// again so that nothing committed-to-Redis-but-not-to-PostgreSQL is lost.
struct RedisDataLossScenario: ChaosScenario, SingleFault {
    let name = "redis-data-loss"
    let fault = "Redis restarted without its data (streams, groups, pending entries gone)"
    let injection = "SIGKILL to redis-server, its AOF and data deleted, started empty 0.5–2 s later; once per run"
    let plan = MarketPlan()

    func inject(_ run: ChaosRun) async throws {
        guard await run.pause(run.random(3...6)) else { return }
        try await once(run)
        // Every shard's owner must have seen the loss and said so where an operator looks.
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            let alarms = try? await run.cluster.postgres().query(
                "SELECT count(DISTINCT shard)::bigint FROM shard_alarms WHERE kind = 'stream_lost'").scalar(Int64.self)
            if alarms == Int64(run.plan.shards) {
                run.note("stream_lost alarmed on every shard")
                return
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        run.problem("not every shard raised a stream_lost alarm within 60 s")
    }

    func once(_ run: ChaosRun) async throws {
        let at = ContinuousClock.now, atMs = ChaosRun.wallMs()
        try run.cluster.servers.kill(.redis)
        run.faultInjected()
        let dir = run.cluster.servers.home + "/redis"
        for file in (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [] where !file.hasSuffix(".log") {
            try? FileManager.default.removeItem(atPath: dir + "/" + file)
        }
        try await Task.sleep(for: .milliseconds(Int(run.random(0.5...2) * 1000)))
        try run.cluster.servers.start(.redis)
        await run.waitForCommits(afterMs: atMs, since: at)
    }
}

import Foundation
import LiqmapTesting

/// Redis killed with SIGKILL and started again on its AOF (appendfsync everysec) while collectors
/// publish and aggregators read.
struct RedisRestartScenario: ChaosScenario, SingleFault {
    let name = "redis-restart"
    let fault = "Redis kill -9, restarted on its AOF"
    let injection = "SIGKILL to redis-server, down 0.5–3 s, started on the same data; twice per run"
    let plan = MarketPlan()

    func inject(_ run: ChaosRun) async throws {
        for _ in 0..<2 {
            guard await run.pause(run.random(2...4)) else { return }
            try await once(run)
        }
    }

    func once(_ run: ChaosRun) async throws {
        let at = ContinuousClock.now, atMs = ChaosRun.wallMs()
        try run.cluster.servers.kill(.redis)
        run.faultInjected()
        try await Task.sleep(for: .milliseconds(Int(run.random(0.5...3) * 1000)))
        try run.cluster.servers.start(.redis)
        await run.waitForCommits(afterMs: atMs, since: at)
    }
}

/// PostgreSQL stopped in immediate mode (no checkpoint, sessions cut mid-transaction) and started
/// again: crash recovery from its WAL.
struct PostgresRestartScenario: ChaosScenario, SingleFault {
    let name = "postgres-restart"
    let fault = "PostgreSQL immediate stop mid-batch, restarted"
    let injection = "pg_ctl stop -m immediate, down 0.5–3 s, started (WAL recovery); twice per run"
    let plan = MarketPlan()

    func inject(_ run: ChaosRun) async throws {
        for _ in 0..<2 {
            guard await run.pause(run.random(2...4)) else { return }
            try await once(run)
        }
    }

    func once(_ run: ChaosRun) async throws {
        let at = ContinuousClock.now, atMs = ChaosRun.wallMs()
        try run.cluster.servers.kill(.postgres)
        run.faultInjected()
        try await Task.sleep(for: .milliseconds(Int(run.random(0.5...3) * 1000)))
        try run.cluster.servers.start(.postgres)
        await run.waitForCommits(afterMs: atMs, since: at)
    }
}

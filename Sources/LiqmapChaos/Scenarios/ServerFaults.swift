import Foundation
import LiqmapPostgres
import LiqmapRedis
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

/// Redis's disk full: its data folder (the AOF) is a tmpfs in a mount namespace of Redis's own, and a ballast
/// file fills it. Redis (appendfsync everysec) keeps running but refuses writes with `-MISCONF`
/// until its AOF write succeeds again; collectors must spool what Redis refuses and publish it once
/// space is back; aggregators must wait, not lose their place. Twice per run.
struct RedisDiskFullScenario: ChaosScenario {
    let name = "redis-disk-full"
    let fault = "Redis's disk full: AOF writes fail with ENOSPC"
    let injection = "AOF on a 512 MB tmpfs in Redis's own mount namespace; a ballast file fills it for 3–8 s, then is deleted; twice per run"
    var plan: MarketPlan {
        var p = MarketPlan()
        p.redisAOFTmpfs = "512m"
        return p
    }

    func inject(_ run: ChaosRun) async throws {
        let collectors = run.cluster.children.filter { $0.argv.contains("collector") }
        for _ in 0..<2 {
            guard await run.pause(run.random(2...4)) else { break }
            try await once(run)
        }
        // Each collector either still runs or finished its recording cleanly: none died of it.
        for c in collectors { if let status = c.poll(), status != 0 { run.problem("a collector died while Redis's disk was full: exit \(status)") } }
        let spooled = collectors.filter { $0.output.contains("redis refused the batches: spooling them to disk") }.count
        run.note("collectors that spooled: \(spooled)")
        if spooled == 0 { run.problem("no collector saw Redis refuse a batch: the disk never filled for them") }
    }

    func once(_ run: ChaosRun) async throws {
        guard let pid = run.cluster.servers.redisPid else { throw HarnessFailure(description: "no Redis pid file") }
        let ballast = run.cluster.servers.home + "/redis/data/ballast"
        // Inside Redis's mount namespace: write zeros until the tmpfs is full (dd then fails: ENOSPC).
        _ = try await inNamespace(of: pid, "dd if=/dev/zero of=\(ballast) bs=1M 2>/dev/null; true", run)
        let at = ContinuousClock.now
        run.faultInjected()
        // However the probe ends, the space comes back: a Redis left full would hold the run forever.
        var probeError: (any Error)?
        do { try await probe(run, since: at) } catch { probeError = error }
        _ = try await inNamespace(of: pid, "rm -f \(ballast)", run)
        if let probeError { throw probeError }
        let freed = ContinuousClock.now, freedMs = ChaosRun.wallMs()
        await run.waitForCommits(afterMs: freedMs, since: freed)
    }

    /// Redis must notice (its next AOF write fails) and refuse writes with MISCONF; the disk then
    /// stays full for 3–8 s.
    func probe(_ run: ChaosRun, since at: ContinuousClock.Instant) async throws {
        let redis = try run.cluster.redis()
        var refused = false
        while ContinuousClock.now - at < .seconds(10), !refused {
            do {
                let reply = try await redis.send(["XADD", "liqmap:chaos:probe", "MAXLEN", "10", "*", "k", "v"])
                if case .error(let message) = reply { refused = message.hasPrefix("MISCONF") }
            } catch {
                refused = "\(error)".contains("MISCONF")
            }
            if !refused { try await Task.sleep(for: .milliseconds(100)) }
        }
        run.note(refused ? "MISCONF" : "no MISCONF within 10 s")
        if !refused { run.problem("Redis kept accepting writes on a full disk") }
        try await Task.sleep(for: .milliseconds(Int(run.random(3...8) * 1000)))
    }

    /// Runs a shell command in the mount namespace of process `pid`; its output.
    func inNamespace(of pid: Int32, _ command: String, _ run: ChaosRun) async throws -> String {
        let log = run.cluster.dir + "/logs/nsenter.log"
        let p = try ChildProcess(["/usr/bin/nsenter", "-t", String(pid), "-m", "--", "sh", "-c", command], log: log, truncate: true)
        guard await p.wait(seconds: 60) == 0 else { throw HarnessFailure(description: "nsenter -t \(pid) -m \(command) failed: \(p.output)") }
        return p.output
    }
}

import Foundation
import Glibc
import LiqmapAggregator
import LiqmapPostgres
import LiqmapTesting

/// `kill -9` of a shard's owner at random instants; half the aggregators also die at random
/// between COMMIT and XACK (the `after_commit_before_ack` failpoint).
struct KillOwnerScenario: ChaosScenario, SingleFault {
    let name = "kill9-owner"
    let fault = "kill -9 of a shard owner at random instants, incl. between COMMIT and XACK"
    let injection = "SIGKILL every 1.5–4 s; failpoint after_commit_before_ack@0.02 on half the processes"
    var plan: MarketPlan {
        var p = MarketPlan()
        p.commitAckFailpoint = 0.02
        return p
    }

    func inject(_ run: ChaosRun) async throws {
        while await run.pause(run.random(1.5...4)) { try await once(run) }
    }

    func once(_ run: ChaosRun) async throws {
        let shard = run.random(below: run.plan.shards)
        guard let owner = try await run.owner(of: shard), let process = owner.process, process.poll() == nil else { return }
        let at = ContinuousClock.now
        process.signal(SIGKILL)
        run.faultInjected()
        await run.waitForTakeover(shard: shard, after: owner.epoch, since: at)
    }
}

/// SIGSTOP of an owner past the takeover, then SIGCONT: its next write must be refused by the fence.
struct PauseOwnerScenario: ChaosScenario, SingleFault {
    let name = "sigstop-owner"
    let fault = "owner paused (SIGSTOP) past its lease, then resumed"
    let injection = "SIGSTOP; the standby takes over; SIGCONT 1–3 s later; the fence must refuse the zombie"
    let plan = MarketPlan()

    func inject(_ run: ChaosRun) async throws {
        guard await run.pause(run.random(2...4)) else { return }
        try await once(run)
    }

    func once(_ run: ChaosRun) async throws {
        let shard = run.random(below: run.plan.shards)
        guard let owner = try await workingOwner(run, shard: shard), let process = owner.process else {
            run.problem("shard \(shard) had no supervised owner to pause")
            return
        }
        let at = ContinuousClock.now
        let before = process.output.utf8.count
        process.signal(SIGSTOP)
        run.faultInjected()
        let tookOver = await run.waitForTakeover(shard: shard, after: owner.epoch, since: at)
        try? await Task.sleep(for: .milliseconds(Int(run.random(1...3) * 1000)))
        process.signal(SIGCONT)
        guard tookOver != nil else { return }
        await expectZombieStandsDown(run, process, outputFrom: before, within: 15)
    }
}

/// Shard `shard`'s owner once its process is working the shard (its log last says it owns it),
/// waiting up to `seconds`. In a soak the lease row can still name a process that gave the shard up
/// after an earlier fault and is backing off; pausing or cutting off that one would test little.
/// After the wait, the owner as the lease row names it.
func workingOwner(_ run: ChaosRun, shard: Int, within seconds: Double = 15) async throws -> (name: String, epoch: Int64, process: ChildProcess?)? {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < deadline {
        // A server restart of the mix may be under way: keep asking until the deadline.
        if let owner = try? await run.owner(of: shard), let process = owner.process, process.poll() == nil, !wasStandingBy(process.output) {
            return owner
        }
        guard await run.pause(0.25) else { break }
    }
    return try await run.owner(of: shard)
}

/// Waits for a resumed (or reconnected) former owner to do no harm: it either finds its lease gone
/// before it writes and gives the shard up, or its write in flight hits the epoch fence and is
/// rolled back; it never commits. Notes which, or records a problem after `seconds`.
func expectZombieStandsDown(_ run: ChaosRun, _ process: ChildProcess, outputFrom before: Int, within seconds: Int) async {
    // The lease row can still name a process that has already given the shard up after an error (a
    // server restart just before): then it was standing by when the fault hit, and stays so.
    if wasStandingBy(String(decoding: process.output.utf8.prefix(before), as: UTF8.self)) {
        run.note("was standing by")
        return
    }
    let resumed = ContinuousClock.now
    while ContinuousClock.now - resumed < .seconds(seconds) {
        let out = String(decoding: process.output.utf8.dropFirst(before), as: UTF8.self)
        if out.contains(AggregatorLog.fenced) {
            run.note("fenced")
            return
        }
        if out.contains(AggregatorLog.gaveUp) {
            run.note("stood down")
            return
        }
        if process.poll() != nil {
            run.note("exited")
            return
        }
        try? await Task.sleep(for: .milliseconds(100))
    }
    run.problem("the former owner neither hit the fence nor stood down within \(seconds) s")
}

/// True when an aggregator's log says it last gave a shard up (or stood by) rather than took one.
public func wasStandingBy(_ log: String) -> Bool {
    let owning = [AggregatorLog.owning, AggregatorLog.tookOver].compactMap { log.range(of: $0, options: .backwards)?.lowerBound }.max()
    let standing = [AggregatorLog.gaveUp, AggregatorLog.fenced, AggregatorLog.standingBy]
        .compactMap { log.range(of: $0, options: .backwards)?.lowerBound }.max()
    guard let standing else { return false }
    return owning.map { standing > $0 } ?? true
}

/// The owner's lock session (the advisory lock) ended from the server side.
struct LockSessionScenario: ChaosScenario, SingleFault {
    let name = "kill-lock-session"
    let fault = "the owner's PostgreSQL lock session ended by the server"
    let injection = "pg_terminate_backend(lock_pid) of a shard owner, every 2–5 s"
    let plan = MarketPlan()

    func inject(_ run: ChaosRun) async throws {
        while await run.pause(run.random(2...5)) { try await once(run) }
    }

    func once(_ run: ChaosRun) async throws {
        let shard = run.random(below: run.plan.shards)
        guard let owner = try await run.owner(of: shard) else { return }
        let at = ContinuousClock.now
        let ended = try await run.cluster.postgres().query(
            "SELECT count(*)::bigint FROM shard_leases l WHERE l.shard = \(shard) AND pg_terminate_backend(l.lock_pid)").scalar(Int64.self)
        guard ended == 1 else { return }
        run.faultInjected()
        await run.waitForTakeover(shard: shard, after: owner.epoch, since: at)
    }
}

/// A shard owner cut off from Redis and PostgreSQL by the network while it keeps running: every
/// aggregator runs in a network namespace of its own, linked to the servers by a veth pair; the
/// owner's link goes down, the standby must take over, and once the link is back the former owner
/// must be fenced or stand down.
struct PartitionOwnerScenario: ChaosScenario, SingleFault {
    let name = "partition-owner"
    let fault = "network partition of a shard owner from Redis and PostgreSQL"
    let injection = "each aggregator in its own network namespace; the owner's veth link down 4–10 s (past its lease), then up; twice per run"
    var plan: MarketPlan {
        var p = MarketPlan()
        p.networkLab = true
        return p
    }

    func inject(_ run: ChaosRun) async throws {
        for _ in 0..<2 {
            guard await run.pause(run.random(2...4)) else { return }
            try await once(run)
        }
    }

    func once(_ run: ChaosRun) async throws {
        let shard = run.random(below: run.plan.shards)
        guard let network = run.network, let owner = try await workingOwner(run, shard: shard), let process = owner.process, network.has(owner.name) else {
            run.problem("shard \(shard) had no supervised owner in a network namespace")
            return
        }
        let cut = run.random(4...10)
        let at = ContinuousClock.now
        let before = process.output.utf8.count
        try network.link(owner.name, up: false)
        run.faultInjected()
        let tookOver = await run.waitForTakeover(shard: shard, after: owner.epoch, since: at)
        let healAt = at + .milliseconds(Int(cut * 1000))
        if ContinuousClock.now < healAt { try await Task.sleep(until: healAt) }
        try network.link(owner.name, up: true)
        guard tookOver != nil else { return }
        // TCP retransmits back off while the link is down: the next one may come seconds after it is up.
        await expectZombieStandsDown(run, process, outputFrom: before, within: 45)
    }
}

import LiqmapTesting

/// A scenario that can inject its fault once, for the soak's random mix.
protocol SingleFault: Sendable {
    var name: String { get }
    func once(_ run: ChaosRun) async throws
}

/// The soak: one cluster for `minutes`, a seeded random mix of the single faults (owner kill -9,
/// owner paused, lock session ended, owner partitioned, Redis and PostgreSQL restarts), one every
/// 2–8 s. (The full disk needs Redis's AOF on a tmpfs that a restart would empty, the feed faults a
/// live market: they run on their own.)
public struct SoakScenario: ChaosScenario {
    public let minutes: Double
    public let name = "soak"
    public let fault = "soak: a seeded random mix of the faults above"
    public let injection = "kill9-owner, sigstop-owner, kill-lock-session, partition-owner, redis-restart, postgres-restart at random, one every 2–8 s"
    public var plan: MarketPlan {
        var p = MarketPlan()
        p.speed = "20"
        p.duration = "\(max(1, Int(minutes * 20)))m"  // simulated minutes = wall minutes × speed
        p.commitAckFailpoint = 0.01
        p.networkLab = true
        return p
    }

    public init(minutes: Double) { self.minutes = minutes }

    public func inject(_ run: ChaosRun) async throws {
        let mix: [any SingleFault] = [KillOwnerScenario(), PauseOwnerScenario(), LockSessionScenario(), PartitionOwnerScenario(), ServerRestartScenario(service: .redis), ServerRestartScenario(service: .postgres)]
        while await run.pause(run.random(2...8)) {
            let fault = mix[run.random(below: mix.count)]
            run.note(fault.name)
            try await fault.once(run)
        }
    }
}

import Foundation
import LiqmapStatus
import Testing

/// The health rules of `liqmap status`, one rule at a time, on hand-built snapshots.
@Suite("Status: the evaluator's rules")
struct StatusEvaluatorTests {
    static let now: Int64 = 1_800_000_000_000

    static func collector(_ instance: String = "okx@h:1", feed: String = "okx", beatAgo: Double = 1, state: CollectorState = .connected,
                          stateFor: Double = 600, frameAgo: Double? = 0.5, malformedMinute: Int = 0, spooled: Int = 0,
                          clockOffsetMs: Int64? = nil) -> CollectorBeat {
        CollectorBeat(instance: instance, feed: feed, host: "h", pid: 1, state: state, connectionsPlanned: 2,
                      connectionsUp: state == .connected ? 2 : state == .partial ? 1 : 0, stateSinceMs: now - Int64(stateFor * 1000),
                      startedMs: now - 3_600_000, beatMs: now - Int64(beatAgo * 1000), events: 10_000, eventsPerSecond: 120.5,
                      lastFrameMs: frameAgo.map { now - Int64($0 * 1000) }, reconnects: 3, malformed: 7, malformedLastMinute: malformedMinute,
                      spooledBatches: spooled, clockOffsetMs: clockOffsetMs)
    }

    static func aggregator(_ instance: String, shard: Int, role: AggregatorRole, beatAgo: Double = 1, epoch: Int64 = 1,
                           commitAgo: Double? = 0.5) -> AggregatorBeat {
        AggregatorBeat(instance: instance, shard: shard, shards: 2, host: "h", pid: 2, role: role, epoch: epoch, startedMs: now - 3_600_000,
                       beatMs: now - Int64(beatAgo * 1000), lastCommitMs: commitAgo.map { now - Int64($0 * 1000) }, commits: 10, events: 100,
                       takeovers: 1, fencedRejections: 0)
    }

    static func shard(_ n: Int, owner: String? = "s0a", epoch: Int64 = 1, leaseAge: Double = 0.5, acquiredAgo: Double = 3_000,
                      lag: Int64? = 0, pending: Int = 0, readToEnd: Bool = true, stream: Bool = true, group: Bool = true) -> ShardObservation {
        ShardObservation(shard: n, streamExists: stream, streamLength: 500, groupExists: group, lag: lag, pending: pending, readToEnd: readToEnd,
                         lease: owner.map { .init(owner: $0, epoch: epoch, heartbeatAgeSeconds: leaseAge, acquiredAgeSeconds: acquiredAgo) })
    }

    static func healthy() -> ClusterSnapshot {
        ClusterSnapshot(
            nowMs: now,
            collectors: [collector(), collector("bitmex@h:2", feed: "bitmex")],
            aggregators: [aggregator("s0a", shard: 0, role: .owner), aggregator("s0b", shard: 0, role: .standby),
                          aggregator("s1a", shard: 1, role: .owner), aggregator("s1b", shard: 1, role: .standby)],
            gateways: [GatewayBeat(instance: "g", url: "http://h:8080", host: "h", pid: 3, startedMs: now - 10_000, beatMs: now - 1_000)],
            shards: [shard(0), shard(1, owner: "s1a")],
            probes: [GatewayProbe(url: "http://h:8080", status: 200, error: nil, milliseconds: 1.5)])
    }

    let evaluator = StatusEvaluator()

    func messages(_ r: StatusReport, _ health: Health) -> [String] { r.problems.filter { $0.health == health }.map(\.message) }

    @Test("a healthy cluster: no problem, exit-worthy health ok")
    func healthyCluster() {
        let r = evaluator.report(Self.healthy())
        #expect(r.problems.isEmpty, "\(r.problems)")
        #expect(r.health == .ok && r.healthy)
        #expect(r.collectors.count == 2 && r.collectors.allSatisfy { $0.alive && $0.health == .ok })
        #expect(r.shards.map(\.owner) == ["s0a", "s1a"] && r.shards.map(\.standbys) == [["s0b"], ["s1b"]])
        #expect(r.gateways.first?.ready == true)
    }

    @Test("a dead collector fails when it was its feed's only one, warns when another covers the feed")
    func deadCollector() {
        var s = Self.healthy()
        s.collectors[0] = Self.collector(beatAgo: 45)
        var r = evaluator.report(s)
        #expect(r.health == .fail)
        #expect(r.collectors.first { $0.feed == "okx" }?.state == "dead")
        #expect(messages(r, .fail).contains { $0.contains("dead: no beat for 45 s") && $0.contains("no other live collector of okx") })
        s.collectors.append(Self.collector("okx@h2:9"))
        r = evaluator.report(s)
        #expect(r.health == .warn, "\(r.problems)")
        #expect(messages(r, .warn).contains { $0.contains("still covered by 1 live instance") })
    }

    @Test("a process dead for longer than forget-after is no longer shown and is listed for pruning")
    func forgotten() {
        var s = Self.healthy()
        s.collectors[0] = Self.collector(beatAgo: 1_000)
        s.aggregators.append(Self.aggregator("old", shard: 0, role: .standby, beatAgo: 2_000))
        let r = evaluator.report(s)
        #expect(!r.collectors.contains { $0.feed == "okx" })
        #expect(!r.shards[0].processes.contains { $0.instance == "old" })
        let gone = evaluator.forgotten(s).map(\.instance).sorted()
        #expect(gone == ["okx@h:1", "old"])
    }

    @Test("a connected collector without frames is stalled")
    func stalled() {
        var s = Self.healthy()
        s.collectors[0] = Self.collector(frameAgo: 200)
        #expect(messages(evaluator.report(s), .fail).contains { $0.hasPrefix("stalled: connected but no frame for 3 min") })
        s.collectors[0] = Self.collector(stateFor: 300, frameAgo: nil)
        #expect(messages(evaluator.report(s), .fail).contains { $0.contains("no frame yet") })
        s.collectors[0] = Self.collector(stateFor: 5, frameAgo: nil)
        #expect(evaluator.report(s).problems.isEmpty, "just connected: not stalled yet")
    }

    @Test("disconnected or partly connected: a warning at first, a failure after the grace period")
    func disconnected() {
        var s = Self.healthy()
        s.collectors[0] = Self.collector(state: .disconnected, stateFor: 5)
        #expect(messages(evaluator.report(s), .warn).contains { $0.hasPrefix("disconnected: 0 of 2 connections up for 5.0 s") })
        s.collectors[0] = Self.collector(state: .partial, stateFor: 40)
        #expect(messages(evaluator.report(s), .fail).contains { $0.hasPrefix("partly connected: 1 of 2") })
    }

    @Test("malformed frames above the rate and a non-empty spool are warnings; a replay is fine")
    func warnings() {
        var s = Self.healthy()
        s.collectors[0] = Self.collector(malformedMinute: 11, spooled: 4)
        let r = evaluator.report(s)
        #expect(r.health == .warn)
        #expect(messages(r, .warn).contains { $0.hasPrefix("11 malformed frames") })
        #expect(messages(r, .warn).contains { $0.hasPrefix("4 batches spooled") })
        s.collectors[0] = Self.collector(malformedMinute: 10)
        #expect(evaluator.report(s).problems.isEmpty, "10 a minute is the limit, not over it")
        s.collectors[0] = Self.collector(state: .replaying, frameAgo: nil)
        #expect(evaluator.report(s).problems.isEmpty)
    }

    @Test("a collector clock off the venue's trade times by more than 5 s is a warning, either way; a replay is not judged")
    func clockOffset() {
        var s = Self.healthy()
        s.collectors[0] = Self.collector(clockOffsetMs: 90_400)
        var r = evaluator.report(s)
        #expect(r.health == .warn)
        #expect(messages(r, .warn).contains { $0.hasPrefix("clock ahead by 90 s") })
        #expect(r.collectors.first { $0.feed == "okx" }?.clockOffsetSeconds == 90.4)
        s.collectors[0] = Self.collector(clockOffsetMs: -6_000)
        r = evaluator.report(s)
        #expect(messages(r, .warn).contains { $0.hasPrefix("clock behind by 6.0 s") })
        s.collectors[0] = Self.collector(clockOffsetMs: 5_000)
        #expect(evaluator.report(s).problems.isEmpty, "5 s is the limit, not over it")
        s.collectors[0] = Self.collector(state: .replaying, frameAgo: nil, clockOffsetMs: 3_600_000)
        #expect(evaluator.report(s).problems.isEmpty, "a recording's receive times are not this machine's clock")
    }

    @Test("a shard nobody owns, or whose owner stopped renewing its lease, fails")
    func noOwner() {
        var s = Self.healthy()
        s.shards[1] = Self.shard(1, owner: nil)
        s.aggregators.removeAll { $0.shard == 1 }
        #expect(messages(evaluator.report(s), .fail).contains { $0 == "no owner: no aggregator has taken this shard (none is running for it)" })
        s = Self.healthy()
        s.shards[0] = Self.shard(0, leaseAge: 12)
        #expect(messages(evaluator.report(s), .fail).contains { $0.contains("s0a has not renewed its lease for 12 s; a standby should take over") })
    }

    @Test("a lagging shard fails; so does one with unread entries and no recent commit")
    func lagging() {
        var s = Self.healthy()
        s.shards[0] = Self.shard(0, lag: 1_001)
        #expect(messages(evaluator.report(s), .fail).contains { $0.hasPrefix("lagging: 1001 entries unread") })
        s.shards[0] = Self.shard(0, lag: 1_000)
        #expect(evaluator.report(s).problems.isEmpty, "at the limit is not over it")
        s.shards[0] = Self.shard(0, lag: 5, pending: 2)
        s.aggregators[0] = Self.aggregator("s0a", shard: 0, role: .owner, commitAgo: 45)
        #expect(messages(evaluator.report(s), .fail).contains { $0.hasPrefix("stuck: 5 entries unread and 2 pending, no commit for 45 s") })
        s.shards[0] = Self.shard(0, lag: 0, pending: 0)
        #expect(evaluator.report(s).problems.isEmpty, "idle: an old commit with nothing to read is fine")
        s.shards[0] = Self.shard(0, lag: nil, readToEnd: false)
        s.aggregators[0] = Self.aggregator("s0a", shard: 0, role: .owner, commitAgo: 0.5)
        let r = evaluator.report(s)
        #expect(r.shards[0].lag == nil && r.shards[0].findings.contains { $0.message.hasPrefix("lag unknown") })
    }

    @Test("no standby and dead standbys are warnings; a takeover is reported with its epoch; a stale owner is named")
    func standbys() {
        var s = Self.healthy()
        s.aggregators.removeAll { $0.instance == "s0b" }
        s.aggregators.append(Self.aggregator("s0b", shard: 0, role: .standby, beatAgo: 30))
        var r = evaluator.report(s)
        #expect(r.health == .warn)
        #expect(messages(r, .warn).contains { $0.hasPrefix("no standby") })
        #expect(messages(r, .warn).contains { $0.hasPrefix("s0b (standby) is dead") })
        #expect(r.shards[0].processes.first { $0.instance == "s0b" }?.role == "dead")

        s = Self.healthy()
        s.shards[0] = Self.shard(0, owner: "s0b", epoch: 2, acquiredAgo: 4)
        s.aggregators = [Self.aggregator("s0b", shard: 0, role: .owner, epoch: 2), Self.aggregator("s0a", shard: 0, role: .owner, epoch: 1),
                         Self.aggregator("s1a", shard: 1, role: .owner), Self.aggregator("s1b", shard: 1, role: .standby)]
        r = evaluator.report(s)
        #expect(r.shards[0].owner == "s0b" && r.shards[0].epoch == 2 && r.shards[0].tookOverSecondsAgo == 4)
        #expect(r.shards[0].findings.contains { $0.health == .ok && $0.message == "taken over 4.0 s ago by s0b (epoch 2)" })
        #expect(messages(r, .warn).contains { $0.hasPrefix("s0a still believes it owns the shard (epoch 1)") })

        // Just after the takeover the new owner's last beat may still say standby: it is not its own standby.
        s.aggregators[0] = Self.aggregator("s0b", shard: 0, role: .standby, epoch: 1)
        r = evaluator.report(s)
        #expect(r.shards[0].standbys.isEmpty && messages(r, .warn).contains { $0.hasPrefix("no standby") })
    }

    @Test("a lost stream or group fails once the shard has an owner")
    func streams() {
        var s = Self.healthy()
        s.shards[0] = Self.shard(0, stream: false, group: false)
        #expect(messages(evaluator.report(s), .fail).contains { $0.hasPrefix("the stream does not exist: it was lost") })
        s.shards[0] = Self.shard(0, group: false)
        #expect(messages(evaluator.report(s), .fail).contains { $0.hasPrefix("the aggregators' consumer group does not exist") })
    }

    @Test("gateways: ready only on 200; a registered dead one fails; none at all is a warning; no shard at all fails")
    func gateways() {
        var s = Self.healthy()
        s.probes = [GatewayProbe(url: "http://h:8080", status: 503, error: nil, milliseconds: 2)]
        #expect(messages(evaluator.report(s), .fail).contains { $0 == "not ready: /readyz answered HTTP 503" })
        s.probes = [GatewayProbe(url: "http://h:8080", status: nil, error: "connection refused", milliseconds: 2)]
        #expect(messages(evaluator.report(s), .fail).contains { $0.hasPrefix("unreachable: connection refused") })
        s.probes = []
        s.gateways[0].beatMs = Self.now - 60_000
        #expect(messages(evaluator.report(s), .fail).contains { $0 == "dead: no beat for 60 s" })
        s.gateways = []
        #expect(evaluator.report(s).health == .warn)
        s.shards = []
        #expect(messages(evaluator.report(s), .fail).contains { $0.hasPrefix("no shard known") })
    }

    @Test("JSON: snake_case keys, healthy written out, and a round trip gives the same report")
    func json() throws {
        var s = Self.healthy()
        s.collectors[0] = Self.collector(beatAgo: 45)
        let r = evaluator.report(s)
        let data = try StatusJSON.encode(r)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"healthy\":false") && text.contains("\"last_frame_age_seconds\"") && text.contains("\"events_per_second\""))
        #expect(try StatusJSON.decode(StatusReport.self, from: data) == r)
        let beat = Self.collector()
        #expect(try StatusJSON.decode(CollectorBeat.self, from: StatusJSON.encode(beat)) == beat)
    }

    @Test("the text screen names the verdict, every component and every finding")
    func text() {
        var s = Self.healthy()
        s.shards[1] = Self.shard(1, owner: "s1a", lag: 5_000)
        let out = StatusText.render(evaluator.report(s), clock: "2027-01-15 08:00:00 UTC")
        #expect(out.hasPrefix("liqmap status  2027-01-15 08:00:00 UTC  UNHEALTHY  (1 failure, 0 warnings)"))
        for needle in ["COLLECTORS (2 live of 2)", "okx@h:1", "SHARDS (2)", "s1a", "5000", "GATEWAYS (1)", "http://h:8080",
                       "FAIL  shard 1: lagging: 5000 entries unread"] {
            #expect(out.contains(needle), "missing \(needle) in\n\(out)")
        }
        #expect(StatusText.render(evaluator.report(Self.healthy()), clock: "t").contains("  HEALTHY  (0 failures, 0 warnings)"))
    }
}

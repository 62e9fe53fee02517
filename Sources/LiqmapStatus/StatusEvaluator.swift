/// Turns a ``ClusterSnapshot`` into a ``StatusReport``: pure, so every rule is unit-tested.
///
/// Rules (thresholds in ``StatusThresholds``):
/// * a process whose beat is older than `beatStaleSeconds` is dead: a failure, or a warning when
///   another live instance still covers its feed; after `forgetAfterSeconds` it is forgotten;
/// * a collector not fully connected fails after `disconnectedSeconds`; a connected one with no
///   frame for `stallSeconds` is stalled; malformed frames above `malformedPerMinute`, a
///   non-empty spool and a clock more than `clockOffsetSeconds` off the venue's are warnings;
/// * a shard fails with no owner, with an owner whose lease heartbeat is stale, with a missing
///   stream or group, with more than `maxLagEntries` unread, or with unread entries and no commit
///   for `commitStaleSeconds`; no live standby is a warning; a recent takeover is reported;
/// * a gateway fails unless its `/readyz` answers 200.
public struct StatusEvaluator: Sendable {
    public var thresholds: StatusThresholds

    public init(thresholds: StatusThresholds = StatusThresholds()) { self.thresholds = thresholds }

    public func report(_ s: ClusterSnapshot) -> StatusReport {
        let collectors = s.collectors.compactMap { collector($0, in: s) }
            .sorted { ($0.feed, $0.instance) < ($1.feed, $1.instance) }
        let shards = s.shards.sorted { $0.shard < $1.shard }.map { shard($0, in: s) }
        let gateways = gateways(in: s)
        var problems: [Problem] = []
        for c in collectors {
            for f in c.findings where f.health != .ok { problems.append(Problem(component: "collector \(c.feed) \(c.instance)", health: f.health, message: f.message)) }
        }
        for sh in shards {
            for f in sh.findings where f.health != .ok { problems.append(Problem(component: "shard \(sh.shard)", health: f.health, message: f.message)) }
        }
        for g in gateways {
            for f in g.findings where f.health != .ok { problems.append(Problem(component: "gateway \(g.url)", health: f.health, message: f.message)) }
        }
        if shards.isEmpty { problems.append(Problem(component: "shards", health: .fail, message: "no shard known: no aggregator has registered and no shard count was given")) }
        if collectors.isEmpty { problems.append(Problem(component: "collectors", health: .warn, message: "no collector has registered")) }
        if gateways.isEmpty { problems.append(Problem(component: "gateways", health: .warn, message: "no gateway has registered and none was given")) }
        problems.sort { $0.health > $1.health }
        return StatusReport(checkedMs: s.nowMs, problems: problems, collectors: collectors, shards: shards, gateways: gateways)
    }

    /// Registry entries dead for longer than `forgetAfterSeconds`: (hash key, instance) to remove.
    public func forgotten(_ s: ClusterSnapshot) -> [(key: String, instance: String)] {
        s.collectors.filter { age($0.beatMs, s) > thresholds.forgetAfterSeconds }.map { (RegistryKeys.collectors, $0.instance) }
            + s.aggregators.filter { age($0.beatMs, s) > thresholds.forgetAfterSeconds }.map { (RegistryKeys.aggregators, $0.instance) }
            + s.gateways.filter { age($0.beatMs, s) > thresholds.forgetAfterSeconds }.map { (RegistryKeys.gateways, $0.instance) }
    }

    func age(_ ms: Int64, _ s: ClusterSnapshot) -> Double { max(0, Double(s.nowMs - ms) / 1000) }
    func alive(_ beatMs: Int64, _ s: ClusterSnapshot) -> Bool { age(beatMs, s) <= thresholds.beatStaleSeconds }

    // MARK: - Collectors

    func collector(_ b: CollectorBeat, in s: ClusterSnapshot) -> CollectorStatus? {
        let beatAge = age(b.beatMs, s)
        guard beatAge <= thresholds.forgetAfterSeconds else { return nil }
        let isAlive = beatAge <= thresholds.beatStaleSeconds
        var findings: [Finding] = []
        let frameAge = b.lastFrameMs.map { age($0, s) }
        if !isAlive {
            let others = s.collectors.filter { $0.feed == b.feed && $0.instance != b.instance && alive($0.beatMs, s) }.count
            findings.append(others > 0
                ? Finding(.warn, "dead: no beat for \(Fmt.seconds(beatAge)); the feed is still covered by \(others) live instance\(others == 1 ? "" : "s")")
                : Finding(.fail, "dead: no beat for \(Fmt.seconds(beatAge)) and no other live collector of \(b.feed)"))
        } else {
            switch b.state {
            case .replaying:
                findings.append(Finding(.ok, "replaying a recording"))
            case .connected:
                if let frameAge, frameAge > thresholds.stallSeconds {
                    findings.append(Finding(.fail, "stalled: connected but no frame for \(Fmt.seconds(frameAge))"))
                } else if frameAge == nil, age(b.stateSinceMs, s) > thresholds.stallSeconds {
                    findings.append(Finding(.fail, "stalled: connected for \(Fmt.seconds(age(b.stateSinceMs, s))) and no frame yet"))
                }
            case .partial, .disconnected:
                let down = age(b.stateSinceMs, s)
                let what = "\(b.connectionsUp) of \(b.connectionsPlanned) connections up for \(Fmt.seconds(down))"
                findings.append(Finding(down > thresholds.disconnectedSeconds ? .fail : .warn, b.state == .partial ? "partly connected: \(what)" : "disconnected: \(what)"))
            }
            if b.malformedLastMinute > thresholds.malformedPerMinute {
                findings.append(Finding(.warn, "\(b.malformedLastMinute) malformed frames in the last minute (quarantined)"))
            }
            if b.state != .replaying, let offset = b.clockOffsetMs, abs(Double(offset)) / 1000 > thresholds.clockOffsetSeconds {
                findings.append(Finding(.warn, "clock \(offset > 0 ? "ahead" : "behind") by \(Fmt.seconds(abs(Double(offset)) / 1000)) against the venue's trade times: check NTP (bucket times are the venue's, receive-time fields are off)"))
            }
            if b.spooledBatches > 0 {
                findings.append(Finding(.warn, "\(b.spooledBatches) batches spooled: Redis refused or did not answer"))
            }
        }
        return CollectorStatus(
            instance: b.instance, feed: b.feed, host: b.host, pid: b.pid, alive: isAlive, state: isAlive ? b.state.rawValue : "dead",
            connectionsUp: b.connectionsUp, connectionsPlanned: b.connectionsPlanned, beatAgeSeconds: beatAge, events: b.events,
            eventsPerSecond: isAlive ? b.eventsPerSecond : 0, lastFrameAgeSeconds: frameAge, reconnects: b.reconnects, malformed: b.malformed,
            malformedLastMinute: b.malformedLastMinute, spooledBatches: b.spooledBatches,
            health: findings.map(\.health).max() ?? .ok, findings: findings, clockOffsetSeconds: b.clockOffsetMs.map { Double($0) / 1000 })
    }

    // MARK: - Shards

    func shard(_ o: ShardObservation, in s: ClusterSnapshot) -> ShardStatus {
        let beats = s.aggregators.filter { $0.shard == o.shard && age($0.beatMs, s) <= thresholds.forgetAfterSeconds }
            .sorted { $0.instance < $1.instance }
        let processes = beats.map {
            AggregatorStatus(instance: $0.instance, host: $0.host, pid: $0.pid, role: alive($0.beatMs, s) ? $0.role.rawValue : "dead",
                             alive: alive($0.beatMs, s), beatAgeSeconds: age($0.beatMs, s), epoch: $0.epoch, commits: $0.commits)
        }
        let live = beats.filter { alive($0.beatMs, s) }
        let lease = o.lease
        // The lease owner is never its own standby (its beat may still say standby for up to a beat after taking over).
        let standbys = live.filter { $0.role == .standby && $0.instance != lease?.owner }.map(\.instance)
        var findings: [Finding] = []
        let ownerBeat = lease.flatMap { l in live.first { $0.instance == l.owner && $0.role == .owner } }
        var commitAge: Double?
        if let l = lease {
            if l.heartbeatAgeSeconds > thresholds.beatStaleSeconds {
                findings.append(Finding(.fail, "no live owner: \(l.owner) has not renewed its lease for \(Fmt.seconds(l.heartbeatAgeSeconds))"
                    + (standbys.isEmpty ? " and no standby is waiting" : "; a standby should take over")))
            } else if l.epoch > 1, l.acquiredAgeSeconds <= thresholds.recentTakeoverSeconds {
                findings.append(Finding(.ok, "taken over \(Fmt.seconds(l.acquiredAgeSeconds)) ago by \(l.owner) (epoch \(l.epoch))"))
            }
            let since = ownerBeat?.lastCommitMs.map { age($0, s) }
            commitAge = since
            for zombie in live where zombie.role == .owner && zombie.instance != l.owner {
                findings.append(Finding(.warn, "\(zombie.instance) still believes it owns the shard (epoch \(zombie.epoch)); the fence refuses its writes"))
            }
        } else {
            findings.append(Finding(.fail, "no owner: no aggregator has taken this shard" + (live.isEmpty ? " (none is running for it)" : "")))
        }
        if lease != nil, standbys.isEmpty { findings.append(Finding(.warn, "no standby: a failure of the owner stops this shard until it restarts")) }
        for dead in beats where !alive(dead.beatMs, s) {
            findings.append(Finding(.warn, "\(dead.instance) (\(dead.role.rawValue)) is dead: no beat for \(Fmt.seconds(age(dead.beatMs, s)))"))
        }
        if !o.streamExists {
            findings.append(Finding(lease == nil ? .warn : .fail, "the stream does not exist" + (lease == nil ? "" : ": it was lost (see OPERATIONS.md, restore after losing Redis)")))
        } else if !o.groupExists {
            findings.append(Finding(.fail, "the aggregators' consumer group does not exist on the stream"))
        }
        let unread = o.lag ?? (o.readToEnd ? 0 : nil)
        if let unread, unread > thresholds.maxLagEntries {
            findings.append(Finding(.fail, "lagging: \(unread) entries unread (more than \(thresholds.maxLagEntries))"))
        } else if o.groupExists, unread == nil {
            findings.append(Finding(.ok, "lag unknown (entries were deleted from the stream)"))
        }
        let behind = (unread ?? 1) > 0 || o.pending > 0
        if behind, let l = lease, l.heartbeatAgeSeconds <= thresholds.beatStaleSeconds {
            let quiet = commitAge ?? l.acquiredAgeSeconds
            if quiet > thresholds.commitStaleSeconds {
                findings.append(Finding(.fail, "stuck: \(unread.map(String.init) ?? "some") entries unread and \(o.pending) pending, no commit for \(Fmt.seconds(quiet))"))
            }
        }
        return ShardStatus(
            shard: o.shard, owner: lease?.owner, epoch: lease?.epoch, leaseAgeSeconds: lease?.heartbeatAgeSeconds, standbys: standbys,
            processes: processes, streamLength: o.streamLength, lag: unread, pending: o.pending, lastCommitAgeSeconds: commitAge,
            tookOverSecondsAgo: lease.flatMap { $0.epoch > 1 ? $0.acquiredAgeSeconds : nil },
            health: findings.map(\.health).max() ?? .ok, findings: findings)
    }

    // MARK: - Gateways

    func gateways(in s: ClusterSnapshot) -> [GatewayStatus] {
        var out: [GatewayStatus] = []
        var probed = Set<String>()
        for p in s.probes {
            probed.insert(p.url)
            let beat = s.gateways.first { $0.url == p.url }
            var findings: [Finding] = []
            if p.status == 200 {
                findings.append(Finding(.ok, "ready"))
            } else if let status = p.status {
                findings.append(Finding(.fail, "not ready: /readyz answered HTTP \(status)"))
            } else {
                let dead = beat.map { !alive($0.beatMs, s) } ?? false
                findings.append(Finding(.fail, "unreachable: \(p.error ?? "no answer")" + (dead ? "; no beat for \(Fmt.seconds(age(beat!.beatMs, s)))" : "")))
            }
            out.append(GatewayStatus(url: p.url, instance: beat?.instance, ready: p.status == 200, httpStatus: p.status, milliseconds: p.milliseconds,
                                     health: findings.map(\.health).max() ?? .ok, findings: findings))
        }
        for b in s.gateways where !probed.contains(b.url) && age(b.beatMs, s) <= thresholds.forgetAfterSeconds {
            out.append(GatewayStatus(url: b.url, instance: b.instance, ready: false, httpStatus: nil, milliseconds: nil, health: .fail,
                                     findings: [Finding(.fail, "dead: no beat for \(Fmt.seconds(age(b.beatMs, s)))")]))
        }
        return out.sorted { $0.url < $1.url }
    }
}

/// Number formatting shared by the findings and the text table.
enum Fmt {
    static func seconds(_ s: Double) -> String {
        if s < 10 { return String(format1(s)) + " s" }
        if s < 120 { return "\(Int(s.rounded())) s" }
        if s < 7_200 { return "\(Int((s / 60).rounded())) min" }
        return "\(Int((s / 3_600).rounded())) h"
    }

    /// One decimal without Foundation.
    static func format1(_ x: Double) -> String {
        let tenths = Int((x * 10).rounded())
        return "\(tenths / 10).\(abs(tenths % 10))"
    }
}

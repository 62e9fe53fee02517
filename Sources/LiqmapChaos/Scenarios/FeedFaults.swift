import Foundation
import LiqmapCollector
import LiqmapCore
import LiqmapRedis
import LiqmapRegistry
import LiqmapStatus
import LiqmapTesting
import LiqmapWire

/// Hostile frames from the venue: 1 MB frames, bytes that are not UTF-8, numbers made NaN or
/// negative, frames cut in half. Each must be counted and quarantined, and the collector must keep
/// its connection's events flowing without a restart.
struct HostileFramesScenario: ChaosScenario {
    let name = "hostile-frames"
    let fault = "hostile frames: 1 MB, invalid UTF-8, NaN and negative numbers, truncated JSON"
    let injection = "the loopback venue sends 5 rounds of 5 hostile frames on every feed, 3 times per run"
    let plan = MarketPlan.live

    func inject(_ run: ChaosRun) async throws {
        let collectors = run.cluster.children.filter { $0.argv.contains("collector") }
        let pids = collectors.map(\.pid)
        for _ in 0..<3 {
            guard await run.pause(run.random(2...4)) else { break }
            for i in run.cluster.feeds.indices {
                let status = try await run.control(run.loopback(i) + "/_loopback/fault/hostile?n=5")
                if status != 204 { run.problem("the loopback venue refused the hostile fault: \(status)") }
                run.faultInjected()
            }
        }
        while !run.marketDone { try await Task.sleep(for: .milliseconds(200)) }
        // Nothing restarted: the same collector processes ran through it all (the runner stops them
        // after the market; here they must still be the ones it started).
        let alive = collectors.filter { $0.poll() == nil }.map(\.pid)
        if alive != pids { run.problem("a collector died under hostile frames: started \(pids), alive \(alive)") }
        let redis = try run.cluster.redis()
        var quarantined = 0
        for name in run.cluster.feeds {
            guard let feed = Feed(rawValue: name) else { continue }
            quarantined += (try? await redis.xinfoStream(StreamKeys.quarantine(feed: feed)).length) ?? 0
        }
        // At least the truncated frame and the unquoted NaN are unreadable in every round.
        let floor = run.measured.faults * 5 * 2
        run.note("quarantined \(quarantined)")
        if quarantined < floor { run.problem("only \(quarantined) frames quarantined; at least \(floor) hostile frames are unreadable") }
    }
}

/// A storm of drops, stalls and replayed (duplicate) frames from the venue.
struct DisconnectStormScenario: ChaosScenario {
    let name = "disconnect-storm"
    let fault = "collector disconnect storm, duplicates and gaps from the venue"
    let injection = "every 0.5–2 s on a random feed: drop all connections, stall 0.5 s, or resend the last 200 frames"
    let plan = MarketPlan.live

    func inject(_ run: ChaosRun) async throws {
        var step = 0
        while await run.pause(run.random(0.5...2)) {
            step += 1
            do { try await once(run, step: step) } catch {
                // The served market ends by closing its ports: a control call then fails.
                if await !run.pause(1) { return }
                throw error
            }
        }
    }

    func once(_ run: ChaosRun, step: Int) async throws {
        let i = run.random(below: run.cluster.feeds.count)
        let base = run.loopback(i)
        switch step % 3 {
        case 0:
            let before = try await Self.live(base, run)
            let at = ContinuousClock.now
            _ = try await run.control(base + "/_loopback/fault/drop")
            run.faultInjected()
            while ContinuousClock.now - at < .seconds(30), !run.marketDone {
                if try await Self.live(base, run) >= before {
                    run.recovered(after: ChaosRun.seconds(ContinuousClock.now - at))
                    break
                }
                try await Task.sleep(for: .milliseconds(20))
            }
        case 1:
            _ = try await run.control(base + "/_loopback/fault/stall?n=0.5")
            run.faultInjected()
        default:
            _ = try await run.control(base + "/_loopback/fault/duplicate?n=200")
            run.faultInjected()
        }
    }

    /// The venue's open live connections.
    static func live(_ base: String, _ run: ChaosRun) async throws -> Int {
        let body = try await run.controlGet(base + "/_loopback/status")
        let object = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
        return object?["live"] as? Int ?? 0
    }
}

/// One collector's clock 90 s ahead (libfaketime preloaded into its process, monotonic clocks left
/// true). Buckets must follow the venue's event times, not the collector's clock: the oracle checks
/// every liquidation is stored at its venue time. The collector's measured clock offset must be the
/// skew, and `liqmap status` must warn about it and about no other collector.
struct ClockSkewScenario: ChaosScenario {
    static let skewSeconds = 90.0
    static let library = "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1"
    let name = "clock-skew"
    let fault = "clock skew: one collector's clock 90 s ahead"
    let injection = "libfaketime (FAKETIME=+90) preloaded into one live collector, chosen by the seed; market served at ×1 for 2 min"
    var plan: MarketPlan {
        // At ×1 the venue's stamps track the wall clock, so the offset is measurable.
        var p = MarketPlan.live
        p.duration = "2m"
        p.speed = "1"
        p.liveStartsOnTheMinute = true
        return p
    }

    func skewed(_ run: ChaosRun) -> String { run.plan.feeds[Int(run.seed % UInt64(run.plan.feeds.count))] }

    func collectorPrefix(feed: String, run: ChaosRun) throws -> [String] {
        guard feed == skewed(run) else { return [] }
        guard FileManager.default.fileExists(atPath: Self.library) else {
            throw HarnessFailure(description: "libfaketime is not installed (\(Self.library)): apt-get install faketime")
        }
        // `env` execs: the collector keeps the pid the runner signals.
        return ["/usr/bin/env", "LD_PRELOAD=\(Self.library)", "FAKETIME=+\(Int(Self.skewSeconds))", "DONT_FAKE_MONOTONIC=1", "FAKETIME_DONT_FAKE_MONOTONIC=1"]
    }

    func inject(_ run: ChaosRun) async throws {
        let feed = skewed(run)
        run.faultInjected()
        run.note("skewed \(feed)")
        // The collectors' beats carry their offsets once trades flow; give them a few beats.
        guard await run.pause(20) else { run.problem("the market ended before the offsets were read"); return }
        let beats: [CollectorBeat] = try await StatusReader.beats(try run.cluster.redis(), RegistryKeys.collectors)
        var offsets: [String: Double] = [:]
        for b in beats { if let ms = b.clockOffsetMs { offsets[b.feed] = Double(ms) / 1000 } }
        guard let mine = offsets[feed], offsets.count == run.plan.feeds.count else {
            run.problem("not every collector reported a clock offset: \(offsets)")
            return
        }
        // The served venue's clock is the simulator's (it started when the collectors connected):
        // the skew is the skewed collector's offset beyond the others'.
        let others = offsets.filter { $0.key != feed }.values.sorted()
        let measured = mine - others[others.count / 2]
        run.note(String(format: "measured skew %.1f s", measured) + "; offsets "
                 + offsets.sorted { $0.key < $1.key }.map { String(format: "%@ %.2f s", $0.key, $0.value) }.joined(separator: ", "))
        if abs(measured - Self.skewSeconds) > 3 { run.problem(String(format: "measured a skew of %.1f s, not %.0f s", measured, Self.skewSeconds)) }
        // `liqmap status` warns about that collector's clock, and only about it.
        let status = try run.cluster.spawn(["status", "--json"], log: "status")
        _ = await status.wait(seconds: 60)
        let text = status.output
        guard let start = text.firstIndex(of: "{"), let end = text.lastIndex(of: "}"),
              let report = try? StatusJSON.decode(StatusReport.self, from: Data(text[start...end].utf8)) else {
            run.problem("liqmap status --json printed no report: \(text.suffix(500))")
            return
        }
        let warned = Set(report.collectors.filter { $0.findings.contains { $0.message.hasPrefix("clock ahead by") } }.map(\.feed))
        if warned != [feed] { run.problem("liqmap status warned about the clocks of \(warned.sorted()), expected [\(feed)]") }
    }
}

import Foundation
import LiqmapAggregation
import LiqmapCore
import LiqmapPostgres
import LiqmapRedis
import LiqmapRegistry
import LiqmapStatus
import LiqmapWire
import Logging

/// `liqmap reshard --to M`: moves the cluster from N shard streams to M without losing or
/// double-counting an event, in three steps (docs/OPERATIONS.md, "Resharding"):
///
/// 1. **Drain.** The layout goes to `draining`: every publisher sends what it has batched for the
///    old layout, then holds new events in memory and says so; the owners read their streams to the
///    end (nothing unread, nothing pending).
/// 2. **Checkpoint.** The layout goes to `switching`: each owner commits a last checkpoint and lets
///    the shard go; this process takes every shard's lease itself, so nobody owns anything.
/// 3. **Switch.** In one transaction the checkpoints are merged and split by the new shard map, the
///    progress rows are re-made for M shards (streams of removed shards are deleted: they are read
///    to the end); then the layout becomes M shards, the next generation, `active`. Publishers
///    re-batch what they held for the new streams; aggregators adopt M or stop if their shard is gone.
///
/// Realized totals cannot be double-counted by this: every liquidation row is keyed by its identity,
/// whichever shard applies it, and batch sequence numbers are per producer across shards.
public struct Resharder: Sendable {
    public let redisURL: String
    public let postgres: @Sendable () -> PostgresClient
    public let logger: Logger
    public var holdTimeoutSeconds = 60.0
    public var drainTimeoutSeconds = 180.0
    public var switchTimeoutSeconds = 60.0
    /// Publishers waited for: the live registered collectors (beat within this many seconds).
    public var liveBeatSeconds = 10.0

    public init(redisURL: String, postgres: @escaping @Sendable () -> PostgresClient, logger: Logger) {
        self.redisURL = redisURL
        self.postgres = postgres
        self.logger = logger
    }

    /// What a reshard did.
    public struct Report: Sendable {
        public var from: Int
        public var to: Int
        public var generation: Int
        public var publishers: [String]
        public var instruments: Int
        public var drainSeconds: Double
        public var switchSeconds: Double
        public var removedStreams: [String]
    }

    public struct Refused: Error, CustomStringConvertible {
        public let description: String
    }

    public func run(to target: Int, configuredShards: Int) async throws -> Report {
        guard target >= 1 else { throw Refused(description: "--to must be at least 1") }
        let redis = try RedisClient(url: redisURL, timeout: 5)
        let me = "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"
        guard try await redis.send(["SET", RedisArgument(RegistryKeys.reshardLock), RedisArgument(me), "NX", "EX", "1800"]) != .null else {
            throw Refused(description: "another reshard is running (\(RegistryKeys.reshardLock) is set); `liqmap reshard --abort` clears a dead one")
        }
        do {
            let report = try await locked(redis, to: target, configuredShards: configuredShards)
            _ = try? await redis.send(["DEL", RedisArgument(RegistryKeys.reshardLock)])
            return report
        } catch {
            _ = try? await redis.send(["DEL", RedisArgument(RegistryKeys.reshardLock)])
            throw error
        }
    }

    func locked(_ redis: RedisClient, to target: Int, configuredShards: Int) async throws -> Report {
        let old = try await ShardLayoutStore.ensure(redis, shards: configuredShards)
        guard old.state == .active else {
            throw Refused(description: "the layout is '\(old.state.rawValue)': a reshard was interrupted; `liqmap reshard --abort` returns it to \(old.shards) shards")
        }
        guard target != old.shards else { throw Refused(description: "the cluster already has \(target) shards") }
        let beats: [CollectorBeat] = try await StatusReader.beats(redis, RegistryKeys.collectors)
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let live = beats.filter { Double(now - $0.beatMs) / 1000 <= liveBeatSeconds }
        if let spooling = live.first(where: { $0.spooledBatches > 0 }) {
            throw Refused(description: "collector \(spooling.instance) has \(spooling.spooledBatches) batches spooled for the old layout: wait until Redis has taken them")
        }
        let publishers = live.map(\.instance).sorted()
        logger.notice("reshard: draining", metadata: ["from": "\(old.shards)", "to": "\(target)", "publishers": "\(publishers.count)"])
        let started = ContinuousClock.now
        var leases: [ShardLease] = []
        do {
            // 1. Drain.
            try await ShardLayoutStore.clearHolds(redis)
            try await ShardLayoutStore.write(redis, ShardLayout(shards: old.shards, generation: old.generation, state: .draining, target: target))
            try await waitUntil("every publisher holds (\(publishers.joined(separator: ", ")))", seconds: holdTimeoutSeconds) {
                let holds = try await ShardLayoutStore.holds(redis)
                return publishers.allSatisfy { holds[$0] == old.generation }
            }
            try await waitUntil("every shard stream is read to the end and acknowledged", seconds: drainTimeoutSeconds) {
                for shard in 0..<old.shards where try await !Self.drained(redis, shard: shard) { return false }
                return true
            }
            let drained = ContinuousClock.now
            // 2. Checkpoint: owners checkpoint and let go; this process takes every lease.
            try await ShardLayoutStore.write(redis, ShardLayout(shards: old.shards, generation: old.generation, state: .switching, target: target))
            leases = (0..<max(old.shards, target)).map { ShardLease(client: postgres(), shard: $0) }
            var held = Set<Int>()
            let all = leases
            try await waitUntil("every owner has checkpointed and let its shard go", seconds: switchTimeoutSeconds) {
                for lease in all where !held.contains(lease.shard) {
                    if try await lease.tryAcquire() != nil { held.insert(lease.shard) }
                }
                return held.count == all.count
            }
            // 3. Switch.
            let instruments = try await switchCheckpoints(from: old.shards, to: target)
            var removed: [String] = []
            for shard in target..<max(target, old.shards) {
                let key = StreamKeys.events(shard: shard)
                guard try await Self.drained(redis, shard: shard) else {
                    throw Refused(description: "shard \(shard)'s stream received entries during the switch; nothing was deleted")
                }
                _ = try await redis.send(["DEL", RedisArgument(key)])
                removed.append(key)
            }
            let new = ShardLayout(shards: target, generation: old.generation + 1, state: .active)
            try await ShardLayoutStore.write(redis, new)
            try await ShardLayoutStore.clearHolds(redis)
            for lease in leases { await lease.release() }
            let finished = ContinuousClock.now
            logger.notice("reshard: done", metadata: ["shards": "\(target)", "generation": "\(new.generation)"])
            return Report(from: old.shards, to: target, generation: new.generation, publishers: publishers, instruments: instruments,
                          drainSeconds: Self.seconds(drained - started), switchSeconds: Self.seconds(finished - drained), removedStreams: removed)
        } catch {
            logger.error("reshard: abandoned, the old layout is back", metadata: ["error": "\(error)"])
            try? await ShardLayoutStore.write(redis, old)
            try? await ShardLayoutStore.clearHolds(redis)
            for lease in leases { await lease.release() }
            throw error
        }
    }

    /// Puts an interrupted reshard's layout back to `active` on its old shard count (nothing was
    /// switched unless the layout already says the new count).
    public static func abort(redisURL: String) async throws -> ShardLayout? {
        let redis = try RedisClient(url: redisURL, timeout: 5)
        guard var layout = try await ShardLayoutStore.read(redis) else { return nil }
        layout.state = .active
        layout.target = nil
        try await ShardLayoutStore.write(redis, layout)
        try await ShardLayoutStore.clearHolds(redis)
        _ = try await redis.send(["DEL", RedisArgument(RegistryKeys.reshardLock)])
        return layout
    }

    /// Merges the old shards' checkpoints, splits them by the new map, and re-makes the progress rows,
    /// in one transaction. Returns the instruments whose projection state moved with them.
    func switchCheckpoints(from n: Int, to m: Int) async throws -> Int {
        let pg = postgres()
        let result = try await pg.transaction { conn -> Int in
            var engines: [ProjectionEngine] = []
            for r in try conn.query("SELECT shard, stream_id, engine FROM shard_checkpoints WHERE shard < \(n) ORDER BY shard").rows {
                engines.append(try JSONDecoder().decode(ProjectionEngine.self, from: Data(try r.decode(PGBytes.self, at: 2).bytes)))
            }
            var lastIDs: [Int: String] = [:]
            for r in try conn.query("SELECT shard, last_id FROM shard_progress").rows {
                lastIDs[try r.decode(Int.self, at: 0)] = try r.decode(String.self, at: 1)
            }
            try conn.query("DELETE FROM shard_checkpoints WHERE shard >= \(m)")
            try conn.query("DELETE FROM shard_leases WHERE shard >= \(m)")
            try conn.query("DELETE FROM shard_progress WHERE shard >= \(m)")
            try conn.query("UPDATE shard_progress SET shards = \(m), epoch = epoch + 1, owner = NULL, updated_at = now()")
            for shard in n..<max(n, m) {
                try conn.query("""
                    INSERT INTO shard_progress (shard, shards, stream) VALUES (\(shard), \(m), \(StreamKeys.events(shard: shard)))
                    ON CONFLICT (shard) DO UPDATE SET shards = EXCLUDED.shards, last_id = '0-0', updated_at = now()
                    """)
            }
            guard let merged = ProjectionEngine.merged(engines) else { return 0 }
            let map = ShardMap(shards: m)
            let parts = merged.split(into: m) { map.shard(venue: $0.venue, instrument: $0.instrument) }
            for (shard, part) in parts.enumerated() {
                let streamID = shard < n ? lastIDs[shard] ?? "0-0" : "0-0"
                try conn.query("""
                    INSERT INTO shard_checkpoints (shard, epoch, stream_id, engine, written_at)
                    VALUES (\(shard), 0, \(streamID), \(PGBytes(try Array(JSONEncoder().encode(part)))), now())
                    ON CONFLICT (shard) DO UPDATE SET epoch = 0, stream_id = EXCLUDED.stream_id, engine = EXCLUDED.engine, written_at = now()
                    """)
            }
            return merged.instruments.count
        }
        await pg.disconnect()
        return result
    }

    /// True when the shard's stream is gone or its group has read it to the end with nothing pending.
    static func drained(_ redis: RedisClient, shard: Int) async throws -> Bool {
        let o = try await StatusReader.observe(redis, shard: shard, lease: nil)
        guard o.streamExists else { return true }
        return o.groupExists ? o.pending == 0 && o.readToEnd : o.streamLength == 0
    }

    func waitUntil(_ what: String, seconds: Double, _ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while true {
            if try await condition() { return }
            guard ContinuousClock.now < deadline else { throw Refused(description: "timed out after \(Int(seconds)) s waiting until \(what)") }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    static func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
}

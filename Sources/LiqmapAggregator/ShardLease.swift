import LiqmapCore
import LiqmapPostgres

/// The lease on one shard, held through its own PostgreSQL session: a session advisory lock for
/// liveness (it goes when the owner's session goes, e.g. on kill -9), a heartbeat in `shard_leases`
/// for stalls (a standby ends the lock session of an owner whose heartbeat is stale: SIGSTOP, a
/// partition). Safety does not rest on either: every write is fenced by the epoch (``ShardStore``).
public struct ShardLease: Sendable {
    public let client: PostgresClient
    public let shard: Int

    public init(client: PostgresClient, shard: Int) {
        self.client = client
        self.shard = shard
    }

    /// The advisory lock key of a shard in a schema: the high 32 bits of FNV-1a 64 of
    /// `liqmap:<schema>` over the shard in the low 32. Advisory locks are per database, not per
    /// schema, so two deployments (or two test schemas) in one database must not share keys.
    public static func lockKey(shard: Int, schema: String) -> Int64 {
        let high = ShardMap.fnv1a64("liqmap:" + schema) >> 32
        return Int64(bitPattern: high << 32 | UInt64(UInt32(truncatingIfNeeded: shard)))
    }

    /// Tries the lock; on success returns the session's generation and backend pid.
    public func tryAcquire() async throws -> (generation: Int, pid: Int32)? {
        let shard = self.shard
        let got = try await client.withConnection { conn -> Int32? in
            let schema = try conn.query("SELECT current_schema()::text").scalar(String.self)
            return try conn.tryAdvisoryLock(Self.lockKey(shard: shard, schema: schema)) ? conn.backendPID : nil
        }
        guard let pid = got else { return nil }
        return (await client.generation, pid)
    }

    /// Renews the heartbeat. False when the lease is lost: the session that held the lock is gone
    /// (a new one carries no lock) or the epoch moved on.
    public func heartbeat(epoch: Int64, generation: Int) async throws -> Bool {
        guard await client.generation == generation else { return false }
        let shard = self.shard
        let renewed = try await client.withConnection { conn in
            try conn.query("UPDATE shard_leases SET heartbeat_at = now() WHERE shard = \(shard) AND epoch = \(epoch)").affectedRows == 1
        }
        let now = await client.generation
        return renewed && now == generation
    }

    /// The current lease when its heartbeat is older than `seconds` (server clock), else nil.
    public func staleLease(olderThan seconds: Double) async throws -> (lockPID: Int32, dataPID: Int32, age: Double)? {
        let shard = self.shard
        return try await client.withConnection { conn -> (Int32, Int32, Double)? in
            guard let row = try conn.query("""
                SELECT lock_pid, data_pid, extract(epoch FROM now() - heartbeat_at)::float8 FROM shard_leases WHERE shard = \(shard)
                """).rows.first else { return nil }
            let age = try row.decode(Double.self, at: 2)
            return age > seconds ? (try row.decode(Int32.self, at: 0), try row.decode(Int32.self, at: 1), age) : nil
        }
    }

    /// The pids the current lease names.
    public func leasePIDs() async throws -> (lockPID: Int32, dataPID: Int32)? {
        let shard = self.shard
        return try await client.withConnection { conn -> (Int32, Int32)? in
            guard let row = try conn.query("SELECT lock_pid, data_pid FROM shard_leases WHERE shard = \(shard)").rows.first else { return nil }
            return (try row.decode(Int32.self, at: 0), try row.decode(Int32.self, at: 1))
        }
    }

    /// Ends other sessions (`pg_terminate_backend`); returns how many were ended.
    @discardableResult
    public func terminate(_ pids: [Int32]) async throws -> Int {
        try await client.withConnection { conn in
            var n = 0
            for pid in pids where pid != conn.backendPID {
                if try conn.query("SELECT pg_terminate_backend(\(pid))").scalar(Bool.self) { n += 1 }
            }
            return n
        }
    }

    /// Gives the lease up now: the session ends and the lock with it.
    public func release() async { await client.disconnect() }
}

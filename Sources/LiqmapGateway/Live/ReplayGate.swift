import LiqmapPostgres
import Logging

/// Holds the gateway's change notices back until its read replica has replayed the commits they
/// announce. A notice arrives from the primary at COMMIT; a cache version bumped then would be
/// filled from a replica that may not have that commit yet, and stay stale until the next notice.
/// So the listener reads the primary's flushed WAL position after receiving notices (at or past
/// each of their commits: with `synchronous_commit` on, the default, a commit is flushed before
/// its notice goes out) and waits until the replica's replay position reaches it. A server that is
/// not in recovery (the primary itself, a promoted standby) is never behind.
public struct ReplayGate: Sendable {
    /// A session on the read server, of its own (`application_name` liqmap-gateway-replay).
    public let replica: PostgresClient
    /// Poll interval while the replica is behind.
    public var pollMs = 5
    /// A wait longer than this is logged (once per wait); the gate still waits: every read the
    /// gateway makes goes to the replica, so publishing earlier would only cache older data.
    public var slowWarningMs = 5_000

    public init(replica: PostgresClient) { self.replica = replica }

    /// The primary's flushed WAL position, read on the primary session `primary` (the listener's).
    public static func primaryPosition(_ primary: PostgresClient) async throws -> String {
        try await primary.query("SELECT pg_current_wal_flush_lsn()::text").scalar(String.self)
    }

    /// Whether the replica has replayed up to `position`.
    public func hasReplayed(_ position: String) async throws -> Bool {
        try await replica.query("SELECT NOT pg_is_in_recovery() OR pg_last_wal_replay_lsn() >= \(position)::pg_lsn").scalar(Bool.self)
    }

    /// Returns once the replica has replayed up to `position` (or the task is cancelled).
    public func wait(for position: String, logger: Logger) async throws {
        let started = ContinuousClock.now
        var warned = false
        while try await !hasReplayed(position) {
            try Task.checkCancellation()
            if !warned, ContinuousClock.now - started > .milliseconds(slowWarningMs) {
                warned = true
                logger.warning("the read replica is behind the primary: change notices wait for it", metadata: ["wal_position": "\(position)"])
            }
            try await Task.sleep(for: .milliseconds(pollMs))
        }
    }
}

/// How hard a cluster client tries before it gives up on a command: redirects, retries, backoff.
public struct RedisClusterPolicy: Sendable, Hashable {
    /// `MOVED`/`ASK` redirects followed for one command before its error is returned (a loop guard:
    /// a healthy migration needs at most two).
    public var maxRedirects = 5
    /// Retries of one command after `TRYAGAIN`, `CLUSTERDOWN` or a blocked read whose key moved.
    public var maxRetries = 8
    /// The first retry waits this long (seconds); each next one twice as long, up to `maxBackoff`.
    public var firstBackoff = 0.02
    public var maxBackoff = 0.5
    /// After a `MOVED` the whole slot map is read again, at most this often (seconds); the moved
    /// slot itself is patched at once.
    public var minRefreshInterval = 1.0

    public init() {}

    /// The wait before retry number `attempt` (1 for the first).
    public func backoff(attempt: Int) -> Double {
        guard attempt > 0 else { return 0 }
        var wait = firstBackoff
        for _ in 1..<attempt {
            wait *= 2
            if wait >= maxBackoff { return maxBackoff }
        }
        return min(wait, maxBackoff)
    }
}

/// What a cluster client did beyond sending commands: redirects followed, retries, map refreshes.
public struct RedisClusterStatistics: Sendable, Hashable {
    public var movedRedirects = 0
    public var askRedirects = 0
    /// Commands sent again after `TRYAGAIN`, `CLUSTERDOWN` or a blocked read whose key moved.
    public var retries = 0
    /// `CLUSTER SLOTS` reads (the first one included).
    public var slotMapRefreshes = 0

    public init() {}

    /// `MOVED` plus `ASK`.
    public var redirectsFollowed: Int { movedRedirects + askRedirects }
}

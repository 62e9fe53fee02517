import LiqmapBlocking

/// A Redis client: one connection (or, for a Redis Cluster, one per node), owned by this actor,
/// whose calls run on a dedicated thread.
///
/// Reconnection: when a call fails because the connection broke (server restarted, socket reset,
/// timeout), that call throws a `connection` error and the connection is dropped; the next call
/// connects again. A failed call is never retried behind the caller's back (an `XADD` may or may
/// not have been applied), so callers decide what a retry means.
///
/// Cluster mode (a `redis-cluster://` URL, ``init(cluster:timeout:policy:)``): each command goes to
/// the primary serving its key's hash slot (``RedisCommandKeys``, ``RedisHashSlot``); the slot map
/// comes from `CLUSTER SLOTS`, read before the first keyed command. The client follows `MOVED`
/// (patches the map, resends to the named node) and `ASK` (`ASKING` + the command on the named
/// node, map unchanged), and retries `TRYAGAIN` and `CLUSTERDOWN` with a short backoff, within
/// ``RedisClusterPolicy``'s bounds; all of these are replies to commands the server did not run, so
/// resending them is safe. Pipelines are split by node (one pipeline per node, written to all nodes
/// before any reply is read) and come back in the original order. On a single server none of this
/// runs: no slot is computed and no extra round trip is made.
public actor RedisClient {
    private let executor: DedicatedThreadExecutor
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    /// Where this client connects (in cluster mode: the first seed node).
    public nonisolated let endpoint: RedisEndpoint
    /// The cluster, when this client talks to a Redis Cluster; nil for a single server.
    public nonisolated let cluster: RedisClusterEndpoint?
    /// Socket timeout for ordinary calls, seconds.
    public nonisolated let timeout: Double
    private var connection: RedisConnection?
    private let router: RedisClusterRouter?
    private var singleConnects = 0

    public init(endpoint: RedisEndpoint, timeout: Double = 10) {
        self.endpoint = endpoint
        self.cluster = nil
        self.timeout = timeout
        self.router = nil
        self.executor = DedicatedThreadExecutor(name: "redis \(endpoint.host):\(endpoint.port)")
    }

    /// A client of a Redis Cluster that starts from `cluster`'s seed nodes.
    public init(cluster: RedisClusterEndpoint, timeout: Double = 10, policy: RedisClusterPolicy = RedisClusterPolicy()) {
        let seed = cluster.seeds[0]
        self.endpoint = cluster.endpoint(seed)
        self.cluster = cluster
        self.timeout = timeout
        self.router = RedisClusterRouter(transport: RedisClusterNodes(cluster: cluster, timeout: timeout), policy: policy)
        self.executor = DedicatedThreadExecutor(name: "redis cluster \(seed)")
    }

    /// `redis://…` for a single server, `redis-cluster://host:port[,host:port…]` for a cluster.
    public init(url: String, timeout: Double = 10) throws(RedisError) {
        if url.hasPrefix(RedisClusterEndpoint.scheme) {
            self.init(cluster: try RedisClusterEndpoint(url: url), timeout: timeout)
        } else {
            self.init(endpoint: try RedisEndpoint(url: url), timeout: timeout)
        }
    }

    deinit { executor.shutdown() }

    /// How many connections this client has opened (1 after the first call; +1 per reconnect; in
    /// cluster mode, over all nodes).
    public var connectCount: Int { router?.transport.connectCount ?? singleConnects }

    /// Redirects, retries and slot-map reads so far (all zero on a single server).
    public var clusterStatistics: RedisClusterStatistics { router?.statistics ?? RedisClusterStatistics() }

    /// `MOVED` and `ASK` redirects followed so far.
    public var redirectsFollowed: Int { clusterStatistics.redirectsFollowed }

    /// The slot map as this client last knew it (nil on a single server, or before the first keyed command).
    public var slotMap: RedisSlotMap? { router?.map }

    /// Sends one command; an error reply is thrown as a `server` error.
    @discardableResult
    public func send(_ args: [RedisArgument]) throws(RedisError) -> RedisReply {
        if let router { return try router.send(args) }
        return try withConnection { connection throws(RedisError) in try connection.command(args) }
    }

    /// Sends one command with a socket timeout of `blockSeconds` plus the normal timeout (for
    /// `BLOCK` commands that legitimately wait on the server).
    public func send(_ args: [RedisArgument], blockingFor blockSeconds: Double) throws(RedisError) -> RedisReply {
        if let router { return try router.send(args, blockingFor: blockSeconds) }
        return try withConnection { connection throws(RedisError) in
            connection.setTimeout(timeout + blockSeconds)
            defer { connection.setTimeout(timeout) }
            return try connection.command(args)
        }
    }

    /// Sends many commands in one round trip; replies come back in order, error replies in place.
    public func pipeline(_ commands: [[RedisArgument]]) throws(RedisError) -> [RedisReply] {
        if let router { return try router.execute(ClusterCommands(arguments: commands)) }
        var writer = RESPWriter(reservingCapacity: commands.count * 64)
        for command in commands { writer.command(command) }
        return try pipeline(writer)
    }

    /// Sends the commands already encoded in `writer` in one round trip (in cluster mode: one per
    /// node, and again for the commands a node redirected).
    public func pipeline(_ writer: RESPWriter) throws(RedisError) -> [RedisReply] {
        if writer.commands == 0 { return [] }
        if let router { return try router.execute(try ClusterCommands(writer)) }
        return try withConnection { connection throws(RedisError) in try connection.pipeline(writer) }
    }

    /// Closes the connection now, or every node's connection (the next call reconnects).
    public func disconnect() {
        connection = nil
        router?.disconnect()
    }

    private func withConnection<R>(_ body: (RedisConnection) throws(RedisError) -> R) throws(RedisError) -> R {
        let live: RedisConnection
        if let connection, !connection.isBroken {
            live = connection
        } else {
            connection = nil
            live = try RedisConnection(endpoint: endpoint, timeout: timeout)
            connection = live
            singleConnects += 1
        }
        do {
            return try body(live)
        } catch {
            if live.isBroken { connection = nil }
            throw error
        }
    }
}

import LiqmapBlocking

/// A Redis client: one connection, owned by this actor, whose calls run on a dedicated thread.
///
/// Reconnection: when a call fails because the connection broke (server restarted, socket reset,
/// timeout), that call throws a `connection` error and the connection is dropped; the next call
/// connects again. A failed call is never retried behind the caller's back (an `XADD` may or may
/// not have been applied), so callers decide what a retry means.
public actor RedisClient {
    private let executor: DedicatedThreadExecutor
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    /// Where this client connects.
    public nonisolated let endpoint: RedisEndpoint
    /// Socket timeout for ordinary calls, seconds.
    public nonisolated let timeout: Double
    private var connection: RedisConnection?
    /// How many connections this client has opened (1 after the first call; +1 per reconnect).
    public private(set) var connectCount = 0

    public init(endpoint: RedisEndpoint, timeout: Double = 10) {
        self.endpoint = endpoint
        self.timeout = timeout
        self.executor = DedicatedThreadExecutor(name: "redis \(endpoint.host):\(endpoint.port)")
    }

    public init(url: String, timeout: Double = 10) throws(RedisError) {
        self.init(endpoint: try RedisEndpoint(url: url), timeout: timeout)
    }

    deinit { executor.shutdown() }

    /// Sends one command; an error reply is thrown as a `server` error.
    @discardableResult
    public func send(_ args: [RedisArgument]) throws(RedisError) -> RedisReply {
        try withConnection { connection throws(RedisError) in try connection.command(args) }
    }

    /// Sends one command with a socket timeout of `blockSeconds` plus the normal timeout (for
    /// `BLOCK` commands that legitimately wait on the server).
    public func send(_ args: [RedisArgument], blockingFor blockSeconds: Double) throws(RedisError) -> RedisReply {
        try withConnection { connection throws(RedisError) in
            connection.setTimeout(timeout + blockSeconds)
            defer { connection.setTimeout(timeout) }
            return try connection.command(args)
        }
    }

    /// Sends many commands in one round trip; replies come back in order, error replies in place.
    public func pipeline(_ commands: [[RedisArgument]]) throws(RedisError) -> [RedisReply] {
        var writer = RESPWriter(reservingCapacity: commands.count * 64)
        for command in commands { writer.command(command) }
        return try pipeline(writer)
    }

    /// Sends the commands already encoded in `writer` in one round trip.
    public func pipeline(_ writer: RESPWriter) throws(RedisError) -> [RedisReply] {
        if writer.commands == 0 { return [] }
        return try withConnection { connection throws(RedisError) in try connection.pipeline(writer) }
    }

    /// Closes the connection now (the next call reconnects).
    public func disconnect() { connection = nil }

    private func withConnection<R>(_ body: (RedisConnection) throws(RedisError) -> R) throws(RedisError) -> R {
        let live: RedisConnection
        if let connection, !connection.isBroken {
            live = connection
        } else {
            connection = nil
            live = try RedisConnection(endpoint: endpoint, timeout: timeout)
            connection = live
            connectCount += 1
        }
        do {
            return try body(live)
        } catch {
            if live.isBroken { connection = nil }
            throw error
        }
    }
}

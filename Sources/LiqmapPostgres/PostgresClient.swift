import LiqmapBlocking

/// A PostgreSQL client: one connection, owned by this actor, whose calls run on a dedicated thread.
///
/// Reconnection: when a call fails because the connection is gone (server restart, terminated
/// backend), that call throws a `connection` error and the connection is dropped; the next call
/// connects again. Nothing is retried behind the caller's back. Session state (advisory locks,
/// prepared statements) lives and dies with a connection: ``generation`` changes on every new
/// connection so an owner can tell that its locks are gone.
public actor PostgresClient {
    private let executor: DedicatedThreadExecutor
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    /// The conninfo string or URL (may hold a password: do not log it).
    private let conninfo: String
    private let settings: [String: String]
    private var connection: PGConnection?
    /// Bumped on every new connection (0 before the first).
    public private(set) var generation = 0

    /// Session defaults added unless `settings` says otherwise: fail fast on a dead server or peer.
    public static let defaultSettings: [String: String] = [
        "connect_timeout": "5",
        "keepalives": "1",
        "keepalives_idle": "5",
        "keepalives_interval": "2",
        "keepalives_count": "3",
        "application_name": "liqmap",
    ]

    /// - Parameters:
    ///   - conninfo: a libpq conninfo string (`host=… dbname=…`) or URL (`postgresql://…`).
    ///   - settings: extra libpq keywords, e.g. `["options": "-c search_path=x"]`.
    public init(conninfo: String, settings: [String: String] = [:]) {
        self.conninfo = conninfo
        self.settings = Self.defaultSettings.merging(settings) { _, new in new }
        self.executor = DedicatedThreadExecutor(name: "postgres")
    }

    deinit { executor.shutdown() }

    /// Runs `body` with the live connection (connecting first if needed). Use it for several calls
    /// that must share one session; the body runs on this client's thread and may block.
    public func withConnection<T: Sendable>(_ body: (PGConnection) throws -> T) throws -> T {
        let live: PGConnection
        if let connection, connection.isAlive {
            live = connection
        } else {
            connection = nil
            live = try PGConnection(conninfo: conninfo, settings: settings)
            connection = live
            generation += 1
        }
        do {
            return try body(live)
        } catch {
            if !live.isAlive { connection = nil }
            throw error
        }
    }

    /// Runs one statement with bound parameters.
    @discardableResult
    public func query(_ query: PGQuery) throws -> PGResult {
        try withConnection { try $0.query(query) }
    }

    /// Runs `body` in one transaction: COMMIT when it returns, ROLLBACK when it throws.
    public func transaction<T: Sendable>(_ body: (PGConnection) throws -> T) throws -> T {
        try withConnection { try $0.transaction(body) }
    }

    /// The backend pid of the current session, connecting if needed.
    public func backendPID() throws -> Int32 { try withConnection { $0.backendPID } }

    /// Closes the connection now (releasing its session locks); the next call reconnects.
    public func disconnect() { connection = nil }
}

import LiqmapPostgres

/// A fixed set of PostgreSQL sessions (`PostgresClient`s, each one libpq connection on its own
/// thread), lent out one query at a time; callers wait when all are busy. Sessions connect lazily
/// and reconnect on their next use after a failure.
public actor PostgresPool {
    private let clients: [PostgresClient]
    private var idle: [Int]
    private var waiters: [CheckedContinuation<Int, Never>] = []

    /// The number of sessions.
    public nonisolated let size: Int

    /// - Parameters:
    ///   - conninfo: libpq conninfo or URL.
    ///   - size: how many sessions (at least 1).
    ///   - settings: the session settings (read-only, statement timeout).
    public init(conninfo: String, size: Int = 4, settings: SessionSettings = SessionSettings()) {
        let size = max(1, size)
        self.size = size
        self.clients = (0..<size).map { _ in PostgresClient(conninfo: conninfo, settings: settings.libpq) }
        self.idle = Array((0..<size).reversed())
    }

    /// Runs one statement on a free session.
    @discardableResult
    public func query(_ query: PGQuery) async throws -> PGResult {
        let index = await checkOut()
        defer { checkIn(index) }
        return try await clients[index].query(query)
    }

    private func checkOut() async -> Int {
        if let index = idle.popLast() { return index }
        return await withCheckedContinuation { waiters.append($0) }
    }

    private func checkIn(_ index: Int) {
        if waiters.isEmpty {
            idle.append(index)
        } else {
            waiters.removeFirst().resume(returning: index)
        }
    }
}

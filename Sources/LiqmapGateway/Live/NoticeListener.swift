import LiqmapAggregation
import LiqmapPostgres
import Logging
import ServiceLifecycle

/// A `Service` holding one PostgreSQL session in `LISTEN liqmap_updates`: every aggregator commit's
/// notice bumps the view cache's versions and wakes the live streams. When the session drops it
/// reconnects (every second), re-listens and invalidates everything, since notices sent meanwhile
/// are lost; while it is down the cache falls back to a short TTL. The session is on the primary
/// (a physical standby delivers no NOTIFY); with a read replica, notices wait at the ``ReplayGate``
/// until the replica has their commits.
public struct NoticeListener: Service {
    public let client: PostgresClient
    public let cache: ViewCache
    public let hub: LiveHub
    public let logger: Logger
    /// Set when reads go to a replica.
    public let gate: ReplayGate?

    /// - Parameter replicaConninfo: the read pool's server when it is not `conninfo`'s.
    public init(conninfo: String, settings: SessionSettings, cache: ViewCache, hub: LiveHub, logger: Logger, replicaConninfo: String? = nil) {
        // Its own session, outside the read-only pool: it only LISTENs (and reads the WAL position).
        self.client = PostgresClient(conninfo: conninfo, settings: [
            "connect_timeout": "\(settings.connectTimeoutSeconds)", "application_name": "liqmap-gateway-listen"])
        self.cache = cache
        self.hub = hub
        self.logger = logger
        self.gate = replicaConninfo.map {
            ReplayGate(replica: PostgresClient(conninfo: $0, settings: settings.libpq.merging(["application_name": "liqmap-gateway-replay"]) { $1 }))
        }
    }

    /// Waits until the replica (if any) has every commit the primary has flushed now.
    func awaitReplica() async throws {
        guard let gate else { return }
        try await gate.wait(for: try await ReplayGate.primaryPosition(client), logger: logger)
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown { await self.loop() }
    }

    func loop() async {
        var listeningGeneration = -1
        while !Task.isCancelled {
            do {
                try await client.withConnection { conn in _ = try conn.query("LISTEN \(identifier: UpdateNotice.channel)") }
                listeningGeneration = await client.generation
                try await awaitReplica()  // what was committed before LISTEN is readable before the cache trusts notices
                await cache.setListening(true)
                await hub.resync()
                logger.info("listening for aggregator commits", metadata: ["channel": "\(UpdateNotice.channel)"])
                while !Task.isCancelled {
                    let notices = try await client.withConnection { try $0.notifications(waitMs: 200) }
                    guard await client.generation == listeningGeneration else { break }  // reconnected: LISTEN again
                    let readable = notices.compactMap { n -> UpdateNotice? in
                        guard let notice = UpdateNotice(payload: n.payload) else {
                            logger.warning("unreadable update notice", metadata: ["payload": "\(n.payload.prefix(200))"])
                            return nil
                        }
                        return notice
                    }
                    guard !readable.isEmpty else { continue }
                    try await awaitReplica()
                    for notice in readable {
                        await cache.apply(notice)
                        await hub.publish(notice)
                    }
                }
            } catch {
                await cache.setListening(false)
                logger.warning("notice listener lost its session; retrying in 1 s", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
        await cache.setListening(false)
        await hub.finishAll()
    }
}

import Foundation
import Hummingbird
import HummingbirdTesting
import LiqmapAggregation
import LiqmapCore
import LiqmapGateway
import LiqmapObservability
import LiqmapPostgres
import LiqmapStore
import LiqmapTesting
import Logging
import Testing

/// A gateway with a distinct read URL (`--postgres-read`). First the "replica" is the test server
/// reached as another login role, so `pg_stat_activity` tells the sessions apart by user: the read
/// pool runs the view, liquidation and API key queries there; the LISTEN session stays on the
/// primary URL. Then a real physical standby of a private server, whose replay the test pauses:
/// notices wait until the standby has the commit they announce.
@Suite("Gateway with a read replica URL", .timeLimit(.minutes(2)))
struct GatewayReadReplicaTests {
    /// `url` with its user replaced (URL or keyword conninfo).
    static func url(_ url: String, user: String) throws -> String {
        guard url.hasPrefix("postgres") else { return url + " user=\(user)" }
        var parts = try #require(URLComponents(string: url))
        parts.user = user
        return try #require(parts.string)
    }

    /// What one login role's sessions are doing: (application_name, last query).
    static func sessions(of role: String, _ admin: PostgresClient) async throws -> [(app: String, query: String)] {
        try await admin.query("SELECT application_name, query FROM pg_stat_activity WHERE usename = \(role) ORDER BY backend_start").rows.map {
            (try $0.decode(String.self, at: 0), try $0.decode(String.self, at: 1))
        }
    }

    @Test("views, /v1/liquidations and API key lookups run on the read sessions; LISTEN stays on the primary; notices still arrive")
    func readSessions() async throws {
        let schema = try await TestServers.schema()
        let admin = schema.client()
        _ = try await Migrator().migrate(admin)
        let tile: Int64 = 1_900
        try await admin.query("""
            INSERT INTO realized_liquidations (event_key, venue, feed, instrument, asset, side, ts, price, qty, usd_micros, shard, stream_id)
            VALUES ('k1', 'okx', 'okx', 'BTC-USDT-SWAP', 'BTC', 'long', 500, 1, 1, 2500000, 0, '0-1')
            """)
        let key = TileKey(venue: .okx, instrument: "BTC-USDT-SWAP", layer: .realized, resolution: .h1, tile: tile)
        let blob = TileCodec.encode(TileDelta([(CellKey(column: 3, row: 100), CellValue(longUSD: MicroUSD(micros: 7_000_000), longCount: 1))]), key: key)
        try await admin.query("""
            INSERT INTO tiles (venue, instrument, asset, layer, resolution, tile, data, cells)
            VALUES ('okx', 'BTC-USDT-SWAP', 'BTC', 1, 5, \(tile), \(PGBytes(blob)), 1)
            """)
        let (_, token) = try await ApiKeyStore(client: admin).create(name: "replica test", limit: RateLimit(rate: 1_000, burst: 1_000))

        // The "replica": the same server as a login role of its own that may only read this schema.
        let role = "lqr_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(12)
        try await admin.query("CREATE ROLE \(identifier: role) LOGIN")
        try await admin.query("GRANT USAGE ON SCHEMA \(identifier: schema.name) TO \(identifier: role)")
        try await admin.query("GRANT SELECT ON ALL TABLES IN SCHEMA \(identifier: schema.name) TO \(identifier: role)")
        let primaryUser = try await admin.query("SELECT current_user::text").scalar(String.self)
        #expect(primaryUser != role)

        let gateway = try Gateway(
            configuration: GatewayConfiguration(port: 0, redisURL: TestServers.redisURL, postgresURL: TestServers.postgresURL,
                                                postgresReadURL: try Self.url(TestServers.postgresURL, user: role), poolSize: 1,
                                                session: SessionSettings(searchPath: schema.name),
                                                security: SecuritySettings(auth: .required, keyCacheSeconds: 0, perClientLimit: nil)),
            registry: Observability.bootstrap(), logger: Logger(label: "test.gateway.replica"))
        let listener = Task { try await gateway.listener().run() }
        defer { listener.cancel() }
        let headers: HTTPFields = [ApiKeyCredential.apiKeyHeader: token.text]

        let answers = try await gateway.application().test(.router) { client in
            var seen: [(Int, String, [(app: String, query: String)])] = []
            for (uri, fields) in [("/v1/liquidations?asset=BTC&from=0&to=1000", headers), ("/v1/tiles/BTC/okx/realized/1h/\(tile)", headers),
                                  ("/v1/liquidations?asset=BTC&from=0&to=1000", [ApiKeyCredential.apiKeyHeader: ApiKeyToken.generate().text])] {
                let (status, body) = try await client.execute(uri: uri, method: .get, headers: fields) { ($0.status.code, String(buffer: $0.body)) }
                seen.append((status, body, try await Self.sessions(of: role, admin)))
            }
            return seen
        }
        #expect(answers[0].0 == 200 && answers[0].1.contains(#""long_usd":2.5"#), "\(answers[0].1)")
        #expect(answers[1].0 == 200, "\(answers[1].1)")
        #expect(answers[2].0 == 401, "an unknown key")
        // The pool's one session is the read role's; its last statement was each request's.
        for (_, _, sessions) in answers { #expect(sessions.filter { $0.app == "liqmap-gateway" }.count == 1, "\(sessions)") }
        #expect(answers[0].2.first { $0.app == "liqmap-gateway" }?.query.contains("FROM realized_liquidations") == true, "\(answers[0].2)")
        #expect(answers[1].2.first { $0.app == "liqmap-gateway" }?.query.contains("FROM tiles") == true, "\(answers[1].2)")
        #expect(answers[2].2.first { $0.app == "liqmap-gateway" }?.query.contains("FROM api_keys") == true, "\(answers[2].2)")

        // The listener LISTENs as the primary's user; the read role only checks the replay position.
        var listening = false
        for _ in 0..<100 where !listening {
            listening = await gateway.cache.listening
            if !listening { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(listening)
        let readSessions = try await Self.sessions(of: role, admin)
        #expect(!readSessions.contains { $0.app == "liqmap-gateway-listen" }, "\(readSessions)")
        #expect(readSessions.contains { $0.app == "liqmap-gateway-replay" && $0.query.contains("pg_last_wal_replay_lsn") }, "\(readSessions)")
        let listeners = try await admin.query("""
            SELECT count(*)::bigint FROM pg_stat_activity WHERE application_name = 'liqmap-gateway-listen' AND usename = \(primaryUser)
            """).scalar(Int64.self)
        #expect(listeners >= 1)

        // A commit notice sent on the primary reaches the cache (through the replay gate: this replica is not in recovery).
        let asset = "ZZ" + UUID().uuidString.prefix(8).filter(\.isLetter).uppercased()
        let before = await gateway.cache.version(asset: asset, layer: .realized)
        try await admin.query("SELECT pg_notify('liqmap_updates', \(UpdateNotice(shard: 0, realized: [asset], projected: []).payload!))")
        var bumped = false
        for _ in 0..<100 where !bumped {
            bumped = await gateway.cache.version(asset: asset, layer: .realized) > before
            if !bumped { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(bumped, "the notice bumped the asset's version")

        listener.cancel()
        _ = await listener.result
        try await schema.drop()
        try await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = \(role)")
        try await admin.query("DROP ROLE IF EXISTS \(identifier: role)")
    }

    @Test("on a physical standby: LISTEN is refused there; the gateway reads the standby and holds a notice until the standby has its commit")
    func physicalStandby() async throws {
        let servers = try PrivateServers()
        defer { servers.tearDown() }
        try servers.start(.postgres)
        let primary = PostgresClient(conninfo: servers.postgresURL)
        _ = try await Migrator().migrate(primary)
        let standby = try PrivateStandby(of: servers)
        defer { standby.stop() }
        let replica = PostgresClient(conninfo: standby.postgresURL)
        #expect(try await replica.query("SELECT pg_is_in_recovery()").scalar(Bool.self), "a standby in recovery")
        do {
            try await replica.query("LISTEN liqmap_updates")
            Issue.record("a standby accepted LISTEN")
        } catch let error as PostgresError {
            #expect(error.message.contains("recovery"), "\(error)")
        }

        let gateway = try Gateway(
            configuration: GatewayConfiguration(port: 0, redisURL: TestServers.redisURL, postgresURL: servers.postgresURL,
                                                postgresReadURL: standby.postgresURL, poolSize: 1),
            registry: Observability.bootstrap(), logger: Logger(label: "test.gateway.standby"))
        let listener = Task { try await gateway.listener().run() }
        defer { listener.cancel() }
        var listening = false
        for _ in 0..<200 where !listening {
            listening = await gateway.cache.listening
            if !listening { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(listening)
        let query = "/v1/liquidations?asset=BTC&from=0&to=1000"
        func served() async throws -> String {
            try await gateway.application().test(.router) { client in
                try await client.execute(uri: query, method: .get) { String(buffer: $0.body) }
            }
        }
        #expect(try await served().contains(#""count":0"#))

        // The standby stops replaying; a commit and its notice arrive on the primary.
        try await replica.query("SELECT pg_wal_replay_pause()")
        var paused = false
        for _ in 0..<100 where !paused {
            paused = try await replica.query("SELECT pg_get_wal_replay_pause_state() = 'paused'").scalar(Bool.self)
            if !paused { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(paused)
        let before = await gateway.cache.version(asset: "BTC", layer: .realized)
        try await primary.transaction { conn in
            try conn.query("""
                INSERT INTO realized_liquidations (event_key, venue, feed, instrument, asset, side, ts, price, qty, usd_micros, shard, stream_id)
                VALUES ('k1', 'okx', 'okx', 'BTC-USDT-SWAP', 'BTC', 'long', 500, 1, 1, 2500000, 0, '0-1')
                """)
            try conn.query("SELECT pg_notify('liqmap_updates', \(UpdateNotice(shard: 0, realized: ["BTC"], projected: []).payload!))")
        }
        try await Task.sleep(for: .milliseconds(1_500))
        #expect(await gateway.cache.version(asset: "BTC", layer: .realized) == before, "the notice waits: the standby has not replayed its commit")
        #expect(try await served().contains(#""count":0"#), "reads go to the standby, which has not the row yet")

        // Replay resumes: the notice goes through, and what the gateway then reads has the commit.
        try await replica.query("SELECT pg_wal_replay_resume()")
        var bumped = false
        for _ in 0..<200 where !bumped {
            bumped = await gateway.cache.version(asset: "BTC", layer: .realized) > before
            if !bumped { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(bumped, "the notice went through once the standby caught up")
        let body = try await served()
        #expect(body.contains(#""total":{"long_usd":2.5,"short_usd":0,"count":1}"#), "\(body)")
        listener.cancel()
        _ = await listener.result
    }

    @Test("without a read URL the pool and the listener both use the primary URL")
    func defaults() {
        let c = GatewayConfiguration(redisURL: "redis://h:1", postgresURL: "postgresql://p/db")
        #expect(c.readURL == "postgresql://p/db" && c.postgresReadURL == nil)
        let r = GatewayConfiguration(redisURL: "redis://h:1", postgresURL: "postgresql://p/db", postgresReadURL: "postgresql://r/db")
        #expect(r.readURL == "postgresql://r/db" && r.postgresURL == "postgresql://p/db")
    }
}

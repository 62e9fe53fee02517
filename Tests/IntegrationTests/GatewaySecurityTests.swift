import Foundation
import Hummingbird
import HummingbirdTesting
import LiqmapGateway
import LiqmapObservability
import LiqmapPostgres
import LiqmapStore
import LiqmapTesting
import Logging
import NIOCore
import Synchronization
import Testing
import WSClient

/// The gateway's API keys, rate limits, CORS and read-only role, through the router against the
/// test PostgreSQL (a fresh migrated schema per test), a private PostgreSQL for the role, and the
/// built `liqmap` binary for `liqmap keys`.
@Suite("Gateway security and limits", .timeLimit(.minutes(5)))
struct GatewaySecurityTests {
    static let query = "/v1/liquidations?asset=BTC&from=0&to=1000"

    /// An answer: status, body and headers.
    struct Answer {
        var status: Int
        var body: String
        var headers: HTTPFields
    }

    /// A gateway on `schema`; its key cache and rate limiter run on `clock` (a test moves it, so a
    /// slow, busy machine cannot refill a bucket or expire a cache entry behind the test's back).
    static func gateway(_ schema: TestSchema?, _ security: SecuritySettings, postgresURL: String = TestServers.postgresURL,
                        role: String? = nil, poolSize: Int = 2, statementTimeoutMs: Int = 2000, clock: ManualClock = ManualClock()) throws -> Gateway {
        try Gateway(configuration: GatewayConfiguration(redisURL: TestServers.redisURL, postgresURL: postgresURL, poolSize: poolSize,
                                                        session: SessionSettings(statementTimeoutMs: statementTimeoutMs, searchPath: schema?.name, role: role),
                                                        security: security),
                    registry: Observability.bootstrap(), logger: Logger(label: "test.gateway.security"), clock: clock.closure)
    }

    /// A migrated schema on the test database.
    static func schema() async throws -> TestSchema {
        let schema = try await TestServers.schema()
        _ = try await Migrator().migrate(schema.client())
        return schema
    }

    /// Runs `requests` in order through one router of `gateway`.
    static func send(_ gateway: Gateway, _ requests: [(String, HTTPRequest.Method, HTTPFields)]) async throws -> [Answer] {
        try await gateway.application().test(.router) { client in
            var answers: [Answer] = []
            for (uri, method, headers) in requests {
                answers.append(try await client.execute(uri: uri, method: method, headers: headers) {
                    Answer(status: $0.status.code, body: String(buffer: $0.body), headers: $0.headers)
                })
            }
            return answers
        }
    }

    static func get(_ gateway: Gateway, _ uri: String, _ headers: HTTPFields = [:]) async throws -> Answer {
        try await send(gateway, [(uri, .get, headers)])[0]
    }

    static let required = SecuritySettings(auth: .required, keyCacheSeconds: 0, perClientLimit: nil)

    static func apiKey(_ key: String) -> HTTPFields { [ApiKeyCredential.apiKeyHeader: key] }

    @Test("auth is off by default: /v1 answers without a key")
    func offByDefault() async throws {
        let schema = try await Self.schema()
        let answer = try await Self.get(try Self.gateway(schema, SecuritySettings()), Self.query)
        #expect(answer.status == 200, "\(answer.body)")
        try await schema.drop()
    }

    @Test("auth required: no key, a malformed key, an unknown key → 401 in the error shape")
    func refused() async throws {
        let schema = try await Self.schema()
        let gateway = try Self.gateway(schema, Self.required)
        let unknown = ApiKeyToken.generate().text
        let answers = try await Self.send(gateway, [
            (Self.query, .get, [:]),
            (Self.query, .get, Self.apiKey("not-a-key")),
            (Self.query, .get, Self.apiKey(unknown)),
            (Self.query, .get, [.authorization: "Bearer \(unknown)"]),
            (Self.query + "&api_key=\(unknown)", .get, [:]),
            (Self.query, .get, [.authorization: "Basic dXNlcjpwYXNz"]),
            ("/v1/no-such-route", .get, [:]),
        ])
        for answer in answers {
            #expect(answer.status == 401, "\(answer.body)")
            #expect(answer.body.hasPrefix(#"{"error":{"code":"unauthorized","message":""#), "\(answer.body)")
            #expect(answer.headers[.contentType]?.hasPrefix("application/json") == true)
            #expect(answer.headers[.wwwAuthenticate] == #"Bearer realm="liqmap""#)
        }
        #expect(answers[0].body.contains("an API key is required"))
        #expect(answers[1].body.contains("not valid"))
        #expect(answers[2].body == #"{"error":{"code":"unauthorized","message":"the API key is not valid (unknown or revoked)"}}"#)
        try await schema.drop()
    }

    @Test("a live key is accepted as X-API-Key, as Authorization: Bearer and as ?api_key=")
    func accepted() async throws {
        let schema = try await Self.schema()
        let (_, token) = try await ApiKeyStore(client: schema.client()).create(name: "test", limit: RateLimit(rate: 100, burst: 100))
        let answers = try await Self.send(try Self.gateway(schema, Self.required), [
            (Self.query, .get, Self.apiKey(token.text)),
            (Self.query, .get, [.authorization: "Bearer \(token.text)"]),
            (Self.query, .get, [.authorization: "bearer \(token.text)"]),
            (Self.query + "&api_key=\(token.text)", .get, [:]),
        ])
        for answer in answers {
            #expect(answer.status == 200, "\(answer.body)")
            #expect(answer.body.hasPrefix(#"{"asset":"BTC""#), "\(answer.body)")
        }
        try await schema.drop()
    }

    @Test("a revoked key is refused: at once without a cache, after the cache's TTL with one")
    func revoked() async throws {
        let schema = try await Self.schema()
        let store = ApiKeyStore(client: schema.client())
        let (id, token) = try await store.create(name: "soon revoked", limit: RateLimit(rate: 100, burst: 100))
        let clock = ManualClock()
        let uncached = try Self.gateway(schema, Self.required)
        let cached = try Self.gateway(schema, SecuritySettings(auth: .required, keyCacheSeconds: 10, perClientLimit: nil), clock: clock)
        #expect(try await Self.get(uncached, Self.query, Self.apiKey(token.text)).status == 200)
        #expect(try await Self.get(cached, Self.query, Self.apiKey(token.text)).status == 200)
        #expect(try await store.revoke(id: id) == .revoked(name: "soon revoked"))
        #expect(try await Self.get(uncached, Self.query, Self.apiKey(token.text)).status == 401)
        clock.advance(seconds: 9.9)
        #expect(try await Self.get(cached, Self.query, Self.apiKey(token.text)).status == 200, "still cached (10 s)")
        clock.advance(seconds: 0.2)
        let after = try await Self.get(cached, Self.query, Self.apiKey(token.text))
        #expect(after.status == 401, "the cache entry has expired")
        #expect(after.body.contains("unknown or revoked"))
        #expect(try await store.revoke(id: id) == .alreadyRevoked(name: "soon revoked", at: try #require(try await store.list().first?.revokedAt)))
        #expect(try await store.revoke(id: id + 1000) == .noSuchKey)
        try await schema.drop()
    }

    @Test("the WebSocket /v1/stream needs the key too: refused without one, upgraded with ?api_key=")
    func webSocket() async throws {
        let schema = try await Self.schema()
        let (_, token) = try await ApiKeyStore(client: schema.client()).create(name: "ws", limit: RateLimit(rate: 100, burst: 100))
        let gateway = try Self.gateway(schema, Self.required)
        let plain = try await Self.get(gateway, "/v1/stream?asset=BTC")
        #expect(plain.status == 401, "a plain GET without a key: \(plain.body)")
        let (refused, unknown, first) = try await gateway.application().test(.live) { client in
            let port = try #require(client.port)
            let base = "ws://127.0.0.1:\(port)/v1/stream?asset=BTC"
            func connect(_ url: String) async -> (any Error)? {
                do {
                    try await WebSocketClient.connect(url: url, logger: Logger(label: "test.ws")) { _, _, _ in }
                    return nil
                } catch {
                    return error
                }
            }
            let refused = await connect(base)
            let unknown = await connect(base + "&api_key=\(ApiKeyToken.generate().text)")
            let first = Mutex<String?>(nil)
            try await WebSocketClient.connect(url: base + "&api_key=\(token.text)", logger: Logger(label: "test.ws")) { inbound, _, _ in
                for try await message in inbound.messages(maxSize: 1 << 24) {
                    if case .text(let text) = message {
                        first.withLock { $0 = text }
                        break
                    }
                }
            }
            return (refused, unknown, first.withLock { $0 })
        }
        #expect(refused != nil, "no key: the upgrade is refused")
        #expect(unknown != nil, "an unknown key: the upgrade is refused")
        #expect(first?.contains("\"type\":\"hello\"") == true, "\(first ?? "nothing received")")
        try await schema.drop()
    }

    @Test("with auth on, /healthz /readyz /metrics /openapi.json and GET / need no key")
    func openRoutes() async throws {
        let schema = try await Self.schema()
        let answers = try await Self.send(try Self.gateway(schema, Self.required), [
            ("/healthz", .get, [:]), ("/readyz", .get, [:]), ("/metrics", .get, [:]), ("/openapi.json", .get, [:]), ("/", .get, [:]),
        ])
        #expect(answers[0...3].map(\.status) == [200, 200, 200, 200], "\(answers.map(\.body))")
        #expect(answers[4].status != 401, "GET / is not guarded (it is the lead's web page, 404 until it lands)")
        try await schema.drop()
    }

    @Test("a key past its rate gets 429 with Retry-After, then recovers after it; other keys are not affected")
    func keyRateLimit() async throws {
        let schema = try await Self.schema()
        let store = ApiKeyStore(client: schema.client())
        let (_, slow) = try await store.create(name: "slow", limit: RateLimit(rate: 0.5, burst: 2))
        let (_, other) = try await store.create(name: "other", limit: RateLimit(rate: 0.5, burst: 2))
        let clock = ManualClock()
        let gateway = try Self.gateway(schema, SecuritySettings(auth: .required, keyCacheSeconds: 10,
                                                                perClientLimit: SecuritySettings.defaultPerClientLimit), clock: clock)
        let answers = try await Self.send(gateway, [
            (Self.query, .get, Self.apiKey(slow.text)), (Self.query, .get, Self.apiKey(slow.text)),
            (Self.query, .get, Self.apiKey(slow.text)), (Self.query, .get, Self.apiKey(other.text)),
            ("/healthz", .get, Self.apiKey(slow.text)),
        ])
        #expect(answers.map(\.status) == [200, 200, 429, 200, 200], "\(answers.map(\.body))")
        #expect(answers[2].headers[.retryAfter] == "2", "one token at 0.5/s")
        #expect(answers[2].body == #"{"error":{"code":"rate_limited","message":"too many requests for this API key; retry after 2 s"}}"#)
        #expect(answers[2].headers[.contentType]?.hasPrefix("application/json") == true)
        clock.advance(seconds: 1.9)
        #expect(try await Self.get(gateway, Self.query, Self.apiKey(slow.text)).status == 429, "not yet")
        clock.advance(seconds: 0.1)
        #expect(try await Self.get(gateway, Self.query, Self.apiKey(slow.text)).status == 200, "after Retry-After seconds")
        try await schema.drop()
    }

    @Test("auth off: a client address past the per-client rate gets 429 on a live socket, then recovers")
    func clientRateLimit() async throws {
        let schema = try await Self.schema()
        let clock = ManualClock()
        let gateway = try Self.gateway(schema, SecuritySettings(perClientLimit: RateLimit(rate: 1, burst: 3)), clock: clock)
        let (first, healthz, later) = try await gateway.application().test(.live) { client in
            var first: [Int] = []
            for _ in 0..<5 { first.append(try await client.execute(uri: Self.query, method: .get) { $0.status.code }) }
            let healthz = try await client.execute(uri: "/healthz", method: .get) { $0.status.code }
            let limited = try await client.execute(uri: Self.query, method: .get) { ($0.status.code, $0.headers[.retryAfter]) }
            #expect(limited.0 == 429 && limited.1 == "1")
            #expect(gateway.security.limiter.count == 1, "one client address, one bucket")
            clock.advance(seconds: 1)
            let later = try await client.execute(uri: Self.query, method: .get) { $0.status.code }
            return (first, healthz, later)
        }
        #expect(first == [200, 200, 200, 429, 429])
        #expect(healthz == 200, "the operational routes are not limited")
        #expect(later == 200)
        try await schema.drop()
    }

    @Test("--rate-limit 0 switches the limiter off, per-key limits too")
    func limiterOff() async throws {
        let schema = try await Self.schema()
        let (_, token) = try await ApiKeyStore(client: schema.client()).create(name: "bench", limit: RateLimit(rate: 1, burst: 1))
        let open = try await Self.send(try Self.gateway(schema, SecuritySettings(perClientLimit: nil)),
                                       Array(repeating: (Self.query, .get, [:]), count: 150))
        #expect(Set(open.map(\.status)) == [200])
        let keyed = try await Self.send(try Self.gateway(schema, SecuritySettings(auth: .required, perClientLimit: nil)),
                                        Array(repeating: (Self.query, .get, Self.apiKey(token.text)), count: 20))
        #expect(Set(keyed.map(\.status)) == [200])
        let limited = try await Self.send(try Self.gateway(schema, SecuritySettings(perClientLimit: RateLimit(rate: 0.001, burst: 100))),
                                          Array(repeating: (Self.query, .get, [:]), count: 150))
        #expect(limited.filter { $0.status == 429 }.count == 50, "the same load with the limiter on")
        try await schema.drop()
    }

    @Test("CORS: a configured origin gets its allow header and its preflight answered, also with auth on")
    func corsAllowed() async throws {
        let schema = try await Self.schema()
        let (_, token) = try await ApiKeyStore(client: schema.client()).create(name: "web", limit: RateLimit(rate: 100, burst: 100))
        let security = SecuritySettings(auth: .required, keyCacheSeconds: 0, perClientLimit: nil,
                                        cors: try CORSPolicy(origins: ["https://a.example", "http://localhost:3000"]))
        var preflight: HTTPFields = [.origin: "https://a.example", .accessControlRequestMethod: "GET"]
        preflight[.accessControlRequestHeaders] = "x-api-key"
        var withKey = Self.apiKey(token.text)
        withKey[.origin] = "http://localhost:3000"
        let answers = try await Self.send(try Self.gateway(schema, security), [
            ("/v1/liquidations", .options, preflight),
            (Self.query, .get, withKey),
            (Self.query, .get, [.origin: "https://a.example"]),
            ("/v1/liquidations?asset=btc&from=0&to=1", .get, [.origin: "https://a.example", ApiKeyCredential.apiKeyHeader: token.text]),
        ])
        #expect(answers[0].status == 204)
        #expect(answers[0].headers[.accessControlAllowOrigin] == "https://a.example")
        #expect(answers[0].headers[.accessControlAllowMethods] == "GET, OPTIONS")
        #expect(answers[0].headers[.accessControlAllowHeaders]?.contains("X-API-Key") == true)
        #expect(answers[1].status == 200 && answers[1].headers[.accessControlAllowOrigin] == "http://localhost:3000")
        #expect(answers[1].headers[.vary] == "Origin")
        #expect(answers[2].status == 401 && answers[2].headers[.accessControlAllowOrigin] == "https://a.example",
                "a page can read why it was refused")
        #expect(answers[3].status == 400 && answers[3].headers[.accessControlAllowOrigin] == "https://a.example", "\(answers[3].body)")
        try await schema.drop()
    }

    @Test("CORS: a foreign origin gets no allow header, nor does a preflight from it")
    func corsForeign() async throws {
        let schema = try await Self.schema()
        let security = SecuritySettings(perClientLimit: nil, cors: try CORSPolicy(origins: ["https://a.example"]))
        let answers = try await Self.send(try Self.gateway(schema, security), [
            ("/v1/liquidations", .options, [.origin: "https://evil.example", .accessControlRequestMethod: "GET"]),
            (Self.query, .get, [.origin: "https://evil.example"]),
            (Self.query, .get, [.origin: "https://a.example.evil.example"]),
        ])
        #expect(answers[0].status != 204 && answers[0].headers[.accessControlAllowOrigin] == nil)
        #expect(answers[0].headers[.accessControlAllowMethods] == nil)
        #expect(answers[1].status == 200 && answers[1].headers[.accessControlAllowOrigin] == nil)
        #expect(answers[2].headers[.accessControlAllowOrigin] == nil)
        try await schema.drop()
    }

    @Test("CORS not configured: no CORS header at all, and a preflight is not answered")
    func corsClosed() async throws {
        let schema = try await Self.schema()
        let answers = try await Self.send(try Self.gateway(schema, SecuritySettings(perClientLimit: nil)), [
            ("/v1/liquidations", .options, [.origin: "https://a.example", .accessControlRequestMethod: "GET"]),
            (Self.query, .get, [.origin: "https://a.example"]),
        ])
        #expect(answers[0].status == 405, "OPTIONS on a known route, not a preflight answer")
        for answer in answers {
            #expect(answer.headers[.accessControlAllowOrigin] == nil && answer.headers[.accessControlAllowMethods] == nil)
            #expect(answer.headers[.vary] == nil)
        }
        try await schema.drop()
    }

    @Test("liqmap_reader on a private PostgreSQL: the gateway's session reads what it serves and cannot write")
    func readerRole() async throws {
        let servers = try PrivateServers()
        defer { servers.tearDown() }
        try servers.start(.postgres)
        let admin = PostgresClient(conninfo: servers.postgresURL)
        // A migrating role that may not create roles: migration 3 notes it and goes on.
        try await admin.query("CREATE ROLE plain LOGIN")
        try await admin.query("CREATE SCHEMA plain AUTHORIZATION plain")
        let plainURL = "postgresql://plain@127.0.0.1:\(servers.postgresPort)/liqmap"
        let plain = PostgresClient(conninfo: plainURL, settings: ["options": "-c search_path=plain"])
        #expect(try await Migrator().migrate(plain).applied == Migrations.all.map(\.version))
        #expect(try await admin.query("SELECT count(*) FROM pg_roles WHERE rolname = 'liqmap_reader'").scalar(Int.self) == 0)
        #expect(try await ReaderRole.status(plain) == .missing)
        // The superuser's migration makes the role; running it again changes nothing.
        #expect(try await Migrator().migrate(admin).applied == Migrations.all.map(\.version))
        #expect(try await admin.query("SELECT rolcanlogin::text FROM pg_roles WHERE rolname = 'liqmap_reader'").scalar(String.self) == "false")
        #expect(try await ReaderRole.status(admin) == .ready)
        #expect(try await ReaderRole.status(plain) == .notGranted, "plain's schema was migrated before the role existed")
        let (_, token) = try await ApiKeyStore(client: admin).create(name: "reader test", limit: RateLimit(rate: 100, burst: 100))

        // What is tested is the role; a 2 s statement timeout (tested on its own) can fire on a busy CI machine.
        let gateway = try Self.gateway(nil, Self.required, postgresURL: servers.postgresURL, role: "liqmap_reader", poolSize: 1, statementTimeoutMs: 30_000)
        #expect(try await gateway.pool.query("SELECT current_user::text").scalar(String.self) == "liqmap_reader")
        for table in ["tiles", "projected_columns", "realized_liquidations", "liqmap_tile_cells", "shard_progress", "shard_leases", "api_keys",
                      "market_columns"] {
            #expect(try await gateway.pool.query("SELECT count(*) FROM \(identifier: table)").scalar(Int.self) >= 0, "\(table)")
        }
        let answer = try await Self.get(gateway, Self.query, Self.apiKey(token.text))
        #expect(answer.status == 200, "the key lookup and the query run as liqmap_reader: \(answer.body)")
        // Even with read-only transactions switched off, the role cannot write.
        try await gateway.pool.query("SET default_transaction_read_only = off")
        for statement in [
            "INSERT INTO realized_liquidations (event_key, venue, feed, instrument, asset, side, ts, price, qty, usd_micros, shard, stream_id) VALUES ('k', 'okx', 'okx', 'BTC-USDT-SWAP', 'BTC', 'long', 1, 1, 1, 1, 0, '0-1')",
            "INSERT INTO api_keys (name, prefix, sha256, rate_per_second, burst) VALUES ('x', 'x', decode(repeat('00', 32), 'hex'), 1, 1)",
            "UPDATE api_keys SET revoked_at = now()",
            "DELETE FROM tiles",
        ] {
            do {
                try await gateway.pool.query(PGQuery(sql: statement, binds: []))
                Issue.record("liqmap_reader ran \(statement)")
            } catch let error as PostgresError {
                #expect(error.sqlState == "42501", "\(error)")
            }
        }
        // A database that had migration 4 before 3 (4 was released first): 3 grants market_columns itself.
        try await admin.query("CREATE SCHEMA early")
        let early = PostgresClient(conninfo: servers.postgresURL, settings: ["options": "-c search_path=early"])
        let all = Migrations.all
        _ = try await Migrator(migrations: all.filter { $0.version != 3 }).migrate(early)
        #expect(try await Migrator().migrate(early).applied == [3])
        #expect(try await admin.query("SELECT has_table_privilege('liqmap_reader', 'early.market_columns', 'SELECT')").scalar(Bool.self))
        // A table a later migration creates is readable too (default privileges).
        try await admin.query("CREATE TABLE later_table (n int)")
        #expect(try await gateway.pool.query("SELECT count(*) FROM later_table").scalar(Int.self) == 0)

        // A login role that is not a member cannot take the role: its sessions fail to start.
        let outsider = try Self.gateway(nil, Self.required, postgresURL: plainURL, role: "liqmap_reader", poolSize: 1)
        do {
            try await outsider.pool.query("SELECT 1")
            Issue.record("a non-member switched to liqmap_reader")
        } catch let error as PostgresError {
            #expect(error.message.contains("permission denied to set role \"liqmap_reader\""), "\(error)")
        }
    }

    @Test("liqmap keys create/list/revoke with the built binary: the printed key works, list never shows it")
    func keysCommand() async throws {
        let schema = try await Self.schema()
        let url = TestServers.postgresURL + (TestServers.postgresURL.contains("?") ? "&" : "?") + "options=-c%20search_path%3D\(schema.name)"
        let created = try await Self.liqmap(["keys", "create", "--name", "cli test", "--rate", "5", "--burst", "10", "--postgres", url])
        #expect(created.status == 0, "\(created.output)")
        let key = try #require(created.output.split(separator: "\n").first { $0.hasPrefix("key: ") }.map { String($0.dropFirst(5)) })
        let id = try #require(created.output.split(separator: "\n").first { $0.hasPrefix("id: ") }.flatMap { Int64($0.dropFirst(4)) })
        #expect(ApiKeyToken.isWellFormed(key))
        let stored = try await schema.client().query("SELECT encode(sha256, 'hex'), prefix FROM api_keys WHERE id = \(id)").rows
        #expect(try stored.first?.decode(String.self, at: 0) == SHA256.hash(key).hex, "only the hash is stored")
        #expect(try stored.first?.decode(String.self, at: 1) == String(key.prefix(12)))

        let gateway = try Self.gateway(schema, Self.required)
        #expect(try await Self.get(gateway, Self.query, Self.apiKey(key)).status == 200)

        let table = try await Self.liqmap(["keys", "list", "--postgres", url])
        #expect(table.status == 0 && table.output.contains("cli test") && table.output.contains(String(key.prefix(12))), "\(table.output)")
        #expect(!table.output.contains(key) && !table.output.contains(String(key.dropFirst(12))))
        let json = try await Self.liqmap(["keys", "list", "--json", "--postgres", url])
        #expect(!json.output.contains(String(key.dropFirst(12))))
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [[String: Any]])
        #expect(rows.count == 1 && rows[0]["name"] as? String == "cli test" && (rows[0]["rate_per_second"] as? NSNumber)?.doubleValue == 5)
        #expect((rows[0]["burst"] as? NSNumber)?.intValue == 10 && rows[0]["revoked_at"] is NSNull)
        #expect((rows[0]["id"] as? NSNumber)?.int64Value == id)

        let revoked = try await Self.liqmap(["keys", "revoke", "\(id)", "--postgres", url])
        #expect(revoked.status == 0 && revoked.output.contains("revoked key \(id)"), "\(revoked.output)")
        #expect(try await Self.get(gateway, Self.query, Self.apiKey(key)).status == 401)
        let after = try await Self.liqmap(["keys", "list", "--json", "--postgres", url])
        let afterRows = try #require(try JSONSerialization.jsonObject(with: Data(after.output.utf8)) as? [[String: Any]])
        #expect(afterRows.first?["revoked_at"] is String)
        let unknown = try await Self.liqmap(["keys", "revoke", "\(id + 1000)", "--postgres", url])
        #expect(unknown.status == 1 && unknown.output.contains("no API key with id"), "\(unknown.output)")
        try await schema.drop()
    }

    /// Runs the built `liqmap` with `arguments`; its exit status and output (stdout and stderr).
    static func liqmap(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        let log = NSTemporaryDirectory() + "liqmap-keys-\(UUID().uuidString.prefix(8)).log"
        defer { try? FileManager.default.removeItem(atPath: log) }
        let binary = ChildProcess.liqmapExecutable
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw KeysCommandFailure(description: "the liqmap executable is not at \(binary): `swift build` builds it")
        }
        var environment = ProcessInfo.processInfo.environment
        environment["LIQMAP_POSTGRES_URL"] = nil
        let child = try ChildProcess([binary] + arguments, environment: environment, log: log, truncate: true)
        guard let status = await child.wait(seconds: 60) else {
            await child.killNow()
            throw KeysCommandFailure(description: "liqmap \(arguments.joined(separator: " ")) did not exit within 60 s")
        }
        return (status, child.output)
    }
}

/// `liqmap keys` could not be run.
struct KeysCommandFailure: Error, CustomStringConvertible {
    let description: String
}

/// Monotonic nanoseconds a test moves by hand, for the gateway's key cache and rate limiter.
final class ManualClock: Sendable {
    private let value = Mutex<UInt64>(1_000_000_000)

    var now: UInt64 { value.withLock { $0 } }

    func advance(seconds: Double) { value.withLock { $0 += UInt64(seconds * 1e9) } }

    var closure: @Sendable () -> UInt64 { { self.now } }
}

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
import Testing

/// The gateway against the test PostgreSQL (a fresh migrated schema per test) and the test Redis.
@Suite("Gateway HTTP API", .timeLimit(.minutes(2)))
struct GatewayTests {
    /// A port nothing listens on.
    static let closedPostgres = "postgresql://liqmap@127.0.0.1:1/liqmap_test"
    static let closedRedis = "redis://127.0.0.1:1"

    static func gateway(schema: TestSchema?, postgresURL: String = TestServers.postgresURL,
                        redisURL: String = TestServers.redisURL) throws -> Gateway {
        try Gateway(configuration: GatewayConfiguration(redisURL: redisURL, postgresURL: postgresURL, poolSize: 2,
                                                        session: SessionSettings(searchPath: schema?.name)),
                    registry: Observability.bootstrap(), logger: Logger(label: "test.gateway"))
    }

    /// A migrated schema holding `rows` (venue, asset, side, ts, usd_micros).
    static func schema(_ rows: [(String, String, String, Int64, Int64)]) async throws -> TestSchema {
        let schema = try await TestServers.schema()
        let pg = schema.client()
        _ = try await Migrator().migrate(pg)
        for (index, row) in rows.enumerated() {
            try await pg.query("""
                INSERT INTO realized_liquidations (event_key, venue, feed, instrument, asset, side, ts, price, qty, usd_micros, shard, stream_id)
                VALUES (\("k\(index)"), \(row.0), \(row.0), \(row.1 + "-USDT-PERP"), \(row.1), \(row.2), \(row.3), 1.0, 1.0, \(row.4), 0, \("0-\(index)"))
                """)
        }
        return schema
    }

    /// GET `uri` through the router; returns status code, body text and content type.
    static func get(_ gateway: Gateway, _ uri: String, method: HTTPRequest.Method = .get) async throws -> (Int, String, String) {
        try await gateway.application().test(.router) { client in
            try await client.execute(uri: uri, method: method) { response in
                (response.status.code, String(buffer: response.body), response.headers[.contentType] ?? "")
            }
        }
    }

    @Test("/healthz answers 200 on a live server")
    func healthz() async throws {
        let gateway = try Self.gateway(schema: nil, postgresURL: Self.closedPostgres, redisURL: Self.closedRedis)
        let (status, body) = try await gateway.application().test(.live) { client in
            try await client.execute(uri: "/healthz", method: .get) { ($0.status.code, String(buffer: $0.body)) }
        }
        #expect(status == 200)
        #expect(body == #"{"status":"ok"}"#)
    }

    @Test("/readyz: 200 when Redis and PostgreSQL answer")
    func ready() async throws {
        let schema = try await Self.schema([])
        let (status, body, type) = try await Self.get(try Self.gateway(schema: schema), "/readyz")
        #expect(status == 200)
        #expect(body == #"{"status":"ready","checks":{"redis":"ok","postgres":"ok"}}"#)
        #expect(type.hasPrefix("application/json"))
        try await schema.drop()
    }

    @Test("/readyz: 503 naming PostgreSQL when its port is closed, naming Redis when Redis's is")
    func notReady() async throws {
        let (pgStatus, pgBody, _) = try await Self.get(try Self.gateway(schema: nil, postgresURL: Self.closedPostgres), "/readyz")
        #expect(pgStatus == 503)
        #expect(pgBody.contains(#""checks":{"redis":"ok","postgres":"failed"}"#), "\(pgBody)")
        #expect(pgBody.contains(#""code":"not_ready","message":"postgres: "#), "\(pgBody)")
        let (redisStatus, redisBody, _) = try await Self.get(try Self.gateway(schema: nil, redisURL: Self.closedRedis), "/readyz")
        #expect(redisStatus == 503)
        #expect(redisBody.contains(#""checks":{"redis":"failed","postgres":"ok"}"#), "\(redisBody)")
        #expect(redisBody.contains(#""message":"redis: "#), "\(redisBody)")
    }

    @Test("/metrics is Prometheus text and counts answered requests")
    func metrics() async throws {
        let gateway = try Self.gateway(schema: nil, postgresURL: Self.closedPostgres, redisURL: Self.closedRedis)
        let body = try await gateway.application().test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { _ in }
            try await client.execute(uri: "/no/such/route", method: .get) { _ in }
            return try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status.code == 200)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
                return String(buffer: response.body)
            }
        }
        #expect(body.contains("# TYPE liqmap_gateway_requests_total counter"), "\(body)")
        #expect(body.contains(#"liqmap_gateway_requests_total{route="/healthz",status="200"} "#), "\(body)")
        #expect(body.contains(#"liqmap_gateway_requests_total{route="NotFound",status="404"} "#), "\(body)")
    }

    @Test("/openapi.json is JSON and lists /v1/liquidations")
    func openAPI() async throws {
        let gateway = try Self.gateway(schema: nil, postgresURL: Self.closedPostgres, redisURL: Self.closedRedis)
        let (status, body, type) = try await Self.get(gateway, "/openapi.json")
        #expect(status == 200 && type.hasPrefix("application/json"))
        let document = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
        #expect((document["openapi"] as? String)?.hasPrefix("3.") == true)
        let paths = try #require(document["paths"] as? [String: Any])
        #expect(paths["/v1/liquidations"] != nil)
    }

    @Test("sums are exact to the micro-dollar, also past 2^53 micro-dollars")
    func exactSums() async throws {
        let big: Int64 = 9_007_199_254_740_993  // 2^53 + 1: no Double holds it
        let schema = try await Self.schema([
            ("binance", "BTC", "long", 1_000, 1),
            ("binance", "BTC", "long", 1_001, 999_999),
            ("binance", "BTC", "long", 1_002, big),
            ("binance", "BTC", "short", 1_003, 123_456_789),
            ("okx", "BTC", "short", 1_004, 333_333),
            ("okx", "BTC", "short", 1_005, 333_333),
            ("okx", "BTC", "short", 1_006, 333_334),
            ("bybit", "BTC", "long", 1_007, 10),
        ])
        let (status, body, _) = try await Self.get(try Self.gateway(schema: schema), "/v1/liquidations?asset=BTC&from=1000&to=2000")
        #expect(status == 200)
        // binance long: 1 + 999999 + big = 9007199255740993 micros; with bybit's 10: 9007199255741003.
        // short: 123456789 + 333333 + 333333 + 333334 = 124456789.
        #expect(body == """
            {"asset":"BTC","from":1000,"to":2000,"total":{"long_usd":9007199255.741003,"short_usd":124.456789,"count":8},"by_venue":{\
            "binance":{"long_usd":9007199255.740993,"short_usd":123.456789,"count":4},\
            "bybit":{"long_usd":0.00001,"short_usd":0,"count":1},\
            "okx":{"long_usd":0,"short_usd":1,"count":3}}}
            """)
        try await schema.drop()
    }

    @Test("the span is [from, to): an event at from counts, one at to does not")
    func boundaries() async throws {
        let schema = try await Self.schema([
            ("binance", "BTC", "long", 4_999, 1_000_000),
            ("binance", "BTC", "long", 5_000, 2_000_000),
            ("binance", "BTC", "long", 5_999, 3_000_000),
            ("binance", "BTC", "long", 6_000, 4_000_000),
        ])
        let gateway = try Self.gateway(schema: schema)
        let (_, body, _) = try await Self.get(gateway, "/v1/liquidations?asset=BTC&from=5000&to=6000")
        #expect(body.contains(#""total":{"long_usd":5,"short_usd":0,"count":2}"#), "\(body)")
        let (_, next, _) = try await Self.get(gateway, "/v1/liquidations?asset=BTC&from=6000&to=6001")
        #expect(next.contains(#""total":{"long_usd":4,"short_usd":0,"count":1}"#), "\(next)")
        try await schema.drop()
    }

    @Test("only the asked asset is summed")
    func assetFilter() async throws {
        let schema = try await Self.schema([
            ("binance", "BTC", "long", 100, 1_500_000),
            ("binance", "ETH", "long", 100, 7_000_000),
            ("okx", "ETH", "short", 100, 250_000),
        ])
        let gateway = try Self.gateway(schema: schema)
        let (_, btc, _) = try await Self.get(gateway, "/v1/liquidations?asset=BTC&from=0&to=1000")
        #expect(btc == #"{"asset":"BTC","from":0,"to":1000,"total":{"long_usd":1.5,"short_usd":0,"count":1},"by_venue":{"binance":{"long_usd":1.5,"short_usd":0,"count":1}}}"#)
        let (_, eth, _) = try await Self.get(gateway, "/v1/liquidations?asset=ETH&from=0&to=1000")
        #expect(eth.contains(#""total":{"long_usd":7,"short_usd":0.25,"count":2}"#), "\(eth)")
        let (_, none, _) = try await Self.get(gateway, "/v1/liquidations?asset=SOL&from=0&to=1000")
        #expect(none.hasSuffix(#""total":{"long_usd":0,"short_usd":0,"count":0},"by_venue":{}}"#), "\(none)")
        try await schema.drop()
    }

    @Test("venues keeps only the named venues and lists each, with zeros when empty")
    func venuesFilter() async throws {
        let schema = try await Self.schema([
            ("binance", "BTC", "long", 100, 1_000_000),
            ("okx", "BTC", "short", 100, 2_000_000),
            ("bybit", "BTC", "long", 100, 4_000_000),
        ])
        let (status, body, _) = try await Self.get(try Self.gateway(schema: schema), "/v1/liquidations?asset=BTC&from=0&to=1000&venues=okx,bitmex")
        #expect(status == 200)
        #expect(body == """
            {"asset":"BTC","from":0,"to":1000,"total":{"long_usd":0,"short_usd":2,"count":1},"by_venue":{\
            "bitmex":{"long_usd":0,"short_usd":0,"count":0},"okx":{"long_usd":0,"short_usd":2,"count":1}}}
            """)
        try await schema.drop()
    }

    @Test("every bad input is a 400 in the error shape, naming the parameter", arguments: [
        ("/v1/liquidations?from=1&to=2", "asset is required"),
        ("/v1/liquidations?asset=btc&from=1&to=2", "asset must match"),
        ("/v1/liquidations?asset=B&from=1&to=2", "asset must match"),
        ("/v1/liquidations?asset=AAAAAAAAAAAAAAAAAAAAA&from=1&to=2", "asset must match"),
        ("/v1/liquidations?asset=BTC&to=2", "from is required"),
        ("/v1/liquidations?asset=BTC&from=1", "to is required"),
        ("/v1/liquidations?asset=BTC&from=x&to=2", "from must be an integer"),
        ("/v1/liquidations?asset=BTC&from=1&to=2.0", "to must be an integer"),
        ("/v1/liquidations?asset=BTC&from=5&to=5", "from must be less than to"),
        ("/v1/liquidations?asset=BTC&from=6&to=5", "from must be less than to"),
        ("/v1/liquidations?asset=BTC&from=0&to=34560000001", "at most 400 days"),
        ("/v1/liquidations?asset=BTC&from=1&to=2&venues=ftx", "venues: unknown venue 'ftx'"),
        ("/v1/liquidations?asset=BTC&from=1&to=2&venues=okx,", "venues: unknown venue ''"),
        ("/v1/liquidations?asset=BTC&from=1&to=2&venues=okx,okx,okx,okx,okx,okx,okx", "venues names at most 6"),
    ])
    func badInput(_ uri: String, _ message: String) async throws {
        // Validation answers before any database work: the closed ports prove it.
        let gateway = try Self.gateway(schema: nil, postgresURL: Self.closedPostgres, redisURL: Self.closedRedis)
        let (status, body, type) = try await Self.get(gateway, uri)
        #expect(status == 400)
        #expect(type.hasPrefix("application/json"))
        #expect(body.hasPrefix(#"{"error":{"code":"bad_request","message":""#), "\(body)")
        #expect(body.contains(message), "\(body)")
    }

    @Test("unknown routes are a 404, other methods on known routes a 405 with Allow, in the error shape")
    func notFound() async throws {
        let gateway = try Self.gateway(schema: nil, postgresURL: Self.closedPostgres, redisURL: Self.closedRedis)
        let (status, body, type) = try await Self.get(gateway, "/v1/nothing?x=1")
        #expect(status == 404)
        #expect(type.hasPrefix("application/json"))
        #expect(body == #"{"error":{"code":"not_found","message":"no route GET /v1/nothing"}}"#)
        let (postStatus, postBody, _) = try await Self.get(gateway, "/v1/liquidations", method: .post)
        #expect(postStatus == 405)
        #expect(postBody == #"{"error":{"code":"method_not_allowed","message":"POST is not allowed on /v1/liquidations"}}"#)
        let (tileStatus, _, _) = try await Self.get(gateway, "/v1/tiles/BTC/okx/realized/1h/5", method: .delete)
        #expect(tileStatus == 405)
        let (otherStatus, _, _) = try await Self.get(gateway, "/v1/nothing", method: .post)
        #expect(otherStatus == 404)
    }

    @Test("a database failure is a 503 with a message, never a 500")
    func databaseDown() async throws {
        let down = try Self.gateway(schema: nil, postgresURL: Self.closedPostgres)
        let (status, body, _) = try await Self.get(down, "/v1/liquidations?asset=BTC&from=0&to=1000")
        #expect(status == 503)
        #expect(body == #"{"error":{"code":"unavailable","message":"the database could not answer (connection failed); try again"}}"#)
        // A schema without the table: the server refuses the statement.
        let empty = try await TestServers.schema()
        let (noTable, noTableBody, _) = try await Self.get(try Self.gateway(schema: empty), "/v1/liquidations?asset=BTC&from=0&to=1000")
        #expect(noTable == 503)
        #expect(noTableBody.contains("SQLSTATE 42P01"), "\(noTableBody)")
        try await empty.drop()
    }

    @Test("the pool's sessions are read-only with a 2 s statement timeout")
    func readOnlySessions() async throws {
        let schema = try await Self.schema([])
        let gateway = try Self.gateway(schema: schema)
        #expect(gateway.pool.size == 2)
        #expect(try await gateway.pool.query("SHOW default_transaction_read_only").scalar(String.self) == "on")
        #expect(try await gateway.pool.query("SHOW statement_timeout").scalar(String.self) == "2s")
        do {
            try await gateway.pool.query("DELETE FROM realized_liquidations")
            Issue.record("a read-only session deleted rows")
        } catch let error as PostgresError {
            #expect(error.sqlState == "25006")
        }
        do {
            try await gateway.pool.query("SELECT pg_sleep(5)")
            Issue.record("pg_sleep(5) outlived the statement timeout")
        } catch let error as PostgresError {
            #expect(error.sqlState == "57014")
        }
        // Four queries at once on two sessions: all answered.
        let answers = try await withThrowingTaskGroup(of: Int.self) { group in
            for n in 1...4 { group.addTask { try await gateway.pool.query("SELECT \(n)").scalar(Int.self) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(answers.sorted() == [1, 2, 3, 4])
        try await schema.drop()
    }
}

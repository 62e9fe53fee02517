import Foundation
import LiqmapGateway
import Testing

@Suite("Gateway: exact money text, JSON strings, summaries")
struct GatewayFormattingTests {
    @Test("micro-dollars print as exact decimals", arguments: [
        (Int128(1_234_567), "1.234567"), (1_500_000, "1.5"), (0, "0"), (1, "0.000001"), (10, "0.00001"),
        (999_999, "0.999999"), (1_000_000, "1"), (-1_234_567, "-1.234567"), (-1, "-0.000001"),
        (Int128(Int64.max), "9223372036854.775807"),
        (Int128(Int64.max) * 10 + 3, "92233720368547.758073"),
    ] as [(Int128, String)])
    func microDollars(_ micros: Int128, _ text: String) {
        #expect(MicroDollarText.usd(micros: micros) == text)
    }

    @Test("JSON strings are quoted and escaped")
    func strings() throws {
        #expect(JSONText.string("binance") == "\"binance\"")
        #expect(JSONText.string("a\"b\\c\nd\u{01}é") == "\"a\\\"b\\\\c\\nd\\u0001é\"")
        let decoded = try JSONSerialization.jsonObject(with: Data(JSONText.string("q\"\u{1f}\t").utf8), options: .fragmentsAllowed)
        #expect(decoded as? String == "q\"\u{1f}\t")
    }

    @Test("the summary adds rows per venue and side, exactly, and lists requested venues with zeros")
    func summary() throws {
        let request = LiquidationRequest(asset: "BTC", from: 10, to: 20, venues: ["okx", "binance"])
        let rows = [
            LiquidationSummary.Row(venue: "binance", side: "long", micros: 1_234_567, count: 2),
            LiquidationSummary.Row(venue: "binance", side: "short", micros: 1, count: 1),
            LiquidationSummary.Row(venue: "bybit", side: "long", micros: 999_999, count: 1),
        ]
        let summary = try LiquidationSummary(request: request, rows: rows)
        #expect(summary.total == .init(longMicros: 2_234_566, shortMicros: 1, count: 4))
        #expect(summary.byVenue["okx"] == .init())
        #expect(summary.json == """
            {"asset":"BTC","from":10,"to":20,"total":{"long_usd":2.234566,"short_usd":0.000001,"count":4},"by_venue":{\
            "binance":{"long_usd":1.234567,"short_usd":0.000001,"count":3},\
            "bybit":{"long_usd":0.999999,"short_usd":0,"count":1},\
            "okx":{"long_usd":0,"short_usd":0,"count":0}}}
            """)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(summary.json.utf8)) as? [String: Any])
        #expect(parsed["asset"] as? String == "BTC")
    }

    @Test("no data and no venues: empty by_venue, zero totals")
    func empty() throws {
        let summary = try LiquidationSummary(request: LiquidationRequest(asset: "ETH", from: 0, to: 1), rows: [])
        #expect(summary.json == #"{"asset":"ETH","from":0,"to":1,"total":{"long_usd":0,"short_usd":0,"count":0},"by_venue":{}}"#)
    }

    @Test("a row with an unknown side is refused, not counted")
    func unknownSide() {
        #expect(throws: LiquidationSummary.UnknownSide.self) {
            try LiquidationSummary(request: LiquidationRequest(asset: "BTC", from: 0, to: 1),
                                   rows: [.init(venue: "okx", side: "flat", micros: 1, count: 1)])
        }
    }

    @Test("errors and readiness use the contract's error shape")
    func errorShapes() throws {
        #expect(APIError.badRequest("asset is \"x\"").json == #"{"error":{"code":"bad_request","message":"asset is \"x\""}}"#)
        #expect(APIError.badRequest("m").statusCode == 400)
        #expect(APIError.framework(statusCode: 404, method: "GET", path: "/x").json
            == #"{"error":{"code":"not_found","message":"no route GET /x"}}"#)
        #expect(APIError.framework(statusCode: 405, method: "POST", path: "/healthz").statusCode == 405)
        #expect(APIError.framework(statusCode: 500, method: "GET", path: "/x").statusCode == 503)
        let ready = Readiness(redisFailure: nil, postgresFailure: nil)
        #expect(ready.isReady && ready.json == #"{"status":"ready","checks":{"redis":"ok","postgres":"ok"}}"#)
        let down = Readiness(redisFailure: nil, postgresFailure: "refused")
        #expect(!down.isReady)
        #expect(down.json == #"{"error":{"code":"not_ready","message":"postgres: refused"},"checks":{"redis":"ok","postgres":"failed"}}"#)
    }

    @Test("sessions are read-only with a statement timeout")
    func sessionSettings() {
        #expect(SessionSettings().options == "-c default_transaction_read_only=on -c statement_timeout=2000")
        #expect(SessionSettings(statementTimeoutMs: 500, searchPath: "t_1").options
            == "-c default_transaction_read_only=on -c statement_timeout=500 -c search_path=t_1")
        #expect(SessionSettings().libpq["connect_timeout"] == "2")
    }

    @Test("the embedded OpenAPI document is Protocols/openapi.json and describes /v1/liquidations")
    func openAPI() throws {
        let file = try String(contentsOf: Repository.url("Protocols/openapi.json"), encoding: .utf8)
        #expect(file.trimmingCharacters(in: .whitespacesAndNewlines) == OpenAPIDocument.json.trimmingCharacters(in: .whitespacesAndNewlines))
        let document = try #require(try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json.utf8)) as? [String: Any])
        #expect((document["openapi"] as? String)?.hasPrefix("3.") == true)
        let paths = try #require(document["paths"] as? [String: Any])
        #expect(paths["/v1/liquidations"] != nil)
    }
}

import LiqmapGateway
import LiqmapPostgres
import Testing

@Suite("Gateway: /v1/liquidations parameters and SQL")
struct GatewayLiquidationRequestTests {
    static func parse(_ query: [String: String]) throws(APIError) -> LiquidationRequest {
        try LiquidationRequest.parse { query[$0] }
    }

    static let day: Int64 = 86_400_000

    @Test("valid parameters")
    func valid() throws {
        #expect(try Self.parse(["asset": "BTC", "from": "1000", "to": "2000"]) == LiquidationRequest(asset: "BTC", from: 1000, to: 2000))
        #expect(try Self.parse(["asset": "1000PEPE", "from": "-5", "to": "5", "venues": "okx,binance,okx"])
            == LiquidationRequest(asset: "1000PEPE", from: -5, to: 5, venues: ["okx", "binance"]))
        #expect(try Self.parse(["asset": "BTC", "from": "0", "to": "\(400 * Self.day)"]).to == 400 * Self.day)
        #expect(try Self.parse(["asset": "BTC", "from": "0", "to": "1", "venues": "binance,bybit,okx,deribit,bitmex,hyperliquid"])
            .venues?.count == 6)
    }

    @Test("every bad input is a 400 naming the parameter", arguments: [
        ([:], "asset is required"),
        (["asset": "", "from": "1", "to": "2"], "asset must match"),
        (["asset": "btc", "from": "1", "to": "2"], "asset must match"),
        (["asset": "B", "from": "1", "to": "2"], "asset must match"),
        (["asset": String(repeating: "A", count: 21), "from": "1", "to": "2"], "asset must match"),
        (["asset": "BTC-USD", "from": "1", "to": "2"], "asset must match"),
        (["asset": "BTC", "to": "2"], "from is required"),
        (["asset": "BTC", "from": "1"], "to is required"),
        (["asset": "BTC", "from": "1.5", "to": "2"], "from must be an integer"),
        (["asset": "BTC", "from": "1", "to": "abc"], "to must be an integer"),
        (["asset": "BTC", "from": "1", "to": "99999999999999999999"], "to must be an integer"),
        (["asset": "BTC", "from": "2", "to": "2"], "from must be less than to"),
        (["asset": "BTC", "from": "3", "to": "2"], "from must be less than to"),
        (["asset": "BTC", "from": "0", "to": "\(400 * 86_400_000 + 1)"], "at most 400 days"),
        (["asset": "BTC", "from": "\(Int64.min)", "to": "\(Int64.max)"], "at most 400 days"),
        (["asset": "BTC", "from": "1", "to": "2", "venues": "binance,ftx"], "venues: unknown venue 'ftx'"),
        (["asset": "BTC", "from": "1", "to": "2", "venues": "Binance"], "venues: unknown venue 'Binance'"),
        (["asset": "BTC", "from": "1", "to": "2", "venues": ""], "venues: unknown venue ''"),
        (["asset": "BTC", "from": "1", "to": "2", "venues": "okx,,bybit"], "venues: unknown venue ''"),
        (["asset": "BTC", "from": "1", "to": "2", "venues": "okx,okx,okx,okx,okx,okx,okx"], "venues names at most 6"),
    ] as [([String: String], String)])
    func invalid(_ query: [String: String], _ message: String) {
        do {
            let request = try Self.parse(query)
            Issue.record("accepted \(request)")
        } catch {
            #expect(error.statusCode == 400)
            #expect(error.code == "bad_request")
            #expect(error.message.contains(message), "\(error.message)")
        }
    }

    @Test("the query binds every value and filters [from, to) by event time")
    func sql() {
        let plain = LiquidationSQL.query(LiquidationRequest(asset: "BTC", from: 1, to: 2))
        #expect(plain.sql.contains("WHERE asset = $1 AND ts >= $2 AND ts < $3"))
        #expect(!plain.sql.contains("venue IN"))
        #expect(plain.binds == ["BTC".pgParameter, Int64(1).pgParameter, Int64(2).pgParameter])
        let filtered = LiquidationSQL.query(LiquidationRequest(asset: "ETH", from: 1, to: 2, venues: ["okx", "bybit"]))
        #expect(filtered.sql.contains("AND venue IN ($4, $5)"))
        #expect(filtered.binds.suffix(2) == ["okx".pgParameter, "bybit".pgParameter])
        #expect(filtered.sql.contains("sum(usd_micros)::text"))
        #expect(!filtered.sql.contains("ETH") && !filtered.sql.contains("okx"))
    }
}

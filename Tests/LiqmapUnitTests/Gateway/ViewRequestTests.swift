import LiqmapAggregation
import LiqmapCore
import LiqmapGateway
import Testing

@Suite("Gateway: view request validation")
struct ViewRequestTests {
    static let now: Int64 = 1_764_600_000_000
    static func heatmap(_ query: [String: String]) throws(APIError) -> HeatmapRequest {
        try HeatmapRequest.parse({ query[$0] }, now: now, model: ModelParameters())
    }

    static func message(_ query: [String: String]) -> String? {
        do {
            _ = try heatmap(query)
            return nil
        } catch {
            #expect(error.statusCode == 400)
            return error.message
        }
    }

    @Test("defaults: 24h ending now, projected, both sides, relative, json, 200 rows")
    func defaults() throws {
        let r = try Self.heatmap(["asset": "BTC"])
        #expect(r.to == Self.now && r.from == Self.now - 86_400_000 && r.window == "24h")
        #expect(r.layer == .projected && r.side == .both && !r.absoluteScale && r.format == .json && r.maxRows == 200)
        #expect(r.venues == nil && r.tiers == nil)
        // Aligned to the end of its last column (24 h at ≤ 500 columns → 3m).
        let a = r.aligned()
        #expect(a.plan.resolution == .m3)
        #expect(a.to % 180_000 == 0 && a.to - a.from == 86_400_000 && a.to >= r.to)
    }

    @Test("every parameter: good values")
    func goodValues() throws {
        let r = try Self.heatmap(["asset": "ETH", "from": "0", "to": "3600000", "layer": "realized", "venues": "okx,binance,okx", "side": "short",
                                  "scale": "absolute", "format": "png", "resolution": "1m", "rows": "50", "min_price": "10", "max_price": "20",
                                  "breakdown": "venue", "width": "800", "height": "400"])
        #expect(r.venues == [.okx, .binance] && r.side == .short && r.absoluteScale && r.format == .png && r.resolution == .m1)
        #expect(r.plan.columnCount == 60)
        #expect(r.venueBreakdown && r.width == 800 && r.minPrice == 10)
        let t = try Self.heatmap(["asset": "BTC", "leverage": "25,100x"])
        #expect(t.tiers == [3, 5])
    }

    @Test("bad input of every kind: a 400 that names the parameter")
    func badInput() {
        let cases: [([String: String], String)] = [
            ([:], "asset is required"),
            (["asset": "btc"], "asset must match"),
            (["asset": "BTC", "window": "2h"], "window must be one of"),
            (["asset": "BTC", "window": "24h", "from": "1"], "either window or from and to"),
            (["asset": "BTC", "from": "5", "to": "5"], "from must be less than to"),
            (["asset": "BTC", "from": "x", "to": "5"], "from must be an integer"),
            (["asset": "BTC", "from": "0", "to": "34560000001"], "at most 400 days"),
            (["asset": "BTC", "from": "-9223372036854775808", "to": "9223372036854775807"], "at most 400 days"),
            (["asset": "BTC", "layer": "both"], "layer must be"),
            (["asset": "BTC", "side": "up"], "side must be"),
            (["asset": "BTC", "venues": "binance,ftx"], "unknown venue 'ftx'"),
            (["asset": "BTC", "leverage": "7"], "leverage: unknown tier '7'"),
            (["asset": "BTC", "layer": "realized", "leverage": "5"], "leverage applies to layer=projected"),
            (["asset": "BTC", "scale": "log"], "scale must be"),
            (["asset": "BTC", "format": "xml"], "format must be"),
            (["asset": "BTC", "window": "1y", "resolution": "1m"], "at most 2000"),
            (["asset": "BTC", "resolution": "2m"], "resolution must be one of"),
            (["asset": "BTC", "rows": "100000"], "rows must be an integer in 10...1000"),
            (["asset": "BTC", "columns": "5"], "columns must be an integer in 10...2000"),
            (["asset": "BTC", "min_price": "-1"], "min_price must be a positive price"),
            (["asset": "BTC", "max_price": "nan"], "max_price must be a positive price"),
            (["asset": "BTC", "min_price": "5", "max_price": "4"], "min_price must be below max_price"),
            (["asset": "BTC", "breakdown": "all"], "breakdown must be"),
            (["asset": "BTC", "width": "99999"], "width must be"),
        ]
        for (query, expected) in cases {
            let message = Self.message(query)
            #expect(message?.contains(expected) == true, "\(query): \(message ?? "accepted")")
        }
    }

    @Test("levels and stream parameters")
    func levels() throws {
        let l = try LevelsRequest.parse({ ["asset": "BTC", "range_pct": "5", "bands": "50"][$0] }, model: ModelParameters())
        #expect(l.rangePercent == 5 && l.maxBands == 50 && l.zones == 3)
        #expect(throws: APIError.self) { try LevelsRequest.parse({ ["asset": "BTC", "range_pct": "500"][$0] }, model: ModelParameters()) }
        let s = try StreamRequest.parse({ ["asset": "BTC", "alert_pct": "0.5", "alert_usd": "2e6", "alert_consensus": "0.7"][$0] }, model: ModelParameters())
        #expect(s.alertPercent == 0.5 && s.alertUSD == 2e6 && s.alertConsensus == 0.7)
        #expect(throws: APIError.self) { try StreamRequest.parse({ ["asset": "BTC", "alert_consensus": "2"][$0] }, model: ModelParameters()) }
    }

    @Test("tile paths")
    func tiles() throws {
        let t = try TileRequest.parse(asset: "BTC", venue: "okx", layer: "realized", resolution: "1h", tile: "-3", instrument: "BTC-USDT-PERP",
                                      accept: "application/octet-stream")
        #expect(t.tile == -3 && t.binary && t.resolution == .h1)
        #expect(throws: APIError.self) { try TileRequest.parse(asset: "BTC", venue: "ftx", layer: "realized", resolution: "1h", tile: "1", instrument: nil, accept: nil) }
        #expect(throws: APIError.self) { try TileRequest.parse(asset: "BTC", venue: "okx", layer: "realized", resolution: "1h", tile: "1e3", instrument: nil, accept: nil) }
        #expect(throws: APIError.self) { try TileRequest.parse(asset: "BTC", venue: "okx", layer: "realized", resolution: "1h", tile: "1", instrument: "eth usdt", accept: nil) }
    }

    @Test("ETags and Accept-Encoding")
    func headers() {
        let tag = ETag.of(Array("hello".utf8))
        #expect(tag.count == 18 && tag.hasPrefix("\"") && tag != ETag.of(Array("hellp".utf8)))
        #expect(ETag.matches("\"x\", \(tag)", tag) && ETag.matches("*", tag) && ETag.matches("W/\(tag)", tag))
        #expect(!ETag.matches(nil, tag) && !ETag.matches("\"other\"", tag))
    }

    @Test("gzip output is a gzip stream that is smaller for repetitive text")
    func gzip() throws {
        let text = Array(String(repeating: "[1,2,3.5],", count: 2000).utf8)
        let z = try #require(Gzip.compress(text))
        #expect(z.count < text.count / 10)
        #expect(z[0] == 0x1f && z[1] == 0x8b)
        // The trailer holds the input length mod 2^32.
        let n = z.suffix(4).enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        #expect(n == text.count)
    }

    @Test("update notices round-trip; names are cleaned; nothing changed → no payload")
    func notices() throws {
        let n = UpdateNotice(shard: 1, realized: ["ETH", "BTC"], projected: ["BTC"], committedMs: 42)
        let payload = try #require(n.payload)
        #expect(payload == #"{"shard":1,"realized":["BTC","ETH"],"projected":["BTC"],"committed_ms":42}"#)
        #expect(UpdateNotice(payload: payload) == n)
        #expect(UpdateNotice(shard: 0, realized: ["B\"TC"], projected: []).payload == #"{"shard":0,"realized":["BTC"],"projected":[]}"#)
        #expect(UpdateNotice(shard: 0, realized: [], projected: []).payload == nil)
        #expect(UpdateNotice(payload: "{not json") == nil)
    }
}

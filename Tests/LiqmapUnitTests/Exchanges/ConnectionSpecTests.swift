import LiqmapCollector
import LiqmapCore
import LiqmapExchanges
import Testing

@Suite("Connection specs, backoff and duplicate suppression")
struct ConnectionSpecTests {
    @Test("every feed has a connection spec with default symbols its parser resolves", arguments: Feed.allCases)
    func specs(_ feed: Feed) {
        let spec = FeedConnections.spec(feed)
        #expect(spec.feed == feed)
        #expect(!spec.defaultSymbols.isEmpty)
        for symbol in spec.defaultSymbols {
            #expect(InstrumentRegistry().resolve(symbol, feed: feed) != nil, "\(feed.rawValue) default \(symbol) needs no instrument file")
        }
        let plans = spec.plans(symbols: spec.defaultSymbols, ws: "ws://127.0.0.1:9")
        #expect(!plans.isEmpty && plans.allSatisfy { $0.url.hasPrefix("ws://127.0.0.1:9/") })
        for message in plans.flatMap(\.subscribe) { #expect((try? JSON.parse(message)) != nil, "subscribe message is JSON: \(message)") }
    }

    @Test("Binance: combined streams per symbol, 300 symbols per connection, REST open interest polls")
    func binance() {
        let spec = BinanceConnection(feed: .binanceUSDM)
        let plan = spec.plans(symbols: ["BTCUSDT"], ws: nil)[0]
        #expect(plan.url == "wss://fstream.binance.com/market/stream?streams=btcusdt@aggTrade/btcusdt@forceOrder/btcusdt@markPrice@1s")
        #expect(spec.plans(symbols: (0..<301).map { "S\($0)USDT" }, ws: nil).count == 2, "at most 1024 streams per connection")
        #expect(spec.restPolls(symbols: ["BTCUSDT"], rest: "http://h:1").map(\.url) == ["http://h:1/fapi/v1/openInterest?symbol=BTCUSDT"])
        #expect(BinanceConnection(feed: .binanceCOINM).instrumentURLs(rest: nil) == ["https://dapi.binance.com/dapi/v1/exchangeInfo"])
        #expect(spec.maxConnectionLifetime! < 24 * 3600)
    }

    @Test("Bybit: 10 topics per subscribe request; JSON ping every 20 s")
    func bybit() throws {
        let plan = BybitConnection(feed: .bybitInverse).plans(symbols: ["BTCUSD", "ETHUSD", "XRPUSD", "SOLUSD"], ws: nil)[0]
        #expect(plan.url == "wss://stream.bybit.com/v5/public/inverse")
        #expect(plan.subscribe.count == 2)
        #expect(try JSON.parse(plan.subscribe[0])["args"]?.array?.count == 10)
        #expect(BybitConnection(feed: .bybitLinear).keepalive == .send(message: #"{"req_id":"ping","op":"ping"}"#, seconds: 20))
    }

    @Test("Deribit answers test_request with public/test and nothing else")
    func deribit() {
        let spec = DeribitConnection()
        #expect(spec.reply(to: #"{"jsonrpc":"2.0","method":"heartbeat","params":{"type":"test_request"}}"#)?.contains("public/test") == true)
        #expect(spec.reply(to: #"{"jsonrpc":"2.0","method":"heartbeat","params":{"type":"heartbeat"}}"#) == nil)
        #expect(spec.reply(to: "garbage test_request") == nil)
    }

    @Test("host override keeps the path and query")
    func rebase() {
        #expect(OKXConnection().plans(symbols: ["BTC-USDT-SWAP"], ws: "ws://127.0.0.1:7/")[0].url == "ws://127.0.0.1:7/ws/v5/public")
        #expect(BitMEXConnection().instrumentURLs(rest: "http://x:1") == ["http://x:1/api/v1/instrument/active"])
    }

    @Test("backoff: full jitter under a growing, capped ceiling; a long-lived connection resets it")
    func backoff() {
        var b = Backoff(base: 1, cap: 8, resetAfter: 60)
        var rng = SystemRandomNumberGenerator()
        var ceilings: [Double] = []
        for _ in 0..<6 {
            let d = b.next(connectionLived: 0, using: &rng)
            ceilings.append(min(8, pow2(b.attempt - 1)))
            #expect(d >= 0 && d <= ceilings.last!)
        }
        #expect(ceilings == [1, 2, 4, 8, 8, 8])
        _ = b.next(connectionLived: 120, using: &rng)
        #expect(b.attempt == 1)
        // Jitter spreads reconnects: 1000 draws at the cap are not clustered.
        var draws: [Double] = []
        for _ in 0..<1000 {
            var fresh = Backoff(base: 8, cap: 8)
            draws.append(fresh.next(connectionLived: 0, using: &rng))
        }
        let mean = draws.reduce(0, +) / 1000
        let sd = (draws.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 1000).squareRoot()
        #expect(sd > 0.25 * 8)
    }

    func pow2(_ n: Int) -> Double { Double(1 << n) }

    @Test("recent keys: duplicates refused, oldest forgotten past capacity")
    func recentKeys() {
        var r = RecentKeys(capacity: 3)
        let answers = ["a", "b", "c", "a", "d", "a", "d"].map { r.insert($0) }
        // a, b, c are new; a is a duplicate; d evicts a; a is new again; d is still remembered.
        #expect(answers == [true, true, true, false, true, true, false])
    }

    @Test("event keys: trades by id, liquidations by content")
    func eventKeys() {
        func liq(_ price: Double, ts: Int64 = 1) -> NormalizedEvent {
            NormalizedEvent(venue: .bybit, feed: .bybitLinear, symbol: "BTCUSDT", instrument: "BTC-USDT-PERP", ts: ts, recvTs: 99,
                            body: .liquidation(Liquidation(side: .long, price: price, qty: 1, notionalUSD: price)))
        }
        #expect(RecentKeys.key(liq(1)) == RecentKeys.key(liq(1)))
        #expect(RecentKeys.key(liq(1)) != RecentKeys.key(liq(2)))
        #expect(RecentKeys.key(liq(1)) != RecentKeys.key(liq(1, ts: 2)))
    }
}

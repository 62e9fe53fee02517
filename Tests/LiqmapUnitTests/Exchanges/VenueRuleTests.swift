import Foundation
import LiqmapCore
import LiqmapExchanges
import Testing

/// One test per venue convention, each on a real frame quoted in shared/reference/wire-formats.md
/// (copied verbatim into Tests/Fixtures/wire-formats), with the expected numbers worked out by hand.
@Suite("Venue side and unit conventions")
struct VenueRuleTests {
    /// The frames of a wire-formats example file, in order.
    static func frames(_ name: String) throws -> [String] {
        try String(contentsOf: Repository.url("Tests/Fixtures/wire-formats/\(name).jsonl"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
    }

    static func frame(_ name: String, containing needle: String) throws -> String {
        try #require(try frames(name).first { $0.contains(needle) }, "no \(name) example contains \(needle)")
    }

    static func parse(_ feed: Feed, _ frame: String, recvTs: Int64? = nil, registry: InstrumentRegistry = InstrumentRegistry()) throws -> [NormalizedEvent] {
        var parser = FeedParsers.make(feed, instruments: registry)
        return try parser.parse(frame, recvTs: recvTs)
    }

    static func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-9 * max(abs(a), abs(b)) }

    static func liquidation(_ events: [NormalizedEvent]) throws -> Liquidation {
        let found = events.compactMap { if case .liquidation(let l) = $0.body { l } else { nil } }
        return try #require(found.first)
    }

    @Test func binanceSellForceOrderMeansLongLiquidated() throws {
        let e = try Self.parse(.binanceUSDM, Self.frame("binance-usdm", containing: #""ap":"9910""#))
        let l = try Self.liquidation(e)
        #expect(l.side == .long)
        #expect(l.price == 9910 && l.qty == 0.014 && Self.close(l.notionalUSD, 138.74))
        #expect(e[0].ts == 1_568_014_460_893 && e[0].instrument == "BTC-USDT-PERP")
    }

    @Test func binanceForceOrderPriceIsAverageFillAndQtyIsAccumulated() throws {
        // "S":"BUY","p":"4793.91","ap":"4706.04","l":"0.015","z":"0.014": a short, at ap, for z.
        let l = try Self.liquidation(try Self.parse(.binanceUSDM, Self.frame("binance-usdm", containing: #""ap":"4706.04""#)))
        #expect(l.side == .short && l.price == 4706.04 && l.qty == 0.014)
    }

    @Test func binanceBuyerIsMakerMeansTakerSold() throws {
        let e = try Self.parse(.binanceCOINM, Self.frame("binance-coinm", containing: #""e":"aggTrade""#))
        guard case .trade(let t) = try #require(e.first).body else { Issue.record("not a trade"); return }
        #expect(t.side == .sell)
    }

    @Test func binanceCoinMSizesAreContractsOfContractSizeUSD() throws {
        // BTCUSD_200925, 3 contracts of 100 USD at ap 9352.7.
        let l = try Self.liquidation(try Self.parse(.binanceCOINM, Self.frame("binance-coinm", containing: "forceOrder")))
        #expect(l.notionalUSD == 300 && Self.close(l.qty, 300 / 9352.7) && l.side == .long)
        // BCHUSD_PERP aggTrade: 3 contracts of 10 USD.
        let e = try Self.parse(.binanceCOINM, Self.frame("binance-coinm", containing: #""e":"aggTrade""#))
        guard case .trade(let t) = try #require(e.first).body else { Issue.record("not a trade"); return }
        #expect(t.notionalUSD == 30 && Self.close(t.qty, 30 / 427.91))
    }

    @Test func binanceContractSizeFromInstrumentFileWins() throws {
        var registry = InstrumentRegistry()
        let body = #"{"symbols":[{"symbol":"BCHUSD_PERP","contractType":"PERPETUAL","deliveryDate":4133404800000,"contractSize":25,"baseAsset":"BCH","quoteAsset":"USD"}]}"#
        #expect(try registry.load(body: body) == 1)
        let e = try Self.parse(.binanceCOINM, Self.frame("binance-coinm", containing: #""e":"aggTrade""#), registry: registry)
        guard case .trade(let t) = try #require(e.first).body else { Issue.record("not a trade"); return }
        #expect(t.notionalUSD == 75)
    }

    @Test func bybitPositionSideSellMeansShortLiquidated() throws {
        // allLiquidation ROSEUSDT: "S":"Sell","v":"20000","p":"0.04499" — Bybit's S is the position side.
        let l = try Self.liquidation(try Self.parse(.bybitLinear, Self.frame("bybit-linear", containing: "allLiquidation.ROSEUSDT")))
        #expect(l.side == .short && l.qty == 20000 && Self.close(l.notionalUSD, 899.8) && l.price == 0.04499)
    }

    @Test func bybitInverseSizesAreUSD() throws {
        // liquidation.XRPUSD: "size":"6949","price":"0.5149" → 6949 USD.
        let l = try Self.liquidation(try Self.parse(.bybitInverse, Self.frame("bybit-inverse", containing: "liquidation.XRPUSD")))
        #expect(l.notionalUSD == 6949 && Self.close(l.qty, 6949 / 0.5149))
    }

    @Test func bybitTickerSnapshotGivesMarkAndOpenInterestAndDeltaNeedsSnapshot() throws {
        let e = try Self.parse(.bybitLinear, Self.frame("bybit-linear", containing: "tickers.BTCUSDT"))
        #expect(e.map(\.kind) == [.markPrice, .openInterest])
        guard case .openInterest(let oi) = e[1].body, case .markPrice(let m) = e[0].body else { Issue.record("kinds"); return }
        #expect(oi.oiQty == 52774.528 && oi.oiUSD == 1_506_861_070.82)
        #expect(m.price == 28552.81 && m.indexPrice == 28562.25 && m.fundingRate == 0.0001)
        #expect(throws: MalformedFrame.self) { try Self.parse(.bybitInverse, Self.frame("bybit-inverse", containing: "tickers.BTCUSD")) }
    }

    @Test func okxSizesAreContractsTimesCtVal() throws {
        // BTC-USDT-SWAP, ctVal 0.01 BTC: 7 contracts = 0.07 BTC.
        let e = try Self.parse(.okx, Self.frame("okx", containing: #""tradeId":"219066264""#))
        guard case .trade(let t) = try #require(e.first).body else { Issue.record("not a trade"); return }
        #expect(t.qty == 0.07 && Self.close(t.notionalUSD, 0.07 * 43568.8) && t.side == .buy)
    }

    @Test func okxBuyLiquidationOrderClosesAShortAndInverseSizesAreUSD() throws {
        // XRP-USD-230929 (inverse, ctVal 10 USD): side buy, posSide short, sz 39 at bkPx 0.55205.
        let l = try Self.liquidation(try Self.parse(.okx, Self.frame("okx", containing: "XRP-USD-230929")))
        #expect(l.side == .short && l.notionalUSD == 390 && Self.close(l.qty, 390 / 0.55205) && l.price == 0.55205)
    }

    @Test func okxUnknownContractValueIsMalformed() throws {
        // IOST-USDT-SWAP's ctVal is not built in: without the instrument file the frame cannot be sized.
        #expect(throws: MalformedFrame.self) { try Self.parse(.okx, Self.frame("okx", containing: "IOST-USDT-SWAP")) }
    }

    @Test func deribitTakerFlagTLiquidatesTheTakersSide() throws {
        // "liquidation":"T","direction":"sell","amount":1120 (USD): the taker was force-sold → long.
        let e = try Self.parse(.deribit, Self.frame("deribit", containing: #""liquidation":"T""#))
        #expect(e.map(\.kind) == [.trade, .liquidation])
        let l = try Self.liquidation(e)
        #expect(l.side == .long && l.notionalUSD == 1120 && Self.close(l.qty, 1120 / 4469.5))
    }

    @Test func deribitMakerFlagMLiquidatesTheOppositeSide() throws {
        // "liquidation":"M","direction":"buy": the maker sold → its long was liquidated.
        let l = try Self.liquidation(try Self.parse(.deribit, Self.frame("deribit", containing: #""liquidation":"M""#)))
        #expect(l.side == .long && l.notionalUSD == 2500)
    }

    @Test func deribitInverseOpenInterestIsUSD() throws {
        let e = try Self.parse(.deribit, Self.frame("deribit", containing: #""open_interest":66128281"#))
        guard case .openInterest(let oi) = try #require(e.last).body else { Issue.record("no OI"); return }
        #expect(oi.oiUSD == 66_128_281 && Self.close(oi.oiQty, 66_128_281 / 10094.1))
    }

    @Test func bitmexBuyLiquidationMeansShortAndHasNoVenueTime() throws {
        let frame = try Self.frame("bitmex", containing: #""action":"insert","data":[{"orderID""#)
        let e = try Self.parse(.bitmex, frame, recvTs: 1_600_000_000_123)
        let l = try Self.liquidation(e)
        #expect(l.side == .short && l.notionalUSD == 9214 && Self.close(l.qty, 9214.0 / 10106) && l.price == 10106)
        #expect(e[0].ts == 1_600_000_000_123, "BitMEX liquidations take the receive time")
        #expect(try Self.parse(.bitmex, frame)[0].ts == nil, "…and null without one")
        #expect(try Self.parse(.bitmex, Self.frame("bitmex", containing: #""action":"delete""#)).isEmpty)
    }

    /// Quanto contracts pay `multiplier` satoshis per point of price: ETHUSD (multiplier 100 in the
    /// recorded 2021-07-22 instrument list) at 2003.93 is 0.0020039 XBT a contract, in USD at the last
    /// XBTUSD price. Frames: the recorded XBTUSD liquidation with its symbol and price changed, and an
    /// instrument update carrying the recorded XBTUSD mark 32184.89 and ETHUSD's recorded open
    /// interest (1,403,475 contracts; BitMEX's own openValue 281,246,565,675 XBt checks the math).
    @Test func bitmexQuantoIsValuedAtTheXBTPrice() throws {
        var registry = InstrumentRegistry()
        _ = registry.load(file: try String(contentsOf: Repository.url("Tests/Fixtures/bitmex/cryptofeed_REST_instrument_active_2021-07-22.txt"),
                                           encoding: .utf8))
        var parser = BitMEXParser(instruments: registry)
        let recorded = try Self.frame("bitmex", containing: #""action":"insert","data":[{"orderID""#)
        let liquidation = recorded.replacingOccurrences(of: "XBTUSD", with: "ETHUSD").replacingOccurrences(of: "\"side\":\"Buy\"", with: "\"side\":\"Sell\"")
            .replacingOccurrences(of: "10106", with: "2003.93").replacingOccurrences(of: "9214", with: "1000")
        #expect(throws: MalformedFrame.self, "no XBT price yet: malformed, never a guess") { try parser.parse(liquidation, recvTs: 1) }
        let marks = #"{"table":"instrument","action":"update","data":[{"symbol":"XBTUSD","markPrice":32184.89,"timestamp":"2021-07-22T22:36:05.000Z"},{"symbol":"ETHUSD","markPrice":2003.93,"openInterest":1403475,"timestamp":"2021-07-22T22:36:05.000Z"}]}"#
        let m = try parser.parse(marks, recvTs: 1)
        guard case .openInterest(let oi) = try #require(m.last).body else { Issue.record("no ETHUSD open interest"); return }
        let oiUSD = try #require(oi.oiUSD)
        #expect(m.last?.instrument == "ETH-USD-PERP" && Self.close(oiUSD, 281_246_565_675e-8 * 32184.89))
        let l = try Self.liquidation(try parser.parse(liquidation, recvTs: 2))
        #expect(l.side == .long && l.price == 2003.93)
        #expect(Self.close(l.notionalUSD, 1000 * 100e-8 * 2003.93 * 32184.89) && Self.close(l.qty, 1000 * 100e-8 * 32184.89))
    }

    /// A COIN-M open-interest poll answered before the symbol's first mark price is held, not
    /// malformed (the collector polls at start), and comes out with that mark: 5,827,897 contracts of
    /// 100 USD at a mark of 29,500 (the recorded mark frame, its symbol and price changed).
    @Test func binanceCoinMOpenInterestWaitsForTheFirstMark() throws {
        var parser = BinanceParser(feed: .binanceCOINM, instruments: InstrumentRegistry())
        let poll = try Self.frame("binance-coinm", containing: #""openInterest":"5827897""#)
        #expect(try parser.parse(poll, recvTs: 5).isEmpty)
        let mark = try Self.frame("binance-coinm", containing: "markPriceUpdate")
            .replacingOccurrences(of: "BTCUSD_200925", with: "BTCUSD_PERP").replacingOccurrences(of: "btcusd_200925", with: "btcusd_perp")
            .replacingOccurrences(of: "9501.15723333", with: "29500")
        let e = try parser.parse(mark, recvTs: 6)
        #expect(e.count == 2 && e[0].kind == .markPrice)
        guard case .openInterest(let oi) = try #require(e.last).body else { Issue.record("no open interest"); return }
        #expect(oi.oiUSD == 582_789_700 && Self.close(oi.oiQty, 582_789_700 / 29500.0))
        #expect(e[1].ts == 1_654_336_819_740 && e[1].recvTs == 5, "the poll's own times")
        #expect(try parser.parse(mark, recvTs: 7).count == 1, "held once, emitted once")
    }

    @Test func bitmexTradesUseHomeAndForeignNotional() throws {
        let e = try Self.parse(.bitmex, Self.frame("bitmex", containing: #""table":"trade""#))
        guard case .trade(let t) = try #require(e.first).body else { Issue.record("not a trade"); return }
        #expect(t.qty == 0.015813 && t.notionalUSD == 900 && t.side == .sell)
        #expect(e[0].ts == 1_615_514_404_608 && e[0].instrument == "BTC-USD-PERP", "XBT is written BTC")
    }

    @Test func hyperliquidSideBIsTakerBuyAndOpenInterestIsBase() throws {
        let t = try Self.parse(.hyperliquid, Self.frame("hyperliquid", containing: #""channel":"trades""#))
        guard case .trade(let trade) = try #require(t.first).body else { Issue.record("not a trade"); return }
        #expect(trade.side == .buy && trade.qty == 0.38111 && t[0].instrument == "BTC-USDC-PERP")
        let ctx = try Self.parse(.hyperliquid, Self.frame("hyperliquid", containing: "activeAssetCtx"), recvTs: 5)
        guard case .openInterest(let oi) = try #require(ctx.last).body else { Issue.record("no OI"); return }
        #expect(oi.oiQty == 18_617_460 && Self.close(oi.oiUSD ?? 0, 18_617_460 * 0.19963) && ctx[0].ts == 5)
    }

    @Test("every feed has a parser and golden coverage", arguments: Feed.allCases)
    func everyFeedRegistered(_ feed: Feed) {
        #expect(FeedParsers.make(feed, instruments: InstrumentRegistry()).feed == feed)
        #expect(GoldenTests.cases.contains { $0.feed == feed }, "\(feed.rawValue) has no golden test")
    }
}

@Suite("Sequence gaps")
struct SequenceGapTests {
    @Test func binanceAggTradeIdsAreConsecutivePerSymbol() throws {
        let frames = try String(contentsOf: Repository.url("Tests/Fixtures/binance_usdm/cryptofeed_BINANCE_FUTURES_aggTrade_2021-07-22.txt"),
                                encoding: .utf8).split(separator: "\n")
        var session = ParseSession(feed: .binanceUSDM, instruments: InstrumentRegistry())
        var gaps: [SequenceGap] = []
        for line in frames {
            _ = session.line(line)
            gaps += session.takeGaps()
        }
        // The recording subscribed to four quiet symbols; whatever gaps it has must be real holes in `a`.
        var ids: [String: [Int64]] = [:]
        for line in frames {
            guard case .frame(_, let text) = RecordingLine.split(line), let json = try? JSON.parse(text),
                  let d = json["data"], let s = d["s"]?.string, let a = d["a"]?.int64 else { continue }
            ids[s, default: []].append(a)
        }
        var expected: [SequenceGap] = []
        for (symbol, list) in ids {
            for (x, y) in zip(list, list.dropFirst()) where y > x + 1 { expected.append(SequenceGap(symbol: symbol, from: x + 1, to: y - 1)) }
        }
        #expect(Set(gaps) == Set(expected))
        #expect(session.gaps == gaps.count)
    }

    @Test func binanceBackfillRowsBecomeTradesOfTheSymbol() throws {
        // A REST aggTrades body has the stream's row shape without `e` and `s`: the rows of a recorded frame.
        let recording = try String(contentsOf: Repository.url("Tests/Fixtures/binance_usdm/cryptofeed_BINANCE_FUTURES_aggTrade_2021-07-22.txt"),
                                   encoding: .utf8)
        let line = try #require(recording.split(separator: "\n").first { $0.contains(#""e":"aggTrade""#) })
        guard case .frame(_, let frame) = RecordingLine.split(line), case .object(let pairs)? = try JSON.parse(frame)["data"] else {
            Issue.record("no row"); return
        }
        var rowText: [UInt8] = Array("[{".utf8)
        for p in pairs where p.key != "e" && p.key != "s" && p.key != "E" {
            if rowText.count > 2 { rowText += Array(",".utf8) }
            rowText += Array("\"\(p.key)\":".utf8)
            switch p.value {
            case .string(let s): rowText += Array("\"\(s)\"".utf8)
            case .number(let n): rowText += Array(n.utf8)
            case .bool(let b): rowText += Array((b ? "true" : "false").utf8)
            default: rowText += Array("null".utf8)
            }
        }
        rowText += Array("}]".utf8)
        var session = ParseSession(feed: .binanceUSDM, instruments: InstrumentRegistry())
        guard case .events(let events) = session.backfill(String(decoding: rowText, as: UTF8.self), symbol: "BTCUSDT", recvTs: 1) else {
            Issue.record("backfill refused"); return
        }
        #expect(events.count == 1 && events[0].symbol == "BTCUSDT" && events[0].kind == .trade)
        guard case .malformed = session.backfill("{}", symbol: "BTCUSDT", recvTs: 1) else { Issue.record("object accepted"); return }
    }
}

import LiqmapCore

/// BitMEX realtime tables for inverse perpetuals (`XBTUSD`, and `ETHUSD`/`SOLUSD` simulated as
/// inverse contracts of 1 USD, not BitMEX's real quanto ones): `trade` inserts, `liquidation`
/// insert + delete, `instrument` partial then updates every 5 s (mark, open interest, funding), and
/// `funding` inserts at each 8-hour funding time.
///
/// Quirks: liquidation rows carry **no timestamp** (a collector uses its receive time), the side of
/// the liquidation **order** (`Sell` = a long was liquidated), the order price (the bankruptcy
/// price) and `leavesQty` in contracts; trade times are ISO-8601 strings; numbers are JSON numbers.
struct BitMEXEncoder: FeedEncoder {
    let feed = Feed.bitmex
    let feedIndex: Int
    let instruments: [SimInstrument]
    let formats: [ContractFormat]
    var ws: Connection
    var rng: SimRandom
    var lastTradePrice: [Int64]
    var lastDirection: [Int]
    /// Liquidation orders to delete from the table: (due time, symbol index, order id words).
    var deletes: [(due: Int64, asset: Int, id0: UInt64, id1: UInt64)] = []
    let symbolField: [[UInt8]]

    init(_ ctx: EncoderContext) {
        feedIndex = ctx.feedIndex
        instruments = ctx.instruments
        formats = ctx.instruments.map(\.format)
        ws = ctx.connection
        rng = ctx.random(0)
        lastTradePrice = Array(repeating: 0, count: instruments.count)
        lastDirection = Array(repeating: 1, count: instruments.count)
        symbolField = instruments.map { Wire.bytes("\"symbol\":\"\($0.symbol)\"") }
    }

    mutating func open(at t: Int64, quotes: [VenueQuote], into sink: inout FrameSink) {
        var start = sink.arena.count
        ByteFormat.append("{\"info\":\"Welcome to the BitMEX Realtime API.\",\"version\":\"2.0.0\",\"timestamp\":\"", to: &sink.arena)
        ByteFormat.append(iso: t, to: &sink.arena)
        ByteFormat.append("\",\"docs\":\"https://www.bitmex.com/app/wsAPI\",\"heartbeatEnabled\":false,\"limit\":{\"remaining\":39}}", to: &sink.arena)
        sink.commit(from: start, recvTs: ws.receive(t), feed: feedIndex)
        let args = ["liquidation"] + instruments.flatMap { ["trade:\($0.symbol)", "instrument:\($0.symbol)"] }
        let request = "{\"op\":\"subscribe\",\"args\":[\(args.map { "\"\($0)\"" }.joined(separator: ","))]}"
        for arg in args {
            start = sink.arena.count
            ByteFormat.append(string: "{\"success\":true,\"subscribe\":\"\(arg)\",\"request\":\(request)}", to: &sink.arena)
            sink.commit(from: start, recvTs: ws.receive(t), feed: feedIndex)
        }
        start = sink.arena.count
        ByteFormat.append("{\"table\":\"instrument\",\"action\":\"partial\",\"keys\":[\"symbol\"],\"types\":{},\"filter\":{},\"data\":[", to: &sink.arena)
        for a in instruments.indices {
            if a > 0 { sink.arena.append(0x2C) }
            lastTradePrice[a] = quotes[a].lastPrice
            instrumentRow(a, now: t, quotes[a], full: true, into: &sink)
        }
        ByteFormat.append("]}", to: &sink.arena)
        sink.commit(from: start, recvTs: ws.receive(t), feed: feedIndex)
    }

    mutating func trade(_ p: TradePrint, quote: VenueQuote, into sink: inout FrameSink) {
        let a = p.asset, inst = formats[a]
        let direction = Wire.tickDirection(p.price, previous: lastTradePrice[a], previousDirection: lastDirection[a])
        lastTradePrice[a] = p.price
        lastDirection[a] = direction
        let contracts = p.lots * inst.lotUnits
        let price = inst.price(units: p.price)
        let usd = inst.usd(lots: p.lots, price: price)
        let start = sink.arena.count
        ByteFormat.append("{\"table\":\"trade\",\"action\":\"insert\",\"data\":[{\"timestamp\":\"", to: &sink.arena)
        ByteFormat.append(iso: p.ts, to: &sink.arena)
        ByteFormat.append("\",", to: &sink.arena)
        sink.arena.append(contentsOf: symbolField[a])
        ByteFormat.append(p.takerBuy ? ",\"side\":\"Buy\",\"size\":" : ",\"side\":\"Sell\",\"size\":", to: &sink.arena)
        ByteFormat.append(int: contracts, to: &sink.arena)
        ByteFormat.append(",\"price\":", to: &sink.arena)
        ByteFormat.append(units: p.price, decimals: inst.priceDecimals, to: &sink.arena)
        ByteFormat.append(",\"tickDirection\":\"", to: &sink.arena)
        sink.arena.append(contentsOf: Wire.tickDirectionNames[direction])
        ByteFormat.append("\",\"trdMatchID\":\"", to: &sink.arena)
        ByteFormat.append(uuid: rng.next(), rng.next(), to: &sink.arena)
        ByteFormat.append("\",\"grossValue\":", to: &sink.arena)
        ByteFormat.append(int: Int64((usd / price * 1e8).rounded()), to: &sink.arena)
        ByteFormat.append(",\"homeNotional\":", to: &sink.arena)
        ByteFormat.append(fixed: usd / price, decimals: 8, to: &sink.arena)
        ByteFormat.append(",\"foreignNotional\":", to: &sink.arena)
        ByteFormat.append(int: Int64(usd.rounded()), to: &sink.arena)
        ByteFormat.append(",\"trdType\":\"Regular\"}]}", to: &sink.arena)
        sink.commit(from: start, recvTs: ws.receive(p.ts), feed: feedIndex)
    }

    mutating func liquidation(_ p: LiquidationPrint, into sink: inout FrameSink) {
        let inst = formats[p.asset]
        let id0 = rng.next(), id1 = rng.next()
        let start = sink.arena.count
        ByteFormat.append("{\"table\":\"liquidation\",\"action\":\"insert\",\"data\":[{\"orderID\":\"", to: &sink.arena)
        ByteFormat.append(uuid: id0, id1, to: &sink.arena)
        ByteFormat.append("\",", to: &sink.arena)
        sink.arena.append(contentsOf: symbolField[p.asset])
        ByteFormat.append(p.long ? ",\"side\":\"Sell\",\"price\":" : ",\"side\":\"Buy\",\"price\":", to: &sink.arena)
        ByteFormat.append(units: p.bankruptcyPrice, decimals: inst.priceDecimals, to: &sink.arena)
        ByteFormat.append(",\"leavesQty\":", to: &sink.arena)
        ByteFormat.append(int: p.lots * inst.lotUnits, to: &sink.arena)
        ByteFormat.append("}]}", to: &sink.arena)
        sink.commit(from: start, recvTs: ws.receive(p.ts), feed: feedIndex)
        sink.reported.append(p.truthIndex)
        deletes.append((p.ts + 200 + Int64(rng.below(600)), p.asset, id0, id1))
    }

    /// One `instrument` row: mark, index, funding, open interest (contracts) and its XBt value.
    mutating func instrumentRow(_ a: Int, now: Int64, _ q: VenueQuote, full: Bool, into sink: inout FrameSink) {
        let inst = formats[a]
        let d = inst.priceDecimals
        sink.arena.append(0x7B)
        sink.arena.append(contentsOf: symbolField[a])
        if full {
            ByteFormat.append(string: ",\"rootSymbol\":\"\(instruments[a].asset == "BTC" ? "XBT" : instruments[a].asset)\",\"state\":\"Open\",\"typ\":\"FFWCSX\",\"isInverse\":true,\"isQuanto\":false",
                              to: &sink.arena)
        }
        ByteFormat.append(",\"lastPrice\":", to: &sink.arena)
        ByteFormat.append(units: q.lastPrice, decimals: d, to: &sink.arena)
        ByteFormat.append(",\"markPrice\":", to: &sink.arena)
        ByteFormat.append(fixed: q.mark, decimals: d + 1, to: &sink.arena)
        ByteFormat.append(",\"indicativeSettlePrice\":", to: &sink.arena)
        ByteFormat.append(fixed: q.index, decimals: d + 1, to: &sink.arena)
        ByteFormat.append(",\"fundingRate\":", to: &sink.arena)
        ByteFormat.append(fixed: q.funding, decimals: 6, to: &sink.arena)
        let contracts = q.openLots * inst.lotUnits
        ByteFormat.append(",\"openInterest\":", to: &sink.arena)
        ByteFormat.append(int: contracts, to: &sink.arena)
        ByteFormat.append(",\"openValue\":", to: &sink.arena)
        ByteFormat.append(int: Int64((Double(contracts) / q.mark * 1e8).rounded()), to: &sink.arena)
        ByteFormat.append(",\"timestamp\":\"", to: &sink.arena)
        ByteFormat.append(iso: now, to: &sink.arena)
        ByteFormat.append("\"}", to: &sink.arena)
    }

    mutating func tick(now: Int64, quotes: [VenueQuote], into sink: inout FrameSink) {
        if !deletes.isEmpty { flushDeletes(upTo: now, into: &sink) }
        guard now % 5000 == 0 else { return }
        let start = sink.arena.count
        ByteFormat.append("{\"table\":\"instrument\",\"action\":\"update\",\"data\":[", to: &sink.arena)
        for a in instruments.indices {
            if a > 0 { sink.arena.append(0x2C) }
            instrumentRow(a, now: now, quotes[a], full: false, into: &sink)
        }
        ByteFormat.append("]}", to: &sink.arena)
        sink.commit(from: start, recvTs: ws.receive(now), feed: feedIndex)
        if now % Wire.fundingIntervalMs == 0 {
            for a in instruments.indices {
                let start = sink.arena.count
                ByteFormat.append("{\"table\":\"funding\",\"action\":\"insert\",\"data\":[{\"timestamp\":\"", to: &sink.arena)
                ByteFormat.append(iso: now, to: &sink.arena)
                ByteFormat.append("\",", to: &sink.arena)
                sink.arena.append(contentsOf: symbolField[a])
                ByteFormat.append(",\"fundingInterval\":\"2000-01-01T08:00:00.000Z\",\"fundingRate\":", to: &sink.arena)
                ByteFormat.append(fixed: quotes[a].funding, decimals: 6, to: &sink.arena)
                ByteFormat.append(",\"fundingRateDaily\":", to: &sink.arena)
                ByteFormat.append(fixed: quotes[a].funding * 3, decimals: 6, to: &sink.arena)
                ByteFormat.append("}]}", to: &sink.arena)
                sink.commit(from: start, recvTs: ws.receive(now), feed: feedIndex)
            }
        }
    }

    /// `delete` rows for liquidation orders that have filled.
    mutating func flushDeletes(upTo now: Int64, into sink: inout FrameSink) {
        var kept: [(due: Int64, asset: Int, id0: UInt64, id1: UInt64)] = []
        for d in deletes {
            guard d.due <= now else {
                kept.append(d)
                continue
            }
            let start = sink.arena.count
            ByteFormat.append("{\"table\":\"liquidation\",\"action\":\"delete\",\"data\":[{\"orderID\":\"", to: &sink.arena)
            ByteFormat.append(uuid: d.id0, d.id1, to: &sink.arena)
            ByteFormat.append("\",", to: &sink.arena)
            sink.arena.append(contentsOf: symbolField[d.asset])
            ByteFormat.append("}]}", to: &sink.arena)
            sink.commit(from: start, recvTs: ws.receive(now), feed: feedIndex)
        }
        deletes = kept
    }

    mutating func close(at t: Int64, quotes: [VenueQuote], into sink: inout FrameSink) {
        flushDeletes(upTo: .max, into: &sink)
    }

    /// `GET /api/v1/instrument/active` (perpetuals, inverse, 1 USD contracts).
    static func instrumentsBody(_ instruments: [SimInstrument], at t: Int64) -> String {
        let rows = instruments.map { inst -> String in
            let root = inst.asset == "BTC" ? "XBT" : inst.asset
            return "{\"symbol\":\"\(inst.symbol)\",\"rootSymbol\":\"\(root)\",\"state\":\"Open\",\"typ\":\"FFWCSX\",\"listing\":\"2016-05-04T12:00:00.000Z\","
                + "\"front\":\"2016-05-04T12:00:00.000Z\",\"positionCurrency\":\"USD\",\"underlying\":\"\(root)\",\"quoteCurrency\":\"USD\","
                + "\"underlyingSymbol\":\"\(root)=\",\"reference\":\"BMEX\",\"referenceSymbol\":\".B\(root)\",\"maxOrderQty\":10000000,"
                + "\"maxPrice\":1000000,\"lotSize\":\(inst.lotUnits),\"tickSize\":\(decimalText(units: inst.tickUnits, decimals: inst.priceDecimals)),"
                + "\"multiplier\":-100000000,\"settlCurrency\":\"XBt\",\"underlyingToSettleMultiplier\":-100000000,\"quoteToSettleMultiplier\":null,"
                + "\"isQuanto\":false,\"isInverse\":true,\"initMargin\":0.01,\"maintMargin\":0.0035,\"fundingInterval\":\"2000-01-01T08:00:00.000Z\"}"
        }
        return "[\(rows.joined(separator: ","))]"
    }
}

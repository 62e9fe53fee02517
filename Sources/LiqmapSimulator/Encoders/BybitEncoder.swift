import LiqmapCore

/// Bybit v5 public streams, linear and inverse: `publicTrade.<sym>`, `allLiquidation.<sym>` and
/// `tickers.<sym>`.
///
/// Quirks: `allLiquidation` pushes every liquidation, in batches every 500 ms, with the **position**
/// side (`Buy` = a long was liquidated) and the bankruptcy price; `tickers` is one snapshot on
/// subscribing, then deltas (every second) carrying only the fields that changed; open interest
/// in the 2026 shape: `openInterest` both sides, `singleOpenInterest` one side (linear: base units,
/// inverse: USD).
struct BybitEncoder: FeedEncoder {
    let feed: Feed
    let feedIndex: Int
    let instruments: [SimInstrument]
    let formats: [ContractFormat]
    var ws: Connection
    var rng: SimRandom
    var tradeSeq: [Int64]
    var crossSeq: [Int64]
    var lastTradePrice: [Int64]
    var lastDirection: [Int]
    var pending: [[LiquidationPrint]]
    /// What the last ticker frame said, to send only changes.
    var sent: [TickerFields]
    let tradePrefix: [[UInt8]], symbolField: [[UInt8]], liquidationPrefix: [[UInt8]], tickerPrefix: [[UInt8]]

    static let liquidationBatchMs: Int64 = 500
    static let tickerMs: Int64 = 1000

    struct TickerFields: Equatable {
        var last: Int64 = -1, mark: Int64 = -1, index: Int64 = -1, oi: Int64 = -1, funding: Int64 = .min
    }

    init(_ ctx: EncoderContext) {
        feed = ctx.feed
        feedIndex = ctx.feedIndex
        instruments = ctx.instruments
        formats = ctx.instruments.map(\.format)
        ws = ctx.connection
        rng = ctx.random(0)
        tradeSeq = instruments.indices.map { Int64(48_000_000_000 + $0 * 1_000_000_000) }
        crossSeq = instruments.indices.map { Int64(50_193_544_280 + $0 * 1_000_000_000) }
        lastTradePrice = Array(repeating: 0, count: instruments.count)
        lastDirection = Array(repeating: 1, count: instruments.count)
        pending = instruments.map { _ in [] }
        sent = instruments.map { _ in TickerFields() }
        tradePrefix = instruments.map { Wire.bytes("{\"topic\":\"publicTrade.\($0.symbol)\",\"type\":\"snapshot\",\"ts\":") }
        symbolField = instruments.map { Wire.bytes("\"s\":\"\($0.symbol)\"") }
        liquidationPrefix = instruments.map { Wire.bytes("{\"topic\":\"allLiquidation.\($0.symbol)\",\"type\":\"snapshot\",\"ts\":") }
        tickerPrefix = instruments.map { Wire.bytes("{\"topic\":\"tickers.\($0.symbol)\",\"type\":") }
    }

    mutating func open(at t: Int64, quotes: [VenueQuote], into sink: inout FrameSink) {
        let topics = instruments.flatMap { ["publicTrade.\($0.symbol)", "allLiquidation.\($0.symbol)", "tickers.\($0.symbol)"] }
        for i in stride(from: 0, to: topics.count, by: 10) {
            let start = sink.arena.count
            ByteFormat.append(string: "{\"success\":true,\"ret_msg\":\"\",\"conn_id\":\"d30fdpbboasp1pjbe7r0\",\"req_id\":\"sub-\(i / 10)\",\"op\":\"subscribe\"}",
                              to: &sink.arena)
            sink.commit(from: start, recvTs: ws.receive(t), feed: feedIndex)
        }
        for a in instruments.indices {
            lastTradePrice[a] = quotes[a].lastPrice
            ticker(a, now: t, quotes[a], snapshot: true, into: &sink)
        }
    }

    mutating func trade(_ p: TradePrint, quote: VenueQuote, into sink: inout FrameSink) {
        let a = p.asset, inst = formats[a]
        let direction = Wire.tickDirection(p.price, previous: lastTradePrice[a], previousDirection: lastDirection[a])
        lastTradePrice[a] = p.price
        lastDirection[a] = direction
        let start = sink.arena.count
        sink.arena.append(contentsOf: tradePrefix[a])
        ByteFormat.append(int: p.ts + 2, to: &sink.arena)
        ByteFormat.append(",\"data\":[{\"T\":", to: &sink.arena)
        ByteFormat.append(int: p.ts, to: &sink.arena)
        sink.arena.append(0x2C)
        sink.arena.append(contentsOf: symbolField[a])
        ByteFormat.append(p.takerBuy ? ",\"S\":\"Buy\",\"v\":" : ",\"S\":\"Sell\",\"v\":", to: &sink.arena)
        Wire.quoted(units: p.lots * inst.lotUnits, decimals: inst.sizeDecimals, &sink.arena)
        ByteFormat.append(",\"p\":", to: &sink.arena)
        Wire.quoted(units: p.price, decimals: inst.priceDecimals, &sink.arena)
        ByteFormat.append(",\"L\":\"", to: &sink.arena)
        sink.arena.append(contentsOf: Wire.tickDirectionNames[direction])
        ByteFormat.append("\",\"i\":\"", to: &sink.arena)
        ByteFormat.append(uuid: rng.next(), rng.next(), to: &sink.arena)
        ByteFormat.append("\",\"BT\":false,\"RPI\":false,\"seq\":", to: &sink.arena)
        tradeSeq[a] += 1
        ByteFormat.append(int: tradeSeq[a], to: &sink.arena)
        ByteFormat.append("}]}", to: &sink.arena)
        sink.commit(from: start, recvTs: ws.receive(p.ts + 2), feed: feedIndex)
    }

    mutating func liquidation(_ p: LiquidationPrint, into sink: inout FrameSink) {
        pending[p.asset].append(p)
    }

    /// One `allLiquidation` frame with every liquidation of the last 500 ms.
    mutating func flushLiquidations(_ a: Int, now: Int64, into sink: inout FrameSink) {
        guard !pending[a].isEmpty else { return }
        let inst = formats[a]
        let start = sink.arena.count
        sink.arena.append(contentsOf: liquidationPrefix[a])
        ByteFormat.append(int: now, to: &sink.arena)
        ByteFormat.append(",\"data\":[", to: &sink.arena)
        for (i, p) in pending[a].enumerated() {
            if i > 0 { sink.arena.append(0x2C) }
            ByteFormat.append("{\"T\":", to: &sink.arena)
            ByteFormat.append(int: p.ts, to: &sink.arena)
            sink.arena.append(0x2C)
            sink.arena.append(contentsOf: symbolField[a])
            ByteFormat.append(p.long ? ",\"S\":\"Buy\",\"v\":" : ",\"S\":\"Sell\",\"v\":", to: &sink.arena)
            Wire.quoted(units: p.lots * inst.lotUnits, decimals: inst.sizeDecimals, &sink.arena)
            ByteFormat.append(",\"p\":", to: &sink.arena)
            Wire.quoted(units: p.bankruptcyPrice, decimals: inst.priceDecimals, &sink.arena)
            sink.arena.append(0x7D)
            sink.reported.append(p.truthIndex)
        }
        ByteFormat.append("]}", to: &sink.arena)
        sink.commit(from: start, recvTs: ws.receive(now), feed: feedIndex)
        pending[a].removeAll(keepingCapacity: true)
    }

    /// A `tickers` snapshot (every field) or delta (changed fields only; nothing when none changed).
    mutating func ticker(_ a: Int, now: Int64, _ q: VenueQuote, snapshot: Bool, into sink: inout FrameSink) {
        let inst = formats[a]
        let d = inst.priceDecimals
        var now_ = TickerFields()
        now_.last = q.lastPrice
        now_.mark = ByteFormat.scaled(q.mark, d)
        now_.index = ByteFormat.scaled(q.index, d)
        now_.oi = q.openLots
        now_.funding = ByteFormat.scaled(q.funding, 6)
        let old = snapshot ? TickerFields() : sent[a]
        if !snapshot && old == now_ { return }
        sent[a] = now_
        let start = sink.arena.count
        sink.arena.append(contentsOf: tickerPrefix[a])
        ByteFormat.append(snapshot ? "\"snapshot\",\"data\":{\"symbol\":\"" : "\"delta\",\"data\":{\"symbol\":\"", to: &sink.arena)
        ByteFormat.append(string: instruments[a].symbol, to: &sink.arena)
        sink.arena.append(0x22)
        if snapshot {
            ByteFormat.append(",\"tickDirection\":\"ZeroPlusTick\"", to: &sink.arena)
        }
        if now_.last != old.last {
            ByteFormat.append(",\"lastPrice\":", to: &sink.arena)
            Wire.quoted(units: now_.last, decimals: d, &sink.arena)
        }
        if now_.mark != old.mark {
            ByteFormat.append(",\"markPrice\":", to: &sink.arena)
            Wire.quoted(units: now_.mark, decimals: d, &sink.arena)
        }
        if now_.index != old.index {
            ByteFormat.append(",\"indexPrice\":", to: &sink.arena)
            Wire.quoted(units: now_.index, decimals: d, &sink.arena)
        }
        if now_.oi != old.oi {
            let single = q.openLots * inst.lotUnits
            let singleUSD = inst.usd(lots: q.openLots, price: q.mark)
            ByteFormat.append(",\"openInterest\":", to: &sink.arena)
            Wire.quoted(units: 2 * single, decimals: inst.sizeDecimals, &sink.arena)
            ByteFormat.append(",\"openInterestValue\":", to: &sink.arena)
            if inst.isInverse {
                Wire.quoted(fixed: 2 * singleUSD / q.mark, decimals: 8, &sink.arena)
            } else {
                Wire.quoted(fixed: 2 * singleUSD, decimals: 2, &sink.arena)
            }
            ByteFormat.append(",\"singleOpenInterest\":", to: &sink.arena)
            Wire.quoted(units: single, decimals: inst.sizeDecimals, &sink.arena)
            ByteFormat.append(",\"singleOpenInterestValue\":", to: &sink.arena)
            if inst.isInverse {
                Wire.quoted(fixed: singleUSD / q.mark, decimals: 8, &sink.arena)
            } else {
                Wire.quoted(fixed: singleUSD, decimals: 2, &sink.arena)
            }
        }
        if now_.funding != old.funding {
            ByteFormat.append(",\"fundingRate\":", to: &sink.arena)
            Wire.quoted(units: now_.funding, decimals: 6, &sink.arena)
        }
        if snapshot {
            ByteFormat.append(",\"nextFundingTime\":", to: &sink.arena)
            Wire.quoted(int: Wire.nextFunding(after: now), &sink.arena)
            ByteFormat.append(",\"fundingIntervalHour\":\"8\"", to: &sink.arena)
        }
        ByteFormat.append("},\"cs\":", to: &sink.arena)
        crossSeq[a] += 1 + Int64(rng.below(40))
        ByteFormat.append(int: crossSeq[a], to: &sink.arena)
        ByteFormat.append(",\"ts\":", to: &sink.arena)
        ByteFormat.append(int: now, to: &sink.arena)
        sink.arena.append(0x7D)
        sink.commit(from: start, recvTs: ws.receive(now), feed: feedIndex)
    }

    mutating func tick(now: Int64, quotes: [VenueQuote], into sink: inout FrameSink) {
        guard now % Self.liquidationBatchMs == 0 else { return }
        for a in instruments.indices {
            flushLiquidations(a, now: now, into: &sink)
            if now % Self.tickerMs == 0 { ticker(a, now: now, quotes[a], snapshot: false, into: &sink) }
        }
    }

    mutating func close(at t: Int64, quotes: [VenueQuote], into sink: inout FrameSink) {
        for a in instruments.indices { flushLiquidations(a, now: t, into: &sink) }
    }

    /// `GET /v5/market/instruments-info?category=linear|inverse`.
    static func instrumentsBody(_ feed: Feed, _ instruments: [SimInstrument], at t: Int64) -> String {
        let inverse = feed == .bybitInverse
        let list = instruments.map { inst in
            "{\"symbol\":\"\(inst.symbol)\",\"contractType\":\"\(inverse ? "InversePerpetual" : "LinearPerpetual")\",\"status\":\"Trading\","
                + "\"baseCoin\":\"\(inst.asset)\",\"quoteCoin\":\"\(inst.quote)\",\"settleCoin\":\"\(inverse ? inst.asset : inst.quote)\","
                + "\"launchTime\":\"1584230400000\",\"deliveryTime\":\"0\",\"priceScale\":\"\(inst.priceDecimals)\","
                + "\"leverageFilter\":{\"minLeverage\":\"1\",\"maxLeverage\":\"100.00\",\"leverageStep\":\"0.01\"},"
                + "\"priceFilter\":{\"minPrice\":\"\(decimalText(units: inst.tickUnits, decimals: inst.priceDecimals))\",\"maxPrice\":\"1999999.80\","
                + "\"tickSize\":\"\(decimalText(units: inst.tickUnits, decimals: inst.priceDecimals))\"},"
                + "\"lotSizeFilter\":{\"maxOrderQty\":\"1190\",\"minOrderQty\":\"\(decimalText(units: inst.lotUnits, decimals: inst.sizeDecimals))\","
                + "\"qtyStep\":\"\(decimalText(units: inst.lotUnits, decimals: inst.sizeDecimals))\"},\"fundingInterval\":480}"
        }
        return "{\"retCode\":0,\"retMsg\":\"OK\",\"result\":{\"category\":\"\(inverse ? "inverse" : "linear")\",\"list\":[\(list.joined(separator: ","))],"
            + "\"nextPageCursor\":\"\"},\"retExtInfo\":{},\"time\":\(t)}"
    }
}

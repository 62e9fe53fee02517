import LiqmapCore

/// OKX v5 public channels for USDT swaps: `trades`, `liquidation-orders` (subscribed by instType),
/// `mark-price` (every second), `open-interest` (every 3 s) and `funding-rate` (every minute).
///
/// Quirks: sizes are **contracts** (× `ctVal` base units each); `liquidation-orders` shows at most
/// one order per contract per second (the latest; the others are hidden) with the bankruptcy price
/// `bkPx`; numbers and times are strings.
struct OKXEncoder: FeedEncoder {
    let feed = Feed.okx
    let feedIndex: Int
    let instruments: [SimInstrument]
    let formats: [ContractFormat]
    var ws: Connection
    var tradeID: [Int64]
    var pending: [ThrottledLiquidation]
    let tradePrefix: [[UInt8]], instField: [[UInt8]], liquidationSuffix: [[UInt8]], markPrefix: [[UInt8]], oiPrefix: [[UInt8]],
        fundingPrefix: [[UInt8]]

    init(_ ctx: EncoderContext) {
        feedIndex = ctx.feedIndex
        instruments = ctx.instruments
        formats = ctx.instruments.map(\.format)
        ws = ctx.connection
        tradeID = instruments.indices.map { Int64(219_066_264 + $0 * 50_000_000) }
        pending = instruments.map { _ in ThrottledLiquidation() }
        tradePrefix = instruments.map { Wire.bytes("{\"arg\":{\"channel\":\"trades\",\"instId\":\"\($0.symbol)\"},\"data\":[{") }
        instField = instruments.map { Wire.bytes("\"instId\":\"\($0.symbol)\"") }
        liquidationSuffix = instruments.map { inst in
            let family = inst.symbol.replacingSuffix("-SWAP")
            return Wire.bytes("],\"instFamily\":\"\(family)\",\"instId\":\"\(inst.symbol)\",\"instType\":\"SWAP\",\"uly\":\"\(family)\"}]}")
        }
        markPrefix = instruments.map { Wire.bytes("{\"arg\":{\"channel\":\"mark-price\",\"instId\":\"\($0.symbol)\"},\"data\":[{\"instId\":\"\($0.symbol)\",\"instType\":\"SWAP\",\"markPx\":") }
        oiPrefix = instruments.map { Wire.bytes("{\"arg\":{\"channel\":\"open-interest\",\"instId\":\"\($0.symbol)\"},\"data\":[{\"instId\":\"\($0.symbol)\",\"instType\":\"SWAP\",\"oi\":") }
        fundingPrefix = instruments.map { Wire.bytes("{\"arg\":{\"channel\":\"funding-rate\",\"instId\":\"\($0.symbol)\"},\"data\":[{\"fundingRate\":") }
    }

    mutating func open(at t: Int64, quotes: [VenueQuote], into sink: inout FrameSink) {
        var args = instruments.flatMap { inst in
            ["trades", "open-interest", "mark-price", "funding-rate"].map { "{\"channel\":\"\($0)\",\"instId\":\"\(inst.symbol)\"}" }
        }
        args.append("{\"channel\":\"liquidation-orders\",\"instType\":\"SWAP\"}")
        for arg in args {
            let start = sink.arena.count
            ByteFormat.append(string: "{\"event\":\"subscribe\",\"arg\":\(arg),\"connId\":\"a4d3ae55\"}", to: &sink.arena)
            sink.commit(from: start, recvTs: ws.receive(t), feed: feedIndex)
        }
        for a in instruments.indices {
            mark(a, now: t, quotes[a], into: &sink)
            openInterest(a, now: t, quotes[a], into: &sink)
            funding(a, now: t, quotes[a], into: &sink)
        }
    }

    mutating func trade(_ p: TradePrint, quote: VenueQuote, into sink: inout FrameSink) {
        let a = p.asset, inst = formats[a]
        let start = sink.arena.count
        sink.arena.append(contentsOf: tradePrefix[a])
        sink.arena.append(contentsOf: instField[a])
        ByteFormat.append(",\"tradeId\":", to: &sink.arena)
        tradeID[a] += 1
        Wire.quoted(int: tradeID[a], &sink.arena)
        ByteFormat.append(",\"px\":", to: &sink.arena)
        Wire.quoted(units: p.price, decimals: inst.priceDecimals, &sink.arena)
        ByteFormat.append(",\"sz\":", to: &sink.arena)
        Wire.quoted(units: p.lots * inst.lotUnits, decimals: inst.sizeDecimals, &sink.arena)
        ByteFormat.append(p.takerBuy ? ",\"side\":\"buy\",\"ts\":" : ",\"side\":\"sell\",\"ts\":", to: &sink.arena)
        Wire.quoted(int: p.ts, &sink.arena)
        ByteFormat.append(",\"count\":\"1\"}]}", to: &sink.arena)
        sink.commit(from: start, recvTs: ws.receive(p.ts), feed: feedIndex)
    }

    mutating func liquidation(_ p: LiquidationPrint, into sink: inout FrameSink) {
        let window = p.ts / 1000
        if pending[p.asset].latest != nil, pending[p.asset].window != window { flush(p.asset, into: &sink) }
        pending[p.asset].window = window
        pending[p.asset].latest = p
    }

    /// Pushes the second's latest liquidation of a contract at the end of the second.
    mutating func flush(_ a: Int, into sink: inout FrameSink) {
        guard let p = pending[a].latest else { return }
        pending[a].latest = nil
        let inst = formats[a]
        let pushed = (pending[a].window + 1) * 1000
        let start = sink.arena.count
        ByteFormat.append("{\"arg\":{\"channel\":\"liquidation-orders\",\"instType\":\"SWAP\"},\"data\":[{\"details\":[{\"bkLoss\":\"0\",\"bkPx\":",
                          to: &sink.arena)
        Wire.quoted(units: p.bankruptcyPrice, decimals: inst.priceDecimals, &sink.arena)
        ByteFormat.append(p.long ? ",\"ccy\":\"\",\"posSide\":\"long\",\"side\":\"sell\",\"sz\":" : ",\"ccy\":\"\",\"posSide\":\"short\",\"side\":\"buy\",\"sz\":",
                          to: &sink.arena)
        Wire.quoted(units: p.lots * inst.lotUnits, decimals: inst.sizeDecimals, &sink.arena)
        ByteFormat.append(",\"ts\":", to: &sink.arena)
        Wire.quoted(int: p.ts, &sink.arena)
        sink.arena.append(0x7D)
        sink.arena.append(contentsOf: liquidationSuffix[a])
        sink.commit(from: start, recvTs: ws.receive(pushed), feed: feedIndex)
        sink.reported.append(p.truthIndex)
    }

    mutating func mark(_ a: Int, now: Int64, _ q: VenueQuote, into sink: inout FrameSink) {
        let start = sink.arena.count
        sink.arena.append(contentsOf: markPrefix[a])
        Wire.quoted(fixed: q.mark, decimals: formats[a].priceDecimals, &sink.arena)
        ByteFormat.append(",\"ts\":", to: &sink.arena)
        Wire.quoted(int: now, &sink.arena)
        ByteFormat.append("}]}", to: &sink.arena)
        sink.commit(from: start, recvTs: ws.receive(now), feed: feedIndex)
    }

    mutating func openInterest(_ a: Int, now: Int64, _ q: VenueQuote, into sink: inout FrameSink) {
        let inst = formats[a]
        let start = sink.arena.count
        sink.arena.append(contentsOf: oiPrefix[a])
        Wire.quoted(units: q.openLots * inst.lotUnits, decimals: inst.sizeDecimals, &sink.arena)
        ByteFormat.append(",\"oiCcy\":", to: &sink.arena)
        Wire.quoted(fixed: inst.qty(lots: q.openLots, price: q.mark), decimals: 4, &sink.arena)
        ByteFormat.append(",\"oiUsd\":", to: &sink.arena)
        Wire.quoted(fixed: inst.usd(lots: q.openLots, price: q.mark), decimals: 4, &sink.arena)
        ByteFormat.append(",\"ts\":", to: &sink.arena)
        Wire.quoted(int: now, &sink.arena)
        ByteFormat.append("}]}", to: &sink.arena)
        sink.commit(from: start, recvTs: ws.receive(now), feed: feedIndex)
    }

    mutating func funding(_ a: Int, now: Int64, _ q: VenueQuote, into sink: inout FrameSink) {
        let start = sink.arena.count
        sink.arena.append(contentsOf: fundingPrefix[a])
        Wire.quoted(fixed: q.funding, decimals: 8, &sink.arena)
        let next = Wire.nextFunding(after: now)
        ByteFormat.append(",\"fundingTime\":", to: &sink.arena)
        Wire.quoted(int: next, &sink.arena)
        sink.arena.append(0x2C)
        sink.arena.append(contentsOf: instField[a])
        ByteFormat.append(",\"instType\":\"SWAP\",\"method\":\"current_period\",\"maxFundingRate\":\"0.0075\",\"minFundingRate\":\"-0.0075\",\"nextFundingRate\":\"\",\"nextFundingTime\":",
                          to: &sink.arena)
        Wire.quoted(int: next + Wire.fundingIntervalMs, &sink.arena)
        ByteFormat.append(",\"settFundingRate\":\"0.0001\",\"settState\":\"settled\",\"ts\":", to: &sink.arena)
        Wire.quoted(int: now, &sink.arena)
        ByteFormat.append("}]}", to: &sink.arena)
        sink.commit(from: start, recvTs: ws.receive(now), feed: feedIndex)
    }

    mutating func tick(now: Int64, quotes: [VenueQuote], into sink: inout FrameSink) {
        guard now % 1000 == 0 else { return }
        for a in instruments.indices {
            if pending[a].latest != nil, pending[a].window < now / 1000 { flush(a, into: &sink) }
            mark(a, now: now, quotes[a], into: &sink)
            if now % 3000 == 0 { openInterest(a, now: now, quotes[a], into: &sink) }
            if now % 60000 == 0 { funding(a, now: now, quotes[a], into: &sink) }
        }
    }

    mutating func close(at t: Int64, quotes: [VenueQuote], into sink: inout FrameSink) {
        for a in instruments.indices { flush(a, into: &sink) }
    }

    /// `GET /api/v5/public/instruments?instType=SWAP`.
    static func instrumentsBody(_ instruments: [SimInstrument], at t: Int64) -> String {
        let data = instruments.map { inst -> String in
            let ctVal: String
            if case .linear(let b) = inst.sizing { ctVal = decimalText(units: ByteFormat.scaled(b, 4), decimals: 4) } else { ctVal = "1" }
            let family = inst.symbol.replacingSuffix("-SWAP")
            return "{\"alias\":\"\",\"baseCcy\":\"\",\"category\":\"1\",\"ctMult\":\"1\",\"ctType\":\"linear\",\"ctVal\":\"\(ctVal)\","
                + "\"ctValCcy\":\"\(inst.asset)\",\"expTime\":\"\",\"instFamily\":\"\(family)\",\"instId\":\"\(inst.symbol)\",\"instType\":\"SWAP\","
                + "\"lever\":\"100\",\"listTime\":\"1611916828000\",\"lotSz\":\"\(decimalText(units: inst.lotUnits, decimals: inst.sizeDecimals))\","
                + "\"maxMktSz\":\"10000\",\"minSz\":\"\(decimalText(units: inst.lotUnits, decimals: inst.sizeDecimals))\",\"settleCcy\":\"\(inst.quote)\","
                + "\"state\":\"live\",\"tickSz\":\"\(decimalText(units: inst.tickUnits, decimals: inst.priceDecimals))\",\"uly\":\"\(family)\"}"
        }
        return "{\"code\":\"0\",\"msg\":\"\",\"data\":[\(data.joined(separator: ","))]}"
    }
}

extension String {
    func replacingSuffix(_ suffix: String) -> String { hasSuffix(suffix) ? String(dropLast(suffix.count)) : self }
}

import LiqmapCore

/// Binance USDⓈ-M and COIN-M futures: combined-stream frames (`{"stream":…,"data":…}`) for
/// `<sym>@aggTrade`, `<sym>@forceOrder` and `<sym>@markPrice@1s`, and REST `/openInterest` poll
/// bodies every 10 s per symbol (Binance has no open-interest stream).
///
/// Quirk: `forceOrder` pushes at most one liquidation per symbol per second, the latest one of the
/// second; the others are hidden. Sizes are base units (USD-M) or contracts (COIN-M).
struct BinanceEncoder: FeedEncoder {
    let feed: Feed
    let feedIndex: Int
    let instruments: [SimInstrument]
    let formats: [ContractFormat]
    let start: Int64
    var ws: Connection
    var rest: Connection
    var rng: SimRandom
    var aggID: [Int64]
    var tradeID: [Int64]
    var pending: [ThrottledLiquidation]
    let aggPrefix: [[UInt8]], forcePrefix: [[UInt8]], markPrefix: [[UInt8]], symbolField: [[UInt8]], oiPrefix: [[UInt8]]

    static let pollMs: Int64 = 10_000

    init(_ ctx: EncoderContext) {
        feed = ctx.feed
        feedIndex = ctx.feedIndex
        instruments = ctx.instruments
        formats = ctx.instruments.map(\.format)
        start = ctx.start
        rng = ctx.random(0)
        ws = ctx.connection
        rest = Connection(rng: ctx.random(2), latency: (ctx.latency.lowerBound + 20)...(ctx.latency.upperBound + 60))
        aggID = instruments.indices.map { Int64(1_800_000_000 + $0 * 100_000_000) }
        tradeID = instruments.indices.map { Int64(5_400_000_000 + $0 * 300_000_000) }
        pending = instruments.map { _ in ThrottledLiquidation() }
        aggPrefix = instruments.map { Wire.bytes("{\"stream\":\"\($0.symbol.lowercased())@aggTrade\",\"data\":{\"e\":\"aggTrade\",\"E\":") }
        forcePrefix = instruments.map { Wire.bytes("{\"stream\":\"\($0.symbol.lowercased())@forceOrder\",\"data\":{\"e\":\"forceOrder\",\"E\":") }
        markPrefix = instruments.map { Wire.bytes("{\"stream\":\"\($0.symbol.lowercased())@markPrice@1s\",\"data\":{\"e\":\"markPriceUpdate\",\"E\":") }
        symbolField = instruments.map { Wire.bytes("\"s\":\"\($0.symbol)\"") }
        oiPrefix = instruments.map { inst in
            if ctx.feed == .binanceCOINM {
                let pair = inst.symbol.split(separator: "_").first.map(String.init) ?? inst.symbol
                return Wire.bytes("{\"symbol\":\"\(inst.symbol)\",\"pair\":\"\(pair)\",\"openInterest\":")
            }
            return Wire.bytes("{\"symbol\":\"\(inst.symbol)\",\"openInterest\":")
        }
    }

    mutating func open(at t: Int64, quotes: [VenueQuote], into sink: inout FrameSink) {
        for a in instruments.indices { mark(a, now: t, quotes[a], into: &sink) }
    }

    mutating func trade(_ p: TradePrint, quote: VenueQuote, into sink: inout FrameSink) {
        let a = p.asset, inst = formats[a]
        let start = sink.arena.count
        sink.arena.append(contentsOf: aggPrefix[a])
        ByteFormat.append(int: p.ts + 1, to: &sink.arena)
        ByteFormat.append(",\"a\":", to: &sink.arena)
        aggID[a] += 1
        ByteFormat.append(int: aggID[a], to: &sink.arena)
        sink.arena.append(0x2C)
        sink.arena.append(contentsOf: symbolField[a])
        ByteFormat.append(",\"p\":", to: &sink.arena)
        Wire.quoted(units: p.price, decimals: inst.priceDecimals, &sink.arena)
        ByteFormat.append(",\"q\":", to: &sink.arena)
        Wire.quoted(units: p.lots * inst.lotUnits, decimals: inst.sizeDecimals, &sink.arena)
        ByteFormat.append(",\"f\":", to: &sink.arena)
        let fills = Int64(1 + (p.lots > 1 ? rng.below(3) : 0))
        ByteFormat.append(int: tradeID[a] + 1, to: &sink.arena)
        ByteFormat.append(",\"l\":", to: &sink.arena)
        tradeID[a] += fills
        ByteFormat.append(int: tradeID[a], to: &sink.arena)
        ByteFormat.append(",\"T\":", to: &sink.arena)
        ByteFormat.append(int: p.ts, to: &sink.arena)
        if p.takerBuy { ByteFormat.append(",\"m\":false}}", to: &sink.arena) } else { ByteFormat.append(",\"m\":true}}", to: &sink.arena) }
        sink.commit(from: start, recvTs: ws.receive(p.ts + 1), feed: feedIndex)
    }

    mutating func liquidation(_ p: LiquidationPrint, into sink: inout FrameSink) {
        let window = p.ts / 1000
        if pending[p.asset].latest != nil, pending[p.asset].window != window { flush(p.asset, into: &sink) }
        pending[p.asset].window = window
        pending[p.asset].latest = p  // the latest of the second replaces the earlier ones (hidden)
    }

    /// Pushes the second's latest liquidation at the end of its second.
    mutating func flush(_ a: Int, into sink: inout FrameSink) {
        guard let p = pending[a].latest else { return }
        pending[a].latest = nil
        let inst = formats[a]
        let pushed = (pending[a].window + 1) * 1000
        let start = sink.arena.count
        sink.arena.append(contentsOf: forcePrefix[a])
        ByteFormat.append(int: pushed, to: &sink.arena)
        ByteFormat.append(",\"o\":{", to: &sink.arena)
        sink.arena.append(contentsOf: symbolField[a])
        ByteFormat.append(p.long ? ",\"S\":\"SELL\"" : ",\"S\":\"BUY\"", to: &sink.arena)
        ByteFormat.append(",\"o\":\"LIMIT\",\"f\":\"IOC\",\"q\":", to: &sink.arena)
        Wire.quoted(units: p.lots * inst.lotUnits, decimals: inst.sizeDecimals, &sink.arena)
        ByteFormat.append(",\"p\":", to: &sink.arena)
        Wire.quoted(units: p.bankruptcyPrice, decimals: inst.priceDecimals, &sink.arena)
        ByteFormat.append(",\"ap\":", to: &sink.arena)
        Wire.quoted(units: p.fillPrice, decimals: inst.priceDecimals, &sink.arena)
        ByteFormat.append(",\"X\":\"FILLED\",\"l\":", to: &sink.arena)
        Wire.quoted(units: p.lots * inst.lotUnits, decimals: inst.sizeDecimals, &sink.arena)
        ByteFormat.append(",\"z\":", to: &sink.arena)
        Wire.quoted(units: p.lots * inst.lotUnits, decimals: inst.sizeDecimals, &sink.arena)
        ByteFormat.append(",\"T\":", to: &sink.arena)
        ByteFormat.append(int: p.ts, to: &sink.arena)
        ByteFormat.append("}}}", to: &sink.arena)
        sink.commit(from: start, recvTs: ws.receive(pushed), feed: feedIndex)
        sink.reported.append(p.truthIndex)
    }

    mutating func mark(_ a: Int, now: Int64, _ q: VenueQuote, into sink: inout FrameSink) {
        let start = sink.arena.count
        sink.arena.append(contentsOf: markPrefix[a])
        ByteFormat.append(int: now, to: &sink.arena)
        sink.arena.append(0x2C)
        sink.arena.append(contentsOf: symbolField[a])
        ByteFormat.append(",\"p\":", to: &sink.arena)
        Wire.quoted(fixed: q.mark, decimals: 8, &sink.arena)
        ByteFormat.append(",\"i\":", to: &sink.arena)
        Wire.quoted(fixed: q.index, decimals: 8, &sink.arena)
        ByteFormat.append(",\"P\":", to: &sink.arena)
        Wire.quoted(fixed: q.index, decimals: 8, &sink.arena)
        ByteFormat.append(",\"r\":", to: &sink.arena)
        Wire.quoted(fixed: q.funding, decimals: 8, &sink.arena)
        ByteFormat.append(",\"T\":", to: &sink.arena)
        ByteFormat.append(int: Wire.nextFunding(after: now), to: &sink.arena)
        ByteFormat.append("}}", to: &sink.arena)
        sink.commit(from: start, recvTs: ws.receive(now), feed: feedIndex)
    }

    /// `GET /fapi|dapi/v1/openInterest?symbol=…` response body.
    mutating func openInterest(_ a: Int, now: Int64, _ q: VenueQuote, into sink: inout FrameSink) {
        let inst = formats[a]
        let start = sink.arena.count
        sink.arena.append(contentsOf: oiPrefix[a])
        Wire.quoted(units: q.openLots * inst.lotUnits, decimals: inst.sizeDecimals, &sink.arena)
        if feed == .binanceCOINM { ByteFormat.append(",\"contractType\":\"PERPETUAL\"", to: &sink.arena) }
        ByteFormat.append(",\"time\":", to: &sink.arena)
        ByteFormat.append(int: now, to: &sink.arena)
        sink.arena.append(0x7D)
        sink.commit(from: start, recvTs: rest.receive(now), feed: feedIndex)
    }

    mutating func tick(now: Int64, quotes: [VenueQuote], into sink: inout FrameSink) {
        guard now % 1000 == 0 else { return }
        for a in instruments.indices {
            if pending[a].latest != nil, pending[a].window < now / 1000 { flush(a, into: &sink) }
            mark(a, now: now, quotes[a], into: &sink)
            let phase = (1000 + 3000 * Int64(a)) % Self.pollMs
            if (now - start) % Self.pollMs == phase { openInterest(a, now: now, quotes[a], into: &sink) }
        }
    }

    mutating func close(at t: Int64, quotes: [VenueQuote], into sink: inout FrameSink) {
        for a in instruments.indices { flush(a, into: &sink) }
    }

    /// `GET /fapi/v1/exchangeInfo` (USD-M, no `contractSize`) or `/dapi/v1/exchangeInfo` (COIN-M, `contractSize` in USD).
    static func instrumentsBody(_ feed: Feed, _ instruments: [SimInstrument], at t: Int64) -> String {
        let symbols = instruments.map { inst -> String in
            let tick = decimalText(units: inst.tickUnits, decimals: inst.priceDecimals)
            let step = decimalText(units: inst.lotUnits, decimals: inst.sizeDecimals)
            let filters = "[{\"filterType\":\"PRICE_FILTER\",\"minPrice\":\"\(tick)\",\"maxPrice\":\"4529764\",\"tickSize\":\"\(tick)\"},"
                + "{\"filterType\":\"LOT_SIZE\",\"minQty\":\"\(step)\",\"maxQty\":\"1000\",\"stepSize\":\"\(step)\"}]"
            if case .inverse(let usd) = inst.sizing {
                let pair = inst.symbol.split(separator: "_").first.map(String.init) ?? inst.symbol
                return "{\"symbol\":\"\(inst.symbol)\",\"pair\":\"\(pair)\",\"contractType\":\"PERPETUAL\",\"deliveryDate\":4133404800000,"
                    + "\"onboardDate\":1597042800000,\"contractStatus\":\"TRADING\",\"contractSize\":\(Int(usd)),\"marginAsset\":\"\(inst.asset)\","
                    + "\"baseAsset\":\"\(inst.asset)\",\"quoteAsset\":\"USD\",\"pricePrecision\":\(inst.priceDecimals),"
                    + "\"quantityPrecision\":0,\"filters\":\(filters)}"
            }
            return "{\"symbol\":\"\(inst.symbol)\",\"pair\":\"\(inst.symbol)\",\"contractType\":\"PERPETUAL\",\"deliveryDate\":4133404800000,"
                + "\"onboardDate\":1569398400000,\"status\":\"TRADING\",\"baseAsset\":\"\(inst.asset)\",\"quoteAsset\":\"\(inst.quote)\","
                + "\"marginAsset\":\"\(inst.quote)\",\"pricePrecision\":\(inst.priceDecimals),\"quantityPrecision\":\(inst.sizeDecimals),"
                + "\"filters\":\(filters)}"
        }
        return "{\"timezone\":\"UTC\",\"serverTime\":\(t),\"futuresType\":\"\(feed == .binanceCOINM ? "COIN-M" : "U_MARGINED")\","
            + "\"rateLimits\":[],\"exchangeFilters\":[],\"symbols\":[\(symbols.joined(separator: ","))]}"
    }
}

/// A fixed-point decimal as text (`decimalText(units: 5, decimals: 1)` → `0.5`).
func decimalText(units: Int64, decimals: Int) -> String {
    var out: [UInt8] = []
    ByteFormat.append(units: units, decimals: decimals, to: &out)
    return String(decoding: out, as: UTF8.self)
}

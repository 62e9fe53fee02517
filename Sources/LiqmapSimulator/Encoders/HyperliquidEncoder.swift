import LiqmapCore

/// Hyperliquid perpetuals (USDC): `trades` and `activeAssetCtx` (sent every second here).
///
/// Quirk: there is **no public liquidation feed**; liquidation orders show only as ordinary trades,
/// so every Hyperliquid liquidation is hidden (it stays in `truth/`).
struct HyperliquidEncoder: FeedEncoder {
    let feed = Feed.hyperliquid
    let feedIndex: Int
    let instruments: [SimInstrument]
    let formats: [ContractFormat]
    var ws: Connection
    var rng: SimRandom
    var tid: Int64 = 1_016_375_172_059_570
    var dayVolume: [Double]
    let tradePrefix: [[UInt8]], ctxPrefix: [[UInt8]]

    init(_ ctx: EncoderContext) {
        feedIndex = ctx.feedIndex
        instruments = ctx.instruments
        formats = ctx.instruments.map(\.format)
        ws = ctx.connection
        rng = ctx.random(0)
        dayVolume = Array(repeating: 0, count: instruments.count)
        tradePrefix = instruments.map { Wire.bytes("{\"channel\":\"trades\",\"data\":[{\"coin\":\"\($0.symbol)\",\"side\":") }
        ctxPrefix = instruments.map { Wire.bytes("{\"channel\":\"activeAssetCtx\",\"data\":{\"coin\":\"\($0.symbol)\",\"ctx\":{\"funding\":") }
    }

    mutating func open(at t: Int64, quotes: [VenueQuote], into sink: inout FrameSink) {
        for inst in instruments {
            for type in ["trades", "activeAssetCtx"] {
                let start = sink.arena.count
                ByteFormat.append(string: "{\"channel\":\"subscriptionResponse\",\"data\":{\"method\":\"subscribe\",\"subscription\":{\"type\":\"\(type)\",\"coin\":\"\(inst.symbol)\"}}}",
                                  to: &sink.arena)
                sink.commit(from: start, recvTs: ws.receive(t), feed: feedIndex)
            }
        }
        for a in instruments.indices { context(a, now: t, quotes[a], into: &sink) }
    }

    mutating func trade(_ p: TradePrint, quote: VenueQuote, into sink: inout FrameSink) {
        let a = p.asset, inst = formats[a]
        dayVolume[a] += inst.usd(lots: p.lots, price: inst.price(units: p.price))
        let start = sink.arena.count
        sink.arena.append(contentsOf: tradePrefix[a])
        ByteFormat.append(p.takerBuy ? "\"B\",\"px\":" : "\"A\",\"px\":", to: &sink.arena)
        Wire.quoted(units: p.price, decimals: inst.priceDecimals, &sink.arena)
        ByteFormat.append(",\"sz\":", to: &sink.arena)
        Wire.quoted(units: p.lots * inst.lotUnits, decimals: inst.sizeDecimals, &sink.arena)
        ByteFormat.append(",\"time\":", to: &sink.arena)
        ByteFormat.append(int: p.ts, to: &sink.arena)
        ByteFormat.append(",\"hash\":\"0x", to: &sink.arena)
        for _ in 0..<4 { ByteFormat.append(hex: rng.next(), digits: 16, to: &sink.arena) }
        ByteFormat.append("\",\"tid\":", to: &sink.arena)
        tid += 1 + Int64(rng.below(1000))
        ByteFormat.append(int: tid, to: &sink.arena)
        ByteFormat.append("}]}", to: &sink.arena)
        sink.commit(from: start, recvTs: ws.receive(p.ts), feed: feedIndex)
    }

    mutating func liquidation(_ p: LiquidationPrint, into sink: inout FrameSink) {}  // no public feed: hidden

    mutating func context(_ a: Int, now: Int64, _ q: VenueQuote, into sink: inout FrameSink) {
        let inst = formats[a]
        let d = inst.priceDecimals + 1
        let start = sink.arena.count
        sink.arena.append(contentsOf: ctxPrefix[a])
        Wire.quoted(fixed: q.funding / 8, decimals: 8, &sink.arena)
        ByteFormat.append(",\"openInterest\":", to: &sink.arena)
        Wire.quoted(units: q.openLots * inst.lotUnits, decimals: inst.sizeDecimals, &sink.arena)
        ByteFormat.append(",\"prevDayPx\":", to: &sink.arena)
        Wire.quoted(fixed: q.index, decimals: d, &sink.arena)
        ByteFormat.append(",\"dayNtlVlm\":", to: &sink.arena)
        Wire.quoted(fixed: dayVolume[a], decimals: 2, &sink.arena)
        ByteFormat.append(",\"premium\":", to: &sink.arena)
        Wire.quoted(fixed: q.mark / q.index - 1, decimals: 8, &sink.arena)
        ByteFormat.append(",\"oraclePx\":", to: &sink.arena)
        Wire.quoted(fixed: q.index, decimals: d, &sink.arena)
        ByteFormat.append(",\"markPx\":", to: &sink.arena)
        Wire.quoted(fixed: q.mark, decimals: d, &sink.arena)
        ByteFormat.append(",\"midPx\":", to: &sink.arena)
        Wire.quoted(units: q.lastPrice, decimals: inst.priceDecimals, &sink.arena)
        ByteFormat.append(",\"impactPxs\":[", to: &sink.arena)
        Wire.quoted(units: max(inst.tickUnits, q.lastPrice - inst.tickUnits), decimals: inst.priceDecimals, &sink.arena)
        sink.arena.append(0x2C)
        Wire.quoted(units: q.lastPrice + inst.tickUnits, decimals: inst.priceDecimals, &sink.arena)
        ByteFormat.append("]}}}", to: &sink.arena)
        sink.commit(from: start, recvTs: ws.receive(now), feed: feedIndex)
    }

    mutating func tick(now: Int64, quotes: [VenueQuote], into sink: inout FrameSink) {
        guard now % 1000 == 0 else { return }
        for a in instruments.indices { context(a, now: now, quotes[a], into: &sink) }
    }

    mutating func close(at t: Int64, quotes: [VenueQuote], into sink: inout FrameSink) {}
}

import LiqmapCore

/// Deribit JSON-RPC subscriptions `trades.<inst>.100ms` and `ticker.<inst>.100ms` (the ticker sent
/// every second here): inverse `BTC-PERPETUAL`/`ETH-PERPETUAL` (amounts in USD) and linear
/// `SOL_USDC-PERPETUAL` (amounts in SOL).
///
/// Quirk: there is no liquidation channel; every liquidation is a trade with `"liquidation":"T"`
/// (the taker's order was the liquidation), so the feed shows all of them. Trades of a 100 ms
/// interval arrive in one frame; numbers are JSON numbers.
struct DeribitEncoder: FeedEncoder {
    let feed = Feed.deribit
    let feedIndex: Int
    let instruments: [SimInstrument]
    let formats: [ContractFormat]
    var ws: Connection
    var tradeSeq: [Int64]
    var tradeID: Int64 = 266_460_463
    var lastTradePrice: [Int64]
    var lastDirection: [Int]
    var buffered: [[TradePrint]]
    var quotes: [VenueQuote] = []
    let tradePrefix: [[UInt8]], tickerPrefix: [[UInt8]], nameField: [[UInt8]]

    init(_ ctx: EncoderContext) {
        feedIndex = ctx.feedIndex
        instruments = ctx.instruments
        formats = ctx.instruments.map(\.format)
        ws = ctx.connection
        tradeSeq = instruments.indices.map { Int64(40_781_986 + $0 * 20_000_000) }
        lastTradePrice = Array(repeating: 0, count: instruments.count)
        lastDirection = Array(repeating: 1, count: instruments.count)
        buffered = instruments.map { _ in [] }
        tradePrefix = instruments.map { Wire.bytes("{\"jsonrpc\":\"2.0\",\"method\":\"subscription\",\"params\":{\"channel\":\"trades.\($0.symbol).100ms\",\"data\":[") }
        tickerPrefix = instruments.map { Wire.bytes("{\"jsonrpc\":\"2.0\",\"method\":\"subscription\",\"params\":{\"channel\":\"ticker.\($0.symbol).100ms\",\"data\":{\"timestamp\":") }
        nameField = instruments.map { Wire.bytes("\"instrument_name\":\"\($0.symbol)\"") }
    }

    mutating func open(at t: Int64, quotes: [VenueQuote], into sink: inout FrameSink) {
        var start = sink.arena.count
        ByteFormat.append(string: "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"ok\",\"usIn\":\(t * 1000),\"usOut\":\(t * 1000 + 95),\"usDiff\":95,\"testnet\":false}",
                          to: &sink.arena)
        sink.commit(from: start, recvTs: ws.receive(t), feed: feedIndex)
        let channels = instruments.flatMap { ["\"trades.\($0.symbol).100ms\"", "\"ticker.\($0.symbol).100ms\""] }.joined(separator: ",")
        start = sink.arena.count
        ByteFormat.append(string: "{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":[\(channels)],\"usIn\":\(t * 1000),\"usOut\":\(t * 1000 + 120),\"usDiff\":120,\"testnet\":false}",
                          to: &sink.arena)
        sink.commit(from: start, recvTs: ws.receive(t), feed: feedIndex)
        self.quotes = quotes
        for a in instruments.indices {
            lastTradePrice[a] = quotes[a].lastPrice
            ticker(a, now: t, quotes[a], into: &sink)
        }
    }

    mutating func trade(_ p: TradePrint, quote: VenueQuote, into sink: inout FrameSink) {
        buffered[p.asset].append(p)
    }

    mutating func liquidation(_ p: LiquidationPrint, into sink: inout FrameSink) {
        sink.reported.append(p.truthIndex)  // shown as the flag on its trade
    }

    /// The interval's trades of one instrument in one frame.
    mutating func flushTrades(_ a: Int, now: Int64, into sink: inout FrameSink) {
        guard !buffered[a].isEmpty else { return }
        let inst = formats[a]
        let q = quotes.isEmpty ? nil : quotes[a]
        let start = sink.arena.count
        sink.arena.append(contentsOf: tradePrefix[a])
        for (i, p) in buffered[a].enumerated() {
            if i > 0 { sink.arena.append(0x2C) }
            tradeSeq[a] += 1
            tradeID += 1
            let direction = Wire.tickDirection(p.price, previous: lastTradePrice[a], previousDirection: lastDirection[a])
            lastTradePrice[a] = p.price
            lastDirection[a] = direction
            ByteFormat.append("{\"trade_seq\":", to: &sink.arena)
            ByteFormat.append(int: tradeSeq[a], to: &sink.arena)
            ByteFormat.append(",\"trade_id\":\"", to: &sink.arena)
            ByteFormat.append(int: tradeID, to: &sink.arena)
            ByteFormat.append("\",\"timestamp\":", to: &sink.arena)
            ByteFormat.append(int: p.ts, to: &sink.arena)
            ByteFormat.append(",\"tick_direction\":", to: &sink.arena)
            ByteFormat.append(int: Int64(direction), to: &sink.arena)
            ByteFormat.append(",\"price\":", to: &sink.arena)
            ByteFormat.append(units: p.price, decimals: inst.priceDecimals, to: &sink.arena)
            if let q {
                ByteFormat.append(",\"mark_price\":", to: &sink.arena)
                ByteFormat.append(fixed: q.mark, decimals: inst.priceDecimals + 2, to: &sink.arena)
                ByteFormat.append(",\"index_price\":", to: &sink.arena)
                ByteFormat.append(fixed: q.index, decimals: inst.priceDecimals, to: &sink.arena)
            }
            sink.arena.append(0x2C)
            sink.arena.append(contentsOf: nameField[a])
            ByteFormat.append(p.takerBuy ? ",\"direction\":\"buy\",\"amount\":" : ",\"direction\":\"sell\",\"amount\":", to: &sink.arena)
            ByteFormat.append(units: p.lots * inst.lotUnits, decimals: inst.sizeDecimals, to: &sink.arena)
            ByteFormat.append(",\"contracts\":", to: &sink.arena)
            ByteFormat.append(int: p.lots, to: &sink.arena)
            if p.liquidation >= 0 { ByteFormat.append(",\"liquidation\":\"T\"", to: &sink.arena) }
            sink.arena.append(0x7D)
        }
        ByteFormat.append("]}}", to: &sink.arena)
        sink.commit(from: start, recvTs: ws.receive(now), feed: feedIndex)
        buffered[a].removeAll(keepingCapacity: true)
    }

    mutating func ticker(_ a: Int, now: Int64, _ q: VenueQuote, into sink: inout FrameSink) {
        let inst = formats[a]
        let d = inst.priceDecimals
        let start = sink.arena.count
        sink.arena.append(contentsOf: tickerPrefix[a])
        ByteFormat.append(int: now, to: &sink.arena)
        ByteFormat.append(",\"state\":\"open\",\"settlement_price\":", to: &sink.arena)
        ByteFormat.append(fixed: q.index, decimals: d, to: &sink.arena)
        ByteFormat.append(",\"open_interest\":", to: &sink.arena)
        ByteFormat.append(units: q.openLots * inst.lotUnits, decimals: inst.sizeDecimals, to: &sink.arena)
        ByteFormat.append(",\"min_price\":", to: &sink.arena)
        ByteFormat.append(units: inst.priceUnits(q.mark * 0.985), decimals: d, to: &sink.arena)
        ByteFormat.append(",\"max_price\":", to: &sink.arena)
        ByteFormat.append(units: inst.priceUnits(q.mark * 1.015), decimals: d, to: &sink.arena)
        ByteFormat.append(",\"mark_price\":", to: &sink.arena)
        ByteFormat.append(fixed: q.mark, decimals: d + 2, to: &sink.arena)
        ByteFormat.append(",\"last_price\":", to: &sink.arena)
        ByteFormat.append(units: q.lastPrice, decimals: d, to: &sink.arena)
        sink.arena.append(0x2C)
        sink.arena.append(contentsOf: nameField[a])
        ByteFormat.append(",\"index_price\":", to: &sink.arena)
        ByteFormat.append(fixed: q.index, decimals: d, to: &sink.arena)
        ByteFormat.append(",\"funding_8h\":", to: &sink.arena)
        ByteFormat.append(fixed: q.funding, decimals: 8, to: &sink.arena)
        ByteFormat.append(",\"current_funding\":", to: &sink.arena)
        ByteFormat.append(fixed: q.funding, decimals: 8, to: &sink.arena)
        ByteFormat.append(",\"best_bid_price\":", to: &sink.arena)
        ByteFormat.append(units: max(inst.tickUnits, q.lastPrice - inst.tickUnits), decimals: d, to: &sink.arena)
        ByteFormat.append(",\"best_ask_price\":", to: &sink.arena)
        ByteFormat.append(units: q.lastPrice + inst.tickUnits, decimals: d, to: &sink.arena)
        ByteFormat.append("}}}", to: &sink.arena)
        sink.commit(from: start, recvTs: ws.receive(now), feed: feedIndex)
    }

    mutating func tick(now: Int64, quotes: [VenueQuote], into sink: inout FrameSink) {
        self.quotes = quotes
        for a in instruments.indices {
            flushTrades(a, now: now, into: &sink)
            if now % 1000 == 0 { ticker(a, now: now, quotes[a], into: &sink) }
        }
    }

    mutating func close(at t: Int64, quotes: [VenueQuote], into sink: inout FrameSink) {
        for a in instruments.indices { flushTrades(a, now: t, into: &sink) }
    }

    /// `public/get_instruments?kind=future` (perpetuals only).
    static func instrumentsBody(_ instruments: [SimInstrument], at t: Int64) -> String {
        let result = instruments.map { inst -> String in
            let linear = !inst.isInverse
            return "{\"tick_size\":\(decimalText(units: inst.tickUnits, decimals: inst.priceDecimals)),\"taker_commission\":0.0005,"
                + "\"settlement_period\":\"perpetual\",\"settlement_currency\":\"\(linear ? "USDC" : inst.asset)\",\"quote_currency\":\"\(inst.quote)\","
                + "\"price_index\":\"\(inst.asset.lowercased())_usd\",\"min_trade_amount\":\(decimalText(units: inst.lotUnits, decimals: inst.sizeDecimals)),"
                + "\"max_leverage\":50,\"maker_commission\":0,\"kind\":\"future\",\"is_active\":true,\"instrument_name\":\"\(inst.symbol)\","
                + "\"instrument_type\":\"\(linear ? "linear" : "reversed")\",\"expiration_timestamp\":32503708800000,\"creation_timestamp\":1534242287000,"
                + "\"counter_currency\":\"\(inst.quote)\",\"contract_size\":\(decimalText(units: inst.lotUnits, decimals: inst.sizeDecimals)),"
                + "\"base_currency\":\"\(inst.asset)\"}"
        }
        return "{\"jsonrpc\":\"2.0\",\"result\":[\(result.joined(separator: ","))],\"usIn\":\(t * 1000),\"usOut\":\(t * 1000 + 300),\"usDiff\":300,\"testnet\":false}"
    }
}

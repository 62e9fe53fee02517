import LiqmapCore

/// Reads the venues' instrument REST bodies into ``Instrument``s, recognising the venue by shape.
enum InstrumentBodies {
    static func read(_ json: JSONNode) throws(MalformedFrame) -> [(Instrument, Feed)] {
        if let symbols = json["symbols"]?.array { return try binance(symbols) }
        if json["code"] != nil, let data = json["data"]?.array { return try okx(data) }
        if json["jsonrpc"] != nil, let result = json["result"]?.array { return try deribit(result) }
        if let result = json["result"], json["retCode"] != nil, let list = result["list"]?.array {
            return try bybit(list, category: result["category"]?.string)
        }
        if json["ret_code"] != nil {
            throw MalformedFrame("legacy Bybit v2 body: use GET /v5/market/instruments-info?category=linear|inverse")
        }
        if let rows = json.array, rows.first?["typ"] != nil || rows.isEmpty { return try bitmex(rows) }
        throw MalformedFrame("not an instrument body this build knows (Binance exchangeInfo, OKX, Deribit, Bybit v5, BitMEX)")
    }

    /// `/fapi/v1/exchangeInfo` (no `contractSize`) and `/dapi/v1/exchangeInfo` (`contractSize` in USD).
    static func binance(_ symbols: JSONElements) throws(MalformedFrame) -> [(Instrument, Feed)] {
        var out: [(Instrument, Feed)] = []
        for s in symbols {
            let symbol = try Field.string(s, "symbol")
            guard let contractType = s["contractType"]?.string, !contractType.isEmpty else { continue }  // not a future
            let base = try Field.string(s, "baseAsset"), quote = try Field.string(s, "quoteAsset")
            var expiry: String?
            if contractType != "PERPETUAL" {
                expiry = Dates.yyyymmdd(ms: try Field.int64(s, "deliveryDate"))
            }
            if let size = s["contractSize"]?.double {
                guard size > 0 else { throw MalformedFrame("\(symbol): contractSize is not positive") }
                out.append((Instrument(symbol: symbol, base: base, quote: quote, expiry: expiry, sizing: .inverse, contractSize: size), .binanceCOINM))
            } else {
                out.append((Instrument(symbol: symbol, base: base, quote: quote, expiry: expiry, sizing: .linear, contractSize: 1), .binanceUSDM))
            }
        }
        return out
    }

    /// `/api/v5/public/instruments`: SWAP and FUTURES; contract value = ctVal × ctMult in `ctValCcy`.
    static func okx(_ data: JSONElements) throws(MalformedFrame) -> [(Instrument, Feed)] {
        var out: [(Instrument, Feed)] = []
        for d in data {
            let type = d["instType"]?.string
            guard type == "SWAP" || type == "FUTURES" else { continue }
            let id = try Field.string(d, "instId")
            let parts = id.split(separator: "-")
            guard parts.count == 3 else { throw MalformedFrame("\(id): not BASE-QUOTE-SUFFIX") }
            let value = try Field.positive(d, "ctVal") * (try Field.optionalDouble(d, "ctMult") ?? 1)
            let inverse = d["ctType"]?.string == "inverse"
            var expiry: String?
            if type == "FUTURES" {
                guard let e = Dates.yyyymmdd(yymmdd: parts[2]) else { throw MalformedFrame("\(id): no expiry") }
                expiry = e
            }
            out.append((Instrument(symbol: id, base: String(parts[0]), quote: String(parts[1]), expiry: expiry,
                                   sizing: inverse ? .inverse : .linear, contractSize: value), .okx))
        }
        return out
    }

    /// `public/get_instruments`: futures and perpetuals; inverse amounts are USD, linear amounts base.
    static func deribit(_ result: JSONElements) throws(MalformedFrame) -> [(Instrument, Feed)] {
        var out: [(Instrument, Feed)] = []
        for r in result where r["kind"]?.string == "future" {
            let name = try Field.string(r, "instrument_name")
            let base = try Field.string(r, "base_currency"), quote = try Field.string(r, "quote_currency")
            let perpetual = r["settlement_period"]?.string == "perpetual"
            let expiry = perpetual ? nil : Dates.yyyymmdd(ms: try Field.int64(r, "expiration_timestamp"))
            let linear = r["instrument_type"]?.string == "linear" || quote != "USD"
            out.append((Instrument(symbol: name, base: base, quote: quote, expiry: expiry, sizing: linear ? .linear : .inverse,
                                   contractSize: 1), .deribit))
        }
        return out
    }

    /// `/v5/market/instruments-info`: sizes are already base (linear) or USD (inverse).
    static func bybit(_ list: JSONElements, category: String?) throws(MalformedFrame) -> [(Instrument, Feed)] {
        var out: [(Instrument, Feed)] = []
        for item in list {
            let symbol = try Field.string(item, "symbol")
            let type = item["contractType"]?.string ?? ""
            let inverse = type.hasPrefix("Inverse") || category == "inverse"
            let base = try Field.string(item, "baseCoin"), quote = try Field.string(item, "quoteCoin")
            var expiry: String?
            if type.hasSuffix("Futures"), let delivery = item["deliveryTime"]?.int64, delivery > 0 {
                expiry = Dates.yyyymmdd(ms: delivery)
            }
            out.append((Instrument(symbol: symbol, base: base, quote: quote, expiry: expiry, sizing: inverse ? .inverse : .linear,
                                   contractSize: 1), inverse ? .bybitInverse : .bybitLinear))
        }
        return out
    }

    /// `/api/v1/instrument/active`: perpetuals (`FFWCSX`) and futures (`FFCCSX`). Inverse contracts are
    /// 1 USD; linear ones are 1 / underlyingToPositionMultiplier base units; quanto contracts are
    /// `multiplier` satoshis per point of price (`contractSize` = multiplier × 1e-8 XBT).
    static func bitmex(_ rows: JSONElements) throws(MalformedFrame) -> [(Instrument, Feed)] {
        var out: [(Instrument, Feed)] = []
        for row in rows {
            let typ = row["typ"]?.string
            guard typ == "FFWCSX" || typ == "FFCCSX" else { continue }
            let symbol = try Field.string(row, "symbol")
            let base = try Field.string(row, "underlying"), quote = try Field.string(row, "quoteCurrency")
            let expiry = typ == "FFCCSX" ? row["expiry"]?.string.flatMap(Dates.yyyymmdd(iso:)) : nil
            if row["isQuanto"]?.bool == true {
                guard let multiplier = row["multiplier"]?.double, multiplier > 0 else { throw MalformedFrame("\(symbol): quanto without a positive multiplier") }
                out.append((Instrument(symbol: symbol, base: base, quote: quote, expiry: expiry, sizing: .quanto,
                                       contractSize: multiplier * 1e-8), .bitmex))
            } else if row["isInverse"]?.bool == true {
                out.append((Instrument(symbol: symbol, base: base, quote: quote, expiry: expiry, sizing: .inverse, contractSize: 1), .bitmex))
            } else if let perContract = try Field.optionalDouble(row, "underlyingToPositionMultiplier"), perContract > 0 {
                out.append((Instrument(symbol: symbol, base: base, quote: quote, expiry: expiry, sizing: .linear,
                                       contractSize: 1 / perContract), .bitmex))
            }
        }
        return out
    }
}

import LiqmapCore

/// The built-in rules that resolve common symbol shapes without an instrument file. Contract sizes
/// that are not part of the symbol (OKX `ctVal`, COIN-M `contractSize`) come from the defaults
/// below, which hold the majors only; anything else needs `--instruments`.
enum BuiltInInstruments {
    static let stableQuotes = ["USDT", "USDC", "BUSD", "FDUSD"]

    /// OKX contract values for the majors (ctVal × ctMult): base units for `-USDT-`/`-USDC-`, USD for `-USD-`.
    static let okxContractValues: [String: Double] = [
        "BTC-USDT": 0.01, "ETH-USDT": 0.1, "SOL-USDT": 1, "XRP-USDT": 100, "DOGE-USDT": 1000, "BTC-USDC": 0.0001, "ETH-USDC": 0.001,
        "BTC-USD": 100, "ETH-USD": 10, "SOL-USD": 10, "XRP-USD": 10, "DOGE-USD": 10,
    ]

    static func resolve(_ symbol: String, feed: Feed) -> Instrument? {
        switch feed {
        case .binanceUSDM: binanceUSDM(symbol)
        case .binanceCOINM: binanceCOINM(symbol)
        case .bybitLinear: bybitLinear(symbol)
        case .bybitInverse: bybitInverse(symbol)
        case .okx: okx(symbol)
        case .deribit: deribit(symbol)
        case .bitmex: bitmex(symbol)
        case .hyperliquid: hyperliquid(symbol)
        }
    }

    /// `BTCUSDT`, `BTCUSDT_210625`.
    static func binanceUSDM(_ symbol: String) -> Instrument? {
        let parts = symbol.split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count <= 2, let pair = parts.first, let quote = stableQuotes.first(where: { pair.hasSuffix($0) }),
              pair.count > quote.count else { return nil }
        var expiry: String?
        if parts.count == 2 {
            guard let e = Dates.yyyymmdd(yymmdd: parts[1]) else { return nil }
            expiry = e
        }
        return Instrument(symbol: symbol, base: String(pair.dropLast(quote.count)), quote: quote, expiry: expiry, sizing: .linear, contractSize: 1)
    }

    /// `BTCUSD_PERP`, `BTCUSD_210625`: BTC contracts are 100 USD, the others 10 USD.
    static func binanceCOINM(_ symbol: String) -> Instrument? {
        let parts = symbol.split(separator: "_")
        guard parts.count == 2, parts[0].hasSuffix("USD"), parts[0].count > 3 else { return nil }
        let base = String(parts[0].dropLast(3))
        var expiry: String?
        if parts[1] != "PERP" {
            guard let e = Dates.yyyymmdd(yymmdd: parts[1]) else { return nil }
            expiry = e
        }
        return Instrument(symbol: symbol, base: base, quote: "USD", expiry: expiry, sizing: .inverse, contractSize: base == "BTC" ? 100 : 10)
    }

    /// `BTCUSDT`, `BTCPERP` (USDC perpetual), `BTC-26DEC25` (USDC-settled dated), `BTCUSDT-26DEC25`.
    static func bybitLinear(_ symbol: String) -> Instrument? {
        let parts = symbol.split(separator: "-")
        if parts.count == 2, let expiry = Dates.yyyymmdd(dayMonthYear: parts[1]) {
            let pair = parts[0]
            if let quote = stableQuotes.first(where: { pair.hasSuffix($0) }), pair.count > quote.count {
                return Instrument(symbol: symbol, base: String(pair.dropLast(quote.count)), quote: quote, expiry: expiry, sizing: .linear, contractSize: 1)
            }
            return Instrument(symbol: symbol, base: String(pair), quote: "USDC", expiry: expiry, sizing: .linear, contractSize: 1)
        }
        guard parts.count == 1 else { return nil }
        if symbol.hasSuffix("PERP"), symbol.count > 4 {
            return Instrument(symbol: symbol, base: String(symbol.dropLast(4)), quote: "USDC", expiry: nil, sizing: .linear, contractSize: 1)
        }
        guard let quote = stableQuotes.first(where: { symbol.hasSuffix($0) }), symbol.count > quote.count else { return nil }
        return Instrument(symbol: symbol, base: String(symbol.dropLast(quote.count)), quote: quote, expiry: nil, sizing: .linear, contractSize: 1)
    }

    /// `BTCUSD` (perpetual), `BTCUSDM22` (dated: month code + year, expiring the last Friday):
    /// sizes are USD (1 USD contracts).
    static func bybitInverse(_ symbol: String) -> Instrument? {
        if symbol.hasSuffix("USD"), symbol.count > 3 {
            return Instrument(symbol: symbol, base: String(symbol.dropLast(3)), quote: "USD", expiry: nil, sizing: .inverse, contractSize: 1)
        }
        let codes: [Character: Int] = ["F": 1, "G": 2, "H": 3, "J": 4, "K": 5, "M": 6, "N": 7, "Q": 8, "U": 9, "V": 10, "X": 11, "Z": 12]
        guard symbol.count > 6, let year = Int(symbol.suffix(2)), let month = codes[symbol.dropLast(2).last!] else { return nil }
        let pair = symbol.dropLast(3)
        guard pair.hasSuffix("USD"), pair.count > 3 else { return nil }
        return Instrument(symbol: symbol, base: String(pair.dropLast(3)), quote: "USD",
                          expiry: Dates.lastFriday(year: 2000 + year, month: month), sizing: .inverse, contractSize: 1)
    }

    /// `BTC-USDT-SWAP`, `BTC-USD-220325`; the contract value must be known (see the table).
    static func okx(_ symbol: String) -> Instrument? {
        let parts = symbol.split(separator: "-")
        guard parts.count == 3, let value = okxContractValues["\(parts[0])-\(parts[1])"] else { return nil }
        var expiry: String?
        if parts[2] != "SWAP" {
            guard let e = Dates.yyyymmdd(yymmdd: parts[2]) else { return nil }
            expiry = e
        }
        return Instrument(symbol: symbol, base: String(parts[0]), quote: String(parts[1]), expiry: expiry,
                          sizing: parts[1] == "USD" ? .inverse : .linear, contractSize: value)
    }

    /// `BTC-PERPETUAL`, `BTC-26MAR21` (inverse, amounts in USD), `BTC_USDC-PERPETUAL` (linear, amounts in base).
    static func deribit(_ symbol: String) -> Instrument? {
        let parts = symbol.split(separator: "-")
        guard parts.count == 2 else { return nil }
        let expiry: String?
        if parts[1] == "PERPETUAL" {
            expiry = nil
        } else {
            guard let e = Dates.yyyymmdd(dayMonthYear: parts[1]) else { return nil }
            expiry = e
        }
        let pair = parts[0].split(separator: "_")
        if pair.count == 2 {
            return Instrument(symbol: symbol, base: String(pair[0]), quote: String(pair[1]), expiry: expiry, sizing: .linear, contractSize: 1)
        }
        return Instrument(symbol: symbol, base: String(parts[0]), quote: "USD", expiry: expiry, sizing: .inverse, contractSize: 1)
    }

    /// `XBTUSD` (inverse, 1 USD per contract) and `XBTUSDT` (linear, 0.000001 BTC per contract).
    /// Other `<BASE>USD`/`<BASE>USDT` perpetuals resolve by shape with an unknown contract value
    /// (`contractSize` 0): enough for trades, which carry their own base and USD amounts, not for
    /// liquidations, which need BitMEX's instrument file.
    static func bitmex(_ symbol: String) -> Instrument? {
        switch symbol {
        case "XBTUSD": return Instrument(symbol: symbol, base: "XBT", quote: "USD", expiry: nil, sizing: .inverse, contractSize: 1)
        case "XBTUSDT": return Instrument(symbol: symbol, base: "XBT", quote: "USDT", expiry: nil, sizing: .linear, contractSize: 0.000001)
        default:
            guard symbol.allSatisfy({ $0.isUppercase && $0.isLetter }) else { return nil }
            for quote in ["USDT", "USD"] where symbol.hasSuffix(quote) && symbol.count > quote.count {
                return Instrument(symbol: symbol, base: String(symbol.dropLast(quote.count)), quote: quote, expiry: nil, sizing: .linear, contractSize: 0)
            }
            return nil
        }
    }

    /// Perpetual coins (`BTC`), settled in USDC; `@123` spot pairs and `xyz:ABC` builder dexes are not perpetuals here.
    static func hyperliquid(_ symbol: String) -> Instrument? {
        guard !symbol.isEmpty, symbol.allSatisfy({ $0.isLetter || $0.isNumber }) else { return nil }
        return Instrument(symbol: symbol, base: symbol.uppercased(), quote: "USDC", expiry: nil, sizing: .linear, contractSize: 1)
    }
}

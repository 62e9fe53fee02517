import LiqmapCore

/// What a venue's instrument is, as far as normalization needs: the canonical id and how to turn a
/// venue size into base units and USD.
public struct Instrument: Sendable, Hashable {
    /// How a contract's size is expressed.
    public enum Sizing: Sendable, Hashable {
        /// Sizes are base units times `contractSize` (1 when the venue sizes in base already).
        case linear
        /// Sizes are contracts worth `contractSize` USD each (1 when the venue sizes in USD).
        case inverse
        /// BitMEX quanto: a contract is worth `contractSize` XBT per 1 (USD) of price (the venue's
        /// `multiplier` in satoshis × 1e-8), so its USD value also moves with the XBT price: see
        /// `quantoAmounts`.
        case quanto
    }

    public let symbol: String
    public let base: String
    public let quote: String
    /// `YYYYMMDD` for dated futures, nil for perpetuals.
    public let expiry: String?
    public let sizing: Sizing
    /// Base units per contract (linear) or USD per contract (inverse).
    public let contractSize: Double
    /// `BASE-QUOTE-PERP` or `BASE-QUOTE-YYYYMMDD` (kept, not rebuilt per event).
    public let canonicalID: String

    public init(symbol: String, base: String, quote: String, expiry: String?, sizing: Sizing, contractSize: Double) {
        self.symbol = symbol
        self.base = base == "XBT" ? "BTC" : base
        self.quote = quote
        self.expiry = expiry
        self.sizing = sizing
        self.contractSize = contractSize
        self.canonicalID = "\(self.base)-\(quote)-\(expiry ?? "PERP")"
    }

    /// Base quantity and USD notional of `size` venue units at `price`.
    ///
    /// Linear: qty = size × contractSize, notional = qty × price (USDT/USDC count as USD).
    /// Inverse: notional = size × contractSize (USD), qty = notional / price.
    /// Quanto needs the XBT price (`quantoAmounts`); here it gives NaN, which no event accepts.
    public func amounts(size: Double, price: Double) -> (qty: Double, notionalUSD: Double) {
        switch sizing {
        case .linear:
            let qty = size * contractSize
            return (qty, qty * price)
        case .inverse:
            let usd = size * contractSize
            return (usd / price, usd)
        case .quanto:
            return (.nan, .nan)
        }
    }

    /// Quanto: notional = size × contractSize × price × `xbtUSD` (the contract pays XBT per point of
    /// price, converted at the XBT/USD price), qty = notional / price.
    public func quantoAmounts(size: Double, price: Double, xbtUSD: Double) -> (qty: Double, notionalUSD: Double) {
        let usd = size * contractSize * price * xbtUSD
        return (usd / price, usd)
    }
}

/// Instrument metadata for all feeds: loaded from venue REST bodies (`--instruments`), with built-in
/// rules for the common symbol shapes as a fallback. A value from a file wins over a rule.
public struct InstrumentRegistry: Sendable {
    private var loaded: [Feed: [String: Instrument]] = [:]

    public init() {}

    /// Adds (or replaces) one instrument for a feed.
    public mutating func add(_ instrument: Instrument, feed: Feed) {
        loaded[feed, default: [:]][instrument.symbol] = instrument
    }

    /// How many instruments were loaded from files.
    public var loadedCount: Int { loaded.values.reduce(0) { $0 + $1.count } }

    /// The instrument, from a file if one was loaded, else from the feed's built-in rules.
    public func resolve(_ symbol: String, feed: Feed) -> Instrument? {
        if let known = loaded[feed]?[symbol] { return known }
        return BuiltInInstruments.resolve(symbol, feed: feed)
    }

    /// Reads an instrument file: one REST body, or one body per line (also cryptofeed's
    /// `URL -> ts: body` lines). Loads every readable body; returns how many it loaded and why the
    /// others could not be read.
    public mutating func load(file text: String) -> (bodies: Int, errors: [MalformedFrame]) {
        if (try? load(body: text)) != nil { return (1, []) }
        var bodies = 0
        var errors: [MalformedFrame] = []
        for line in text.split(separator: "\n") {
            guard case .frame(_, let body) = RecordingLine.split(line) else { continue }
            do {
                try load(body: String(body))
                bodies += 1
            } catch {
                errors.append(error)
            }
        }
        return (bodies, errors)
    }

    /// Reads a REST body of instrument metadata (Binance `exchangeInfo`, OKX `public/instruments`,
    /// BitMEX `instrument/active`, Deribit `public/get_instruments`, Bybit `market/instruments-info`)
    /// and adds what it describes; returns how many instruments it added.
    @discardableResult
    public mutating func load(body: String) throws(MalformedFrame) -> Int {
        let found = try Field.read(body) { json throws(MalformedFrame) in try InstrumentBodies.read(json) }
        var added = 0
        for (instrument, feed) in found {
            add(instrument, feed: feed)
            added += 1
        }
        return added
    }
}
